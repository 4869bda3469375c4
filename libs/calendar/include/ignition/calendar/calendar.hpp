#pragma once
/// Calendar events: timed or all-day, with an optional end that is never before the
/// start, and a recurrence rule stored as text (never expanded by the server). Lists
/// select the events overlapping a time range, newest start first.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::calendar {

namespace rules {
inline constexpr domain::Text title{1, 200};
inline constexpr domain::Text description{0, 5'000};
inline constexpr std::array<std::string_view, 4> event_types{"general", "focus", "workout", "reminder"};
inline constexpr domain::Text location{0, 200};
inline constexpr domain::Text recurrence_rule{0, 500};
inline constexpr domain::Text color{0, 32};
inline constexpr domain::Range reminder_minutes{0, 40'320};  // four weeks
}  // namespace rules

struct NewEvent {
  std::string title;
  std::optional<std::string> description;
  std::string event_type = "general";  // one of rules::event_types
  Timestamp starts_at;
  std::optional<Timestamp> ends_at;
  bool all_day = false;
  std::optional<std::string> location;
  std::optional<std::string> recurrence_rule;
  std::optional<Timestamp> recurrence_end;
  std::optional<std::string> color;
  std::optional<std::int64_t> reminder_minutes;
  std::optional<boost::json::object> metadata;
};

struct EventChanges {
  domain::Change<std::string> title;
  domain::Change<std::string> description;
  domain::Change<std::string> event_type;
  domain::Change<Timestamp> starts_at;
  domain::Change<Timestamp> ends_at;
  domain::Change<bool> all_day;
  domain::Change<std::string> location;
  domain::Change<std::string> recurrence_rule;
  domain::Change<Timestamp> recurrence_end;
  domain::Change<std::string> color;
  domain::Change<std::int64_t> reminder_minutes;
  domain::Change<boost::json::object> metadata;
};

/// Events overlapping [from, to): starting before `to` and ending (or, without an end,
/// starting) at or after `from`. An absent bound does not limit.
struct Range {
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
};

/// The rules, and for a new event that `ends_at` is not before `starts_at`.
domain::Check check(const NewEvent& event);
/// The rules; whether the end still follows the start is decided by update() against the stored row.
domain::Check check(const EventChanges& changes);

/// Error(validation_failed) on `ends_at` when it is before `starts_at`.
boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewEvent event);
/// Error(not_found) when there is no such event of this user (also for update and remove).
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
/// Events newest first by start.
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, Range range, domain::PageRequest page);
/// Error(validation_failed) on `ends_at` when the changed event would end before it starts.
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, EventChanges changes);
boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id);

}  // namespace ignition::calendar
