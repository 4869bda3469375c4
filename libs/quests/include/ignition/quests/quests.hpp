#pragma once
/// Quests: the universal ones every user shares (with each user's own progress) and the
/// quests a user makes for themself. Progress is capped at the target; a universal quest
/// completes only at its target; completing pays the reward exactly once, however often or
/// concurrently it is asked. A user's own quests pay XP only, and only for the first
/// gamification::declared_rewards_per_day of a day — coins come from universal quests and
/// focus, so nobody can mint coins or levels by writing quests.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::quests {

inline constexpr int own_quest_xp = 10;

namespace rules {
inline constexpr domain::Text title{1, 200};
inline constexpr domain::Text description{0, 2'000};
inline constexpr domain::Text category{1, 32};
inline constexpr domain::Range target{1, 1'000};
inline constexpr domain::Range amount{1, 1'000};  // one step of progress
}  // namespace rules

struct NewQuest {
  std::string title;
  std::optional<std::string> description;
  std::string category = "personal";
  std::int64_t target = 1;
};

domain::Check check(const NewQuest& quest);

/// Universal and own quests, newest first; each {id, kind: "universal"|"own", title,
/// description, category, target, progress, status, xp_reward, coin_reward,
/// completed_at, created_at}.
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);
boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewQuest quest);
/// Adds `amount` to the progress, capped at the target. Error(conflict) once completed.
boost::asio::awaitable<boost::json::object> progress(db::Pool& pool, Uuid user, Uuid id, std::int64_t amount);
/// Completes the quest and pays its reward (an own quest's within the daily cap).
/// Error(conflict) when already completed, or for a universal quest short of its target.
boost::asio::awaitable<boost::json::object> complete(db::Pool& pool, Uuid user, Uuid id);

}  // namespace ignition::quests
