#pragma once
/// Training programs and their weeks, numbered 1..n without gaps: a new week is appended
/// as n + 1 and removing one renumbers the weeks after it, under the program's row lock.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
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

namespace ignition::programs {

namespace rules {
inline constexpr domain::Text name{1, 200};
inline constexpr domain::Text text{0, 5'000};  // descriptions and notes
inline constexpr domain::Range duration_weeks{1, 104};
inline constexpr domain::Text goal{1, 200};
inline constexpr std::array<std::string_view, 3> difficulties{"beginner", "intermediate", "advanced"};
}  // namespace rules

struct NewProgram {
  std::string name;
  std::optional<std::string> description;
  std::int64_t duration_weeks = 4;
  std::optional<std::string> goal;
  std::string difficulty = "intermediate";
};

struct ProgramChanges {
  domain::Change<std::string> name;
  domain::Change<std::string> description;
  domain::Change<std::int64_t> duration_weeks;
  domain::Change<std::string> goal;
  domain::Change<std::string> difficulty;
  domain::Change<bool> is_active;
};

struct Week {
  std::optional<std::string> name;
  bool is_deload = false;
  std::optional<std::string> notes;
  std::optional<boost::json::object> schedule;
};

struct WeekChanges {
  domain::Change<std::string> name;
  domain::Change<bool> is_deload;
  domain::Change<std::string> notes;
  domain::Change<boost::json::object> schedule;
};

domain::Check check(const NewProgram& program);
domain::Check check(const ProgramChanges& changes);
domain::Check check(const Week& week);
domain::Check check(const WeekChanges& changes);

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewProgram program);
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, ProgramChanges changes);
boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id);

/// The program's weeks in order.
boost::asio::awaitable<boost::json::array> weeks(db::Pool& pool, Uuid user, Uuid program);
/// One week of the user's program; Error(not_found) for anyone else's or an unknown one.
boost::asio::awaitable<boost::json::object> get_week(db::Pool& pool, Uuid user, Uuid program, Uuid week);
/// Appends a week as number n + 1.
boost::asio::awaitable<boost::json::object> add_week(db::Pool& pool, Uuid user, Uuid program, Week week);
boost::asio::awaitable<boost::json::object> update_week(db::Pool& pool, Uuid user, Uuid program, Uuid week,
                                                        WeekChanges changes);
/// Removes a week; the ones after it move up by one.
boost::asio::awaitable<void> remove_week(db::Pool& pool, Uuid user, Uuid program, Uuid week);

}  // namespace ignition::programs
