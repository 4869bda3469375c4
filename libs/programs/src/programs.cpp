#include <ignition/programs/programs.hpp>

#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::programs {

namespace {

#define PROGRAM_COLUMNS                                                                                        \
  "id, name, description, duration_weeks, goal, difficulty, is_active, started_at, completed_at, created_at, " \
  "updated_at"
#define WEEK_COLUMNS "id, program_id, week_number, name, is_deload, notes, schedule, created_at, updated_at"

const db::Statement insert_statement{
    "programs_insert",
    "INSERT INTO training_programs (user_id, name, description, duration_weeks, goal, difficulty)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING " PROGRAM_COLUMNS};
const db::Statement get_statement{"programs_get",
                                  "SELECT " PROGRAM_COLUMNS " FROM training_programs WHERE id = $1 AND user_id = $2"};
const db::Statement list_statement{
    "programs_list", "SELECT " PROGRAM_COLUMNS
                     " FROM training_programs WHERE user_id = $1"
                     " AND (created_at, id) < ($2::timestamptz, $3::uuid) ORDER BY created_at DESC, id DESC LIMIT $4"};
// Activating a program starts it (once).
const std::string update_sql =
    "UPDATE training_programs SET " +
    domain::change_assignments({"name", "description", "duration_weeks", "goal", "difficulty", "is_active"}, 3) +
    ", started_at = CASE WHEN $13::boolean AND $14::boolean THEN coalesce(started_at, now()) ELSE started_at END,"
    " updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING " PROGRAM_COLUMNS;
const db::Statement update_statement{"programs_update", update_sql};
const db::Statement delete_statement{"programs_delete", "DELETE FROM training_programs WHERE id = $1 AND user_id = $2"};

// Week changes of one program are serialized by its row lock, so numbering stays 1..n.
const db::Statement lock_statement{"programs_lock",
                                   "SELECT 1 FROM training_programs WHERE id = $1 AND user_id = $2 FOR UPDATE"};
const db::Statement weeks_statement{"programs_weeks", "SELECT " WEEK_COLUMNS
                                                      " FROM program_weeks WHERE program_id = $1 AND user_id = $2"
                                                      " ORDER BY week_number"};
const db::Statement get_week_statement{"programs_get_week",
                                       "SELECT " WEEK_COLUMNS
                                       " FROM program_weeks WHERE id = $1 AND program_id = $2 AND user_id = $3"};
const db::Statement add_week_statement{
    "programs_add_week",
    "INSERT INTO program_weeks (program_id, user_id, week_number, name, is_deload, notes, schedule)"
    " SELECT $1, $2, coalesce(max(week_number), 0) + 1, $3, $4, $5, $6::jsonb FROM program_weeks"
    " WHERE program_id = $1 AND user_id = $2 RETURNING " WEEK_COLUMNS};
const std::string update_week_sql =
    "UPDATE program_weeks SET " + domain::change_assignments({"name", "is_deload", "notes", "schedule"}, 4) +
    ", updated_at = now() WHERE id = $1 AND program_id = $2 AND user_id = $3 RETURNING " WEEK_COLUMNS;
const db::Statement update_week_statement{"programs_update_week", update_week_sql};
const db::Statement remove_week_statement{
    "programs_remove_week",
    "DELETE FROM program_weeks WHERE id = $1 AND program_id = $2 AND user_id = $3 RETURNING week_number"};
const db::Statement renumber_statement{"programs_renumber",
                                       "UPDATE program_weeks SET week_number = week_number - 1, updated_at = now()"
                                       " WHERE program_id = $1 AND user_id = $2 AND week_number > $3"};

#undef PROGRAM_COLUMNS
#undef WEEK_COLUMNS

boost::asio::awaitable<void> lock(db::Transaction& tx, Uuid user, Uuid program) {
  auto rows = co_await tx.execute(lock_statement, program, user);
  if (rows.empty()) domain::throw_not_found("program");
}

}  // namespace

namespace {
// The same rules judge a new program and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_program(const Fields& program) {
  domain::Check c;
  c.text("name", program.name, rules::name)
      .text("description", program.description, rules::text)
      .integer("duration_weeks", program.duration_weeks, rules::duration_weeks)
      .text("goal", program.goal, rules::goal)
      .choice("difficulty", program.difficulty, rules::difficulties);
  return c;
}
}  // namespace

domain::Check check(const NewProgram& p) { return check_program(p); }

domain::Check check(const ProgramChanges& p) { return check_program(p); }

namespace {
// The same rules judge a new week and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_week(const Fields& week) {
  domain::Check c;
  c.text("name", week.name, rules::name).text("notes", week.notes, rules::text);
  return c;
}
}  // namespace

domain::Check check(const Week& w) { return check_week(w); }

domain::Check check(const WeekChanges& w) { return check_week(w); }

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewProgram p) {
  check(p).done();
  auto rows =
      co_await pool.execute(insert_statement, user, p.name, p.description, p.duration_weeks, p.goal, p.difficulty);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_statement, id, user);
  co_return domain::one_or_not_found(rows, "program");
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, ProgramChanges c) {
  check(c).done();
  auto params = db::Params::of(id, user);
  domain::add_change(params, c.name);
  domain::add_change(params, c.description);
  domain::add_change(params, c.duration_weeks);
  domain::add_change(params, c.goal);
  domain::add_change(params, c.difficulty);
  domain::add_change(params, c.is_active);
  auto rows = co_await pool.execute(update_statement, std::move(params));
  co_return domain::one_or_not_found(rows, "program");
}

boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_statement, id, user);
  if (rows.affected() == 0) domain::throw_not_found("program");
}

boost::asio::awaitable<boost::json::array> weeks(db::Pool& pool, Uuid user, Uuid program) {
  auto tx = co_await db::Transaction::begin(pool);
  co_await lock(tx, user, program);
  auto rows = co_await tx.execute(weeks_statement, program, user);
  co_await tx.commit();
  co_return domain::to_array(rows);
}

boost::asio::awaitable<boost::json::object> get_week(db::Pool& pool, Uuid user, Uuid program, Uuid week) {
  auto rows = co_await pool.execute(get_week_statement, week, program, user);
  co_return domain::one_or_not_found(rows, "week");
}

boost::asio::awaitable<boost::json::object> add_week(db::Pool& pool, Uuid user, Uuid program, Week w) {
  check(w).done();
  auto tx = co_await db::Transaction::begin(pool);
  co_await lock(tx, user, program);
  const auto schedule = domain::json_param(w.schedule);
  auto rows = co_await tx.execute(add_week_statement, program, user, w.name, w.is_deload, w.notes, schedule);
  co_await tx.commit();
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> update_week(db::Pool& pool, Uuid user, Uuid program, Uuid week,
                                                        WeekChanges c) {
  check(c).done();
  auto params = db::Params::of(week, program, user);
  domain::add_change(params, c.name);
  domain::add_change(params, c.is_deload);
  domain::add_change(params, c.notes);
  const domain::Change<db::JsonText> schedule{c.schedule.set, domain::json_param(c.schedule.value)};
  domain::add_change(params, schedule);
  auto rows = co_await pool.execute(update_week_statement, std::move(params));
  co_return domain::one_or_not_found(rows, "week");
}

boost::asio::awaitable<void> remove_week(db::Pool& pool, Uuid user, Uuid program, Uuid week) {
  auto tx = co_await db::Transaction::begin(pool);
  co_await lock(tx, user, program);
  auto removed = co_await tx.execute(remove_week_statement, week, program, user);
  if (removed.empty()) domain::throw_not_found("week");
  // Rows move one by one; the deferrable key is checked once all have moved.
  co_await tx.connection().query("SET CONSTRAINTS program_weeks_number_key DEFERRED");
  co_await tx.execute(renumber_statement, program, user, removed.one().get<std::int64_t>(0));
  co_await tx.commit();
}

}  // namespace ignition::programs
