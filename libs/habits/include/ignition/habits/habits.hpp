#pragma once
/// Habits and their daily check-ins. One log per habit per day; the day is the user's
/// calendar day in the time zone of their settings, and each habit shows its
/// `current_streak` (consecutive days ending today or yesterday) and `longest_streak`.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::habits {

namespace rules {
inline constexpr domain::Text name{1, 100};
inline constexpr domain::Text description{0, 2'000};
inline constexpr std::array<std::string_view, 3> frequencies{"daily", "weekdays", "weekly"};
inline constexpr domain::Range target_count{1, 100};
inline constexpr domain::Text icon{1, 32};
inline constexpr domain::Text color{1, 32};
}  // namespace rules

struct NewHabit {
  std::string name;
  std::optional<std::string> description;
  std::string frequency = "daily";
  std::int64_t target_count = 1;
  std::optional<std::string> icon;
  std::optional<std::string> color;
  std::optional<std::string> reminder_time;  // "HH:MM"
};

struct HabitChanges {
  domain::Change<std::string> name;
  domain::Change<std::string> description;
  domain::Change<std::string> frequency;
  domain::Change<std::int64_t> target_count;
  domain::Change<std::string> icon;
  domain::Change<std::string> color;
  domain::Change<std::string> reminder_time;
  domain::Change<bool> is_active;
};

domain::Check check(const NewHabit& habit);
domain::Check check(const HabitChanges& changes);

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewHabit habit);
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, HabitChanges changes);
boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id);

/// Logs the habit for `date` (YYYY-MM-DD; the user's today when absent). Error(conflict)
/// when that day is already logged, Error(validation_failed) for a day in the future.
/// Returns {log, habit} with the habit's new streaks.
boost::asio::awaitable<boost::json::object> log(db::Pool& pool, Uuid user, Uuid habit, std::optional<std::string> date);
/// Removes the log of `date`; Error(not_found) when there is none.
boost::asio::awaitable<void> unlog(db::Pool& pool, Uuid user, Uuid habit, std::string date);
/// Logs in [from, to] (dates, inclusive; open when absent), newest first.
boost::asio::awaitable<domain::Page> logs(db::Pool& pool, Uuid user, Uuid habit, std::optional<std::string> from,
                                          std::optional<std::string> to, domain::PageRequest page);

/// A subquery giving `current_streak` and `longest_streak` of the habit aliased `h`, in
/// a statement whose $1 is the user (for views that compose habits, like the dashboard).
const std::string& streaks_sql();

}  // namespace ignition::habits
