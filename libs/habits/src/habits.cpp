#include <ignition/habits/habits.hpp>

#include <fmt/format.h>

#include <ignition/activity/activity.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/gamification/gamification.hpp>

namespace ignition::habits {

namespace {

#define HABIT_COLUMNS                                                                                               \
  "h.id, h.name, h.description, h.frequency, h.target_count, h.icon, h.color, to_char(h.reminder_time, 'HH24:MI') " \
  "AS reminder_time, h.is_active, h.archived_at, h.created_at, h.updated_at"

// Streaks by gaps and islands: consecutive days share log_date − row_number. The current
// streak is the run ending today or yesterday in the user's zone (a day not yet logged
// does not break it). $1 is the user id.
const std::string streaks_sql_text = fmt::format(
    "SELECT coalesce(max(len) FILTER (WHERE last_day >= {0} - 1), 0) AS current_streak,"
    " coalesce(max(len), 0) AS longest_streak FROM ("
    " SELECT max(log_date) AS last_day, count(*) AS len FROM ("
    "  SELECT log_date, log_date - (row_number() OVER (ORDER BY log_date))::integer AS island"
    "  FROM habit_logs l WHERE l.habit_id = h.id) days GROUP BY island) runs",
    domain::user_today_sql);
const std::string habit_select = fmt::format(
    "SELECT {}, s.current_streak, s.longest_streak FROM habits h, LATERAL ({}) s", HABIT_COLUMNS, streaks_sql_text);

const std::string get_sql = habit_select + " WHERE h.user_id = $1 AND h.id = $2";
const std::string list_sql = habit_select +
                             " WHERE h.user_id = $1 AND (h.created_at, h.id) < ($2::timestamptz, $3::uuid)"
                             " ORDER BY h.created_at DESC, h.id DESC LIMIT $4";
const db::Statement get_statement{"habits_get", get_sql};
const db::Statement list_statement{"habits_list", list_sql};
const db::Statement insert_statement{
    "habits_insert",
    "INSERT INTO habits (user_id, name, description, frequency, target_count, icon, color, reminder_time)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::time) RETURNING id"};
const std::string update_sql =
    "UPDATE habits SET " +
    domain::change_assignments(
        {"name", "description", "frequency", "target_count", "icon", "color", "reminder_time", "is_active"}, 3) +
    ", archived_at = CASE WHEN is_active THEN NULL ELSE coalesce(archived_at, now()) END, updated_at = now()"
    " WHERE id = $2 AND user_id = $1 RETURNING id";
const db::Statement update_statement{"habits_update", update_sql};
const db::Statement delete_statement{"habits_delete", "DELETE FROM habits WHERE id = $2 AND user_id = $1"};

const std::string log_sql = fmt::format(
    "INSERT INTO habit_logs (habit_id, user_id, log_date, completed_at)"
    " SELECT h.id, h.user_id, coalesce($3::date, {0}), now() FROM habits h WHERE h.id = $2 AND h.user_id = $1"
    " AND coalesce($3::date, {0}) <= {0} RETURNING id, log_date AS date, completed_at, count, notes, created_at",
    domain::user_today_sql);
const db::Statement log_statement{"habits_log", log_sql};
const db::Statement owned_statement{"habits_owned", "SELECT 1 FROM habits WHERE id = $2 AND user_id = $1"};
const db::Statement log_count_statement{"habits_log_count", "SELECT count(*) FROM habit_logs WHERE user_id = $1"};
const db::Statement unlog_statement{
    "habits_unlog", "DELETE FROM habit_logs WHERE habit_id = $2 AND user_id = $1 AND log_date = $3::date"};
const db::Statement logs_statement{
    "habits_logs",
    "SELECT id, log_date AS date, completed_at, count, notes, created_at FROM habit_logs"
    " WHERE habit_id = $2 AND user_id = $1 AND ($3::date IS NULL OR log_date >= $3::date)"
    " AND ($4::date IS NULL OR log_date <= $4::date) AND (log_date, id) < ($5::date, $6::uuid)"
    " ORDER BY log_date DESC, id DESC LIMIT $7"};

#undef HABIT_COLUMNS

template <typename Executor>
boost::asio::awaitable<boost::json::object> fetch(Executor& db, Uuid user, Uuid id) {
  auto rows = co_await db.execute(get_statement, user, id);
  co_return domain::one_or_not_found(rows, "habit");
}

boost::asio::awaitable<void> require_owned(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(owned_statement, user, id);
  if (rows.empty()) domain::throw_not_found("habit");
}

}  // namespace

const std::string& streaks_sql() { return streaks_sql_text; }

namespace {
// The same rules judge a new habit and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_fields(const Fields& habit) {
  domain::Check c;
  c.text("name", habit.name, rules::name)
      .text("description", habit.description, rules::description)
      .choice("frequency", habit.frequency, rules::frequencies)
      .integer("target_count", habit.target_count, rules::target_count)
      .text("icon", habit.icon, rules::icon)
      .text("color", habit.color, rules::color);
  return c;
}
}  // namespace

domain::Check check(const NewHabit& h) { return check_fields(h); }

domain::Check check(const HabitChanges& h) { return check_fields(h); }

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewHabit h) {
  check(h).done();
  auto tx = co_await db::Transaction::begin(pool);
  auto inserted = co_await tx.execute(insert_statement, user, h.name, h.description, h.frequency, h.target_count,
                                      h.icon, h.color, h.reminder_time);
  const auto id = inserted.one().get<Uuid>(0);
  auto habit = co_await fetch(tx, user, id);
  co_await tx.commit();
  co_return habit;
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto habit = co_await fetch(pool, user, id);
  co_return habit;
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, HabitChanges c) {
  check(c).done();
  auto params = db::Params::of(user, id);
  domain::add_change(params, c.name);
  domain::add_change(params, c.description);
  domain::add_change(params, c.frequency);
  domain::add_change(params, c.target_count);
  domain::add_change(params, c.icon);
  domain::add_change(params, c.color);
  domain::add_change(params, c.reminder_time);
  domain::add_change(params, c.is_active);
  auto tx = co_await db::Transaction::begin(pool);
  auto updated = co_await tx.execute(update_statement, std::move(params));
  if (updated.empty()) domain::throw_not_found("habit");
  auto habit = co_await fetch(tx, user, id);
  co_await tx.commit();
  co_return habit;
}

boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_statement, user, id);
  if (rows.affected() == 0) domain::throw_not_found("habit");
}

boost::asio::awaitable<boost::json::object> log(db::Pool& pool, Uuid user, Uuid habit_id,
                                                std::optional<std::string> date) {
  auto tx = co_await db::Transaction::begin(pool);
  db::Result logged;
  try {
    logged = co_await tx.execute(log_statement, user, habit_id, date);
  } catch (const db::UniqueViolation&) {
    throw Error(ErrorCode::conflict, "the habit is already logged for that day");
  }
  if (logged.empty()) {
    // Either not this user's habit, or a day after today.
    auto owned = co_await tx.execute(owned_statement, user, habit_id);
    if (owned.empty()) domain::throw_not_found("habit");
    throw Error("invalid log date", {{"date", "must not be in the future"}});
  }
  auto entry = domain::to_object(logged, 0);
  auto habit = co_await fetch(tx, user, habit_id);
  const boost::json::object metadata{{"habit_id", habit.at("id")}, {"date", entry.at("date")}};
  co_await activity::record(tx, user, "habit_logged", metadata);
  auto count = co_await tx.execute(log_count_statement, user);
  co_await gamification::unlock(tx, user, "habit_log", count.one().get<std::int64_t>(0),
                                habit.at("current_streak").as_int64());
  co_await tx.commit();
  co_return boost::json::object{{"log", std::move(entry)}, {"habit", std::move(habit)}};
}

boost::asio::awaitable<void> unlog(db::Pool& pool, Uuid user, Uuid habit, std::string date) {
  auto rows = co_await pool.execute(unlog_statement, user, habit, date);
  if (rows.affected() == 0) {
    co_await require_owned(pool, user, habit);
    domain::throw_not_found("log for that day");
  }
}

boost::asio::awaitable<domain::Page> logs(db::Pool& pool, Uuid user, Uuid habit, std::optional<std::string> from,
                                          std::optional<std::string> to, domain::PageRequest page) {
  co_await require_owned(pool, user, habit);
  auto params = db::Params::of(user, habit, from, to);
  auto result = co_await domain::fetch_page(pool, logs_statement, std::move(params), page, "date");
  co_return result;
}

}  // namespace ignition::habits
