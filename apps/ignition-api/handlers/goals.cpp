#include <ignition/common/error.hpp>
#include <ignition/goals/goals.hpp>

#include "bind.hpp"
#include "crud.hpp"
#include "domains.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

goals::NewGoal read_new(json::ObjectReader& reader) {
  goals::NewGoal goal;
  goal.title = reader.string("title", true).value_or("");
  goal.description = reader.string("description", false);
  goal.category = reader.string("category", false);
  goal.target_date = reader.date("target_date", false);
  return goal;
}

asio::awaitable<Response> list(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto status = query(req, "status");
  const auto paging = page_request(req);
  auto page = co_await goals::list(d.pool, user, std::move(status), paging);
  co_return page_response(std::move(page));
}

goals::GoalChanges read_changes(json::ObjectReader& reader) {
  goals::GoalChanges changes;
  changes.title = change(reader, "title", false, [&] { return reader.string("title", false); });
  changes.description = change(reader, "description", true, [&] { return reader.string("description", false); });
  changes.category = change(reader, "category", true, [&] { return reader.string("category", false); });
  changes.target_date = change(reader, "target_date", true, [&] { return reader.date("target_date", false); });
  changes.status = change(reader, "status", false, [&] { return reader.string("status", false); });
  return changes;
}

asio::awaitable<Response> list_milestones(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid goal = path_id(req);
  auto items = co_await goals::milestones(d.pool, user, goal);
  co_return items_response(std::move(items));
}

asio::awaitable<Response> create_milestone(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid goal = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  goals::NewMilestone milestone;
  milestone.title = reader.string("title", true).value_or("");
  milestone.sort_order = reader.integer("sort_order", false);
  reader.finish(goals::check(milestone).problems());
  auto created_milestone = co_await goals::add_milestone(d.pool, user, goal, std::move(milestone));
  co_return created(created_milestone);
}

asio::awaitable<Response> get_milestone(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid goal = path_id(req);
  const Uuid id = path_id(req, "milestone_id");
  auto milestone = co_await goals::get_milestone(d.pool, user, goal, id);
  co_return ok(milestone);
}

asio::awaitable<Response> update_milestone(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid goal = path_id(req);
  const Uuid id = path_id(req, "milestone_id");
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  goals::MilestoneChanges changes;
  changes.title = change(reader, "title", false, [&] { return reader.string("title", false); });
  changes.is_completed = change(reader, "is_completed", false, [&] { return reader.boolean("is_completed", false); });
  changes.sort_order = change(reader, "sort_order", false, [&] { return reader.integer("sort_order", false); });
  reader.finish(goals::check(changes).problems());
  auto milestone = co_await goals::update_milestone(d.pool, user, goal, id, std::move(changes));
  co_return ok(milestone);
}

asio::awaitable<Response> remove_milestone(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid goal = path_id(req);
  const Uuid id = path_id(req, "milestone_id");
  co_await goals::remove_milestone(d.pool, user, goal, id);
  co_return no_content();
}

}  // namespace

void add_goals_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/goals", policy, with_deps(d, create_owned<read_new, goals::create>));
  router.add(Verb::get, "/api/v1/goals", policy, with_deps(d, list));
  router.add(Verb::get, "/api/v1/goals/{id}", policy, with_deps(d, get_owned<goals::get>));
  router.add(Verb::patch, "/api/v1/goals/{id}", policy, with_deps(d, update_owned<read_changes, goals::update>));
  router.add(Verb::delete_, "/api/v1/goals/{id}", policy, with_deps(d, remove_owned<goals::remove>));
  router.add(Verb::get, "/api/v1/goals/{id}/milestones", policy, with_deps(d, list_milestones));
  router.add(Verb::post, "/api/v1/goals/{id}/milestones", policy, with_deps(d, create_milestone));
  router.add(Verb::get, "/api/v1/goals/{id}/milestones/{milestone_id}", policy, with_deps(d, get_milestone));
  router.add(Verb::patch, "/api/v1/goals/{id}/milestones/{milestone_id}", policy, with_deps(d, update_milestone));
  router.add(Verb::delete_, "/api/v1/goals/{id}/milestones/{milestone_id}", policy, with_deps(d, remove_milestone));
}

}  // namespace ignition::api
