#pragma once
/// Goals and their milestones. A goal's progress is the share of its milestones done
/// (integer percent, 0 without milestones), recomputed with every milestone change.
/// Completing the last open milestone completes the goal and pays its reward once
/// (50 XP, 10 coins); reopening one sets the goal back to "active", and the reward is
/// never paid again. Setting the status by hand pays nothing. The user alone declares the
/// milestones done, so goals pay for the first gamification::declared_rewards_per_day
/// completed in a day only.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::goals {

inline constexpr std::int64_t reward_xp = 50;
inline constexpr std::int64_t reward_coins = 10;

namespace rules {
inline constexpr domain::Text title{1, 200};
inline constexpr domain::Text description{0, 5'000};
inline constexpr domain::Text category{0, 64};
inline constexpr std::array<std::string_view, 3> statuses{"active", "completed", "abandoned"};
inline constexpr domain::Range sort_order{0, 1'000'000};
}  // namespace rules

struct NewGoal {
  std::string title;
  std::optional<std::string> description;
  std::optional<std::string> category;
  std::optional<std::string> target_date;  // YYYY-MM-DD
};

struct GoalChanges {
  domain::Change<std::string> title;
  domain::Change<std::string> description;
  domain::Change<std::string> category;
  domain::Change<std::string> target_date;  // YYYY-MM-DD
  domain::Change<std::string> status;       // "active", "completed" or "abandoned"
};

struct NewMilestone {
  std::string title;
  std::optional<std::int64_t> sort_order;  // default: after the goal's last milestone
};

struct MilestoneChanges {
  domain::Change<std::string> title;
  domain::Change<bool> is_completed;
  domain::Change<std::int64_t> sort_order;
};

domain::Check check(const NewGoal& goal);
domain::Check check(const GoalChanges& changes);
domain::Check check(const NewMilestone& milestone);
domain::Check check(const MilestoneChanges& changes);

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewGoal goal);
/// Error(not_found) when there is no such goal of this user (also for update and remove).
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
/// Goals newest first, optionally only those with `status` (one of rules::statuses).
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, std::optional<std::string> status,
                                          domain::PageRequest page);
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, GoalChanges changes);
/// Deletes the goal with its milestones.
boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id);

/// The goal's milestones by sort_order, then creation. Error(not_found) for another
/// user's or an unknown goal or milestone (also for the calls below).
boost::asio::awaitable<boost::json::array> milestones(db::Pool& pool, Uuid user, Uuid goal);
boost::asio::awaitable<boost::json::object> get_milestone(db::Pool& pool, Uuid user, Uuid goal, Uuid id);
boost::asio::awaitable<boost::json::object> add_milestone(db::Pool& pool, Uuid user, Uuid goal, NewMilestone milestone);
boost::asio::awaitable<boost::json::object> update_milestone(db::Pool& pool, Uuid user, Uuid goal, Uuid id,
                                                             MilestoneChanges changes);
boost::asio::awaitable<void> remove_milestone(db::Pool& pool, Uuid user, Uuid goal, Uuid id);

}  // namespace ignition::goals
