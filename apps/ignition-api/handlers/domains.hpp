#pragma once
// The /api/v1 domain routes. Each add_*_routes lives in the handler file of its domain.

#include <ignition/http/router.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::api {

struct DomainDeps {
  db::Pool& pool;
};

void add_focus_routes(http::Router& router, DomainDeps deps);
void add_ideas_routes(http::Router& router, DomainDeps deps);
void add_gamification_routes(http::Router& router, DomainDeps deps);
void add_habits_routes(http::Router& router, DomainDeps deps);
void add_goals_routes(http::Router& router, DomainDeps deps);
void add_quests_routes(http::Router& router, DomainDeps deps);
void add_calendar_routes(http::Router& router, DomainDeps deps);
void add_planner_routes(http::Router& router, DomainDeps deps);
void add_infobase_routes(http::Router& router, DomainDeps deps);
void add_feedback_routes(http::Router& router, DomainDeps deps);
void add_market_routes(http::Router& router, DomainDeps deps);
void add_today_routes(http::Router& router, DomainDeps deps);
void add_learn_routes(http::Router& router, DomainDeps deps);
void add_onboarding_routes(http::Router& router, DomainDeps deps);
void add_books_routes(http::Router& router, DomainDeps deps);
void add_programs_routes(http::Router& router, DomainDeps deps);
void add_exercise_routes(http::Router& router, DomainDeps deps);

}  // namespace ignition::api
