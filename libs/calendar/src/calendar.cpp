#include <ignition/calendar/calendar.hpp>

#include <ignition/common/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::calendar {

namespace {

#define EVENT_COLUMNS                                                                                 \
  "id, title, description, event_type, starts_at, ends_at, all_day, location, workout_id, "           \
  "recurrence_rule, recurrence_end, parent_event_id, color, reminder_minutes, metadata, created_at, " \
  "updated_at"

const db::Statement insert_statement{
    "calendar_insert",
    "INSERT INTO calendar_events (user_id, title, description, event_type, starts_at, ends_at, all_day, location,"
    " recurrence_rule, recurrence_end, color, reminder_minutes, metadata)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb) RETURNING " EVENT_COLUMNS};
const db::Statement get_statement{"calendar_get",
                                  "SELECT " EVENT_COLUMNS " FROM calendar_events WHERE id = $1 AND user_id = $2"};
const db::Statement list_statement{
    "calendar_list", "SELECT " EVENT_COLUMNS
                     " FROM calendar_events WHERE user_id = $1"
                     " AND ($2::timestamptz IS NULL OR coalesce(ends_at, starts_at) >= $2)"
                     " AND ($3::timestamptz IS NULL OR starts_at < $3)"
                     " AND (starts_at, id) < ($4::timestamptz, $5::uuid) ORDER BY starts_at DESC, id DESC LIMIT $6"};
// The end is checked against the start as the row will be after the change ($9/$10 set
// starts_at, $11/$12 ends_at), so a change of either one alone cannot invert them; a
// row that fails it is left alone and reported as a validation problem.
const std::string update_sql =
    "UPDATE calendar_events SET " +
    domain::change_assignments({"title", "description", "event_type", "starts_at", "ends_at", "all_day", "location",
                                "recurrence_rule", "recurrence_end", "color", "reminder_minutes", "metadata"},
                               3) +
    ", updated_at = now() WHERE id = $1 AND user_id = $2"
    " AND coalesce(CASE WHEN $11::boolean THEN $12::timestamptz ELSE ends_at END, 'infinity')"
    " >= CASE WHEN $9::boolean THEN $10::timestamptz ELSE starts_at END RETURNING " EVENT_COLUMNS;
const db::Statement update_statement{"calendar_update", update_sql};
const db::Statement delete_statement{"calendar_delete", "DELETE FROM calendar_events WHERE id = $1 AND user_id = $2"};

#undef EVENT_COLUMNS

[[noreturn]] void throw_ends_before_start() {
  throw Error("invalid event", {{"ends_at", "must not be before starts_at"}});
}

}  // namespace

namespace {
// The same rules judge a new event and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_fields(const Fields& event) {
  domain::Check c;
  c.text("title", event.title, rules::title)
      .text("description", event.description, rules::description)
      .choice("event_type", event.event_type, rules::event_types)
      .text("location", event.location, rules::location)
      .text("recurrence_rule", event.recurrence_rule, rules::recurrence_rule)
      .text("color", event.color, rules::color)
      .integer("reminder_minutes", event.reminder_minutes, rules::reminder_minutes);
  return c;
}
}  // namespace

domain::Check check(const NewEvent& event) {
  domain::Check c = check_fields(event);
  if (event.ends_at && *event.ends_at < event.starts_at) c.fail("ends_at", "must not be before starts_at");
  return c;
}

domain::Check check(const EventChanges& changes) { return check_fields(changes); }

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewEvent event) {
  check(event).done();
  auto params = db::Params::of(user, event.title, event.description, event.event_type, event.starts_at, event.ends_at,
                               event.all_day, event.location, event.recurrence_rule, event.recurrence_end, event.color,
                               event.reminder_minutes, domain::json_param(event.metadata));
  auto rows = co_await pool.execute(insert_statement, std::move(params));
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_statement, id, user);
  co_return domain::one_or_not_found(rows, "event");
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, Range range, domain::PageRequest page) {
  auto params = db::Params::of(user, range.from, range.to);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "starts_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, EventChanges changes) {
  check(changes).done();
  auto params = db::Params::of(id, user);
  domain::add_change(params, changes.title);
  domain::add_change(params, changes.description);
  domain::add_change(params, changes.event_type);
  domain::add_change(params, changes.starts_at);
  domain::add_change(params, changes.ends_at);
  domain::add_change(params, changes.all_day);
  domain::add_change(params, changes.location);
  domain::add_change(params, changes.recurrence_rule);
  domain::add_change(params, changes.recurrence_end);
  domain::add_change(params, changes.color);
  domain::add_change(params, changes.reminder_minutes);
  const domain::Change<db::JsonText> metadata{changes.metadata.set, domain::json_param(changes.metadata.value)};
  domain::add_change(params, metadata);
  auto rows = co_await pool.execute(update_statement, std::move(params));
  if (!rows.empty()) co_return domain::to_object(rows, 0);
  auto existing = co_await pool.execute(get_statement, id, user);
  if (existing.empty()) domain::throw_not_found("event");
  throw_ends_before_start();
}

boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_statement, id, user);
  if (rows.affected() == 0) domain::throw_not_found("event");
}

}  // namespace ignition::calendar
