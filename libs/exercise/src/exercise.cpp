#include <ignition/exercise/exercise.hpp>

#include <set>

#include <ignition/activity/activity.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/gamification/gamification.hpp>

namespace ignition::exercise {

namespace {

#define EXERCISE_COLUMNS \
  "id, name, description, category, muscle_groups, equipment, is_custom, is_builtin, created_at, updated_at"
#define WORKOUT_COLUMNS \
  "id, name, description, estimated_duration_minutes, is_template, structure, created_at, updated_at"
#define SESSION_COLUMNS \
  "id, workout_id, started_at, completed_at, duration_seconds, sets, notes, rating, perceived_effort, created_at"
#define RECORD_COLUMNS "exercise_id, record_type, value, unit, reps, achieved_at, workout_session_id, previous_value"

const db::Statement insert_exercise_statement{
    "exercise_insert",
    "INSERT INTO exercises (user_id, name, description, category, muscle_groups, equipment, is_custom, is_builtin)"
    " VALUES ($1, $2, $3, $4, $5::jsonb, $6, true, false) RETURNING " EXERCISE_COLUMNS};
const db::Statement get_exercise_statement{
    "exercise_get", "SELECT " EXERCISE_COLUMNS " FROM exercises WHERE id = $1 AND (user_id = $2 OR user_id IS NULL)"};
const db::Statement list_exercises_statement{
    "exercise_list", "SELECT " EXERCISE_COLUMNS
                     " FROM exercises WHERE (user_id = $1 OR user_id IS NULL)"
                     " AND (created_at, id) < ($2::timestamptz, $3::uuid) ORDER BY created_at DESC, id DESC LIMIT $4"};
const std::string update_exercise_sql =
    "UPDATE exercises SET " +
    domain::change_assignments({"name", "description", "category", "muscle_groups", "equipment"}, 3) +
    ", updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING " EXERCISE_COLUMNS;
const db::Statement update_exercise_statement{"exercise_update", update_exercise_sql};
const db::Statement delete_exercise_statement{"exercise_delete",
                                              "DELETE FROM exercises WHERE id = $1 AND user_id = $2"};

const db::Statement insert_workout_statement{
    "workout_insert",
    "INSERT INTO workouts (user_id, name, description, estimated_duration_minutes, is_template, structure)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING " WORKOUT_COLUMNS};
const db::Statement get_workout_statement{"workout_get",
                                          "SELECT " WORKOUT_COLUMNS " FROM workouts WHERE id = $1 AND user_id = $2"};
const db::Statement list_workouts_statement{
    "workout_list", "SELECT " WORKOUT_COLUMNS
                    " FROM workouts WHERE user_id = $1"
                    " AND (created_at, id) < ($2::timestamptz, $3::uuid) ORDER BY created_at DESC, id DESC LIMIT $4"};
const std::string update_workout_sql =
    "UPDATE workouts SET " +
    domain::change_assignments({"name", "description", "estimated_duration_minutes", "is_template", "structure"}, 3) +
    ", updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING " WORKOUT_COLUMNS;
const db::Statement update_workout_statement{"workout_update", update_workout_sql};
const db::Statement delete_workout_statement{"workout_delete", "DELETE FROM workouts WHERE id = $1 AND user_id = $2"};

// The exercises a log names that the user can see, held (KEY SHARE) until the records
// that reference them are written.
const db::Statement visible_exercises_statement{
    "exercise_visible",
    "SELECT id FROM exercises WHERE id IN (SELECT (s->>'exercise_id')::uuid FROM jsonb_array_elements($2::jsonb) s)"
    " AND (user_id = $1 OR user_id IS NULL) FOR KEY SHARE"};
// Only a plan of the user's own: no row means 404. Without times, the workout ends now
// and started duration_seconds earlier.
const db::Statement insert_session_statement{
    "workout_session_insert",
    "INSERT INTO workout_sessions (user_id, workout_id, started_at, completed_at, duration_seconds, sets, notes,"
    " rating, perceived_effort)"
    " SELECT $1, w.id, t.started, t.completed,"
    "  coalesce($5::integer, extract(epoch FROM t.completed - t.started)::integer), $6::jsonb, $7, $8, $9"
    " FROM workouts w, LATERAL (SELECT coalesce($4::timestamptz, now()) AS completed) c,"
    "  LATERAL (SELECT coalesce($3::timestamptz, c.completed - make_interval(secs => coalesce($5::integer, 0)))"
    "   AS started, c.completed) t"
    " WHERE w.id = $2 AND w.user_id = $1 RETURNING " SESSION_COLUMNS};
// The best of each kind per exercise in this session's sets ($3), kept where it beats the
// user's record so far. The estimated one-rep max is Epley's: weight × (1 + reps / 30).
const db::Statement new_records_statement{
    "exercise_new_records",
    "WITH sets AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS s(exercise_id uuid, reps integer, weight_kg float8)),"
    " best AS ("
    "  SELECT exercise_id, 'max_weight' AS record_type, max(weight_kg) AS value, 'kg' AS unit FROM sets"
    "   WHERE weight_kg > 0 GROUP BY exercise_id"
    "  UNION ALL SELECT exercise_id, '1rm', max(CASE WHEN reps = 1 THEN weight_kg"
    "   ELSE weight_kg * (1 + reps / 30.0::float8) END), 'kg' FROM sets WHERE weight_kg > 0 AND reps > 0 GROUP BY "
    "exercise_id"
    "  UNION ALL SELECT exercise_id, 'max_reps', max(reps), 'reps' FROM sets WHERE reps > 0 GROUP BY exercise_id)"
    " INSERT INTO personal_records (user_id, exercise_id, record_type, value, unit, reps, achieved_at,"
    "  workout_session_id, previous_value)"
    " SELECT $1, b.exercise_id, b.record_type, b.value, b.unit,"
    "  CASE WHEN b.record_type = 'max_reps' THEN b.value::integer END,"
    "  (SELECT completed_at FROM workout_sessions WHERE id = $2), $2, previous.value"
    " FROM best b LEFT JOIN LATERAL (SELECT max(value) AS value FROM personal_records p"
    "  WHERE p.user_id = $1 AND p.exercise_id = b.exercise_id AND p.record_type = b.record_type) previous ON true"
    " WHERE previous.value IS NULL OR b.value > previous.value RETURNING " RECORD_COLUMNS};
const db::Statement session_count_statement{"workout_session_count",
                                            "SELECT count(*) FROM workout_sessions WHERE user_id = $1"};
const db::Statement records_statement{
    "exercise_records",
    "SELECT DISTINCT ON (r.exercise_id, r.record_type) r.exercise_id, e.name AS exercise_name, r.record_type,"
    " r.value, r.unit, r.reps, r.achieved_at, r.workout_session_id, r.previous_value"
    " FROM personal_records r JOIN exercises e ON e.id = r.exercise_id WHERE r.user_id = $1"
    " ORDER BY r.exercise_id, r.record_type, r.value DESC, r.achieved_at"};

#undef EXERCISE_COLUMNS
#undef WORKOUT_COLUMNS
#undef SESSION_COLUMNS
#undef RECORD_COLUMNS

boost::json::array sets_json(const std::vector<Set>& sets) {
  boost::json::array array;
  array.reserve(sets.size());
  std::int64_t number = 0;
  for (const auto& set : sets) {
    array.push_back(boost::json::object{{"exercise_id", set.exercise_id.to_string()},
                                        {"set", ++number},
                                        {"reps", set.reps},
                                        {"weight_kg", set.weight_kg}});
  }
  return array;
}

// Every exercise a log names must be one the user can see.
boost::asio::awaitable<void> require_visible(db::Transaction& tx, Uuid user, const std::vector<Set>& sets,
                                             const db::JsonText& sets_param) {
  std::set<Uuid> named;
  for (const auto& set : sets) named.insert(set.exercise_id);
  auto visible = co_await tx.execute(visible_exercises_statement, user, sets_param);
  for (int row = 0; row < visible.rows(); ++row) named.erase(visible[row].get<Uuid>(0));
  if (!named.empty()) throw Error("invalid workout", {{"sets", "no such exercise: " + named.begin()->to_string()}});
}

}  // namespace

namespace {
// The same rules judge a new exercise and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_exercise(const Fields& exercise) {
  domain::Check c;
  c.text("name", exercise.name, rules::name)
      .text("description", exercise.description, rules::text)
      .text("category", exercise.category, rules::category)
      .texts("muscle_groups", exercise.muscle_groups, rules::muscle_groups)
      .text("equipment", exercise.equipment, rules::equipment);
  return c;
}
}  // namespace

domain::Check check(const NewExercise& e) { return check_exercise(e); }

domain::Check check(const ExerciseChanges& e) { return check_exercise(e); }

namespace {
// The same rules judge a new workout and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_workout(const Fields& workout) {
  domain::Check c;
  c.text("name", workout.name, rules::name)
      .text("description", workout.description, rules::text)
      .integer("estimated_duration_minutes", workout.estimated_duration_minutes, rules::estimated_duration_minutes);
  return c;
}
}  // namespace

domain::Check check(const NewWorkout& w) { return check_workout(w); }

domain::Check check(const WorkoutChanges& w) { return check_workout(w); }

domain::Check check(const Set& set) {
  domain::Check c;
  c.integer("reps", set.reps, rules::reps).number("weight_kg", set.weight_kg, rules::weight_kg);
  return c;
}

domain::Check check(const WorkoutLog& log) {
  domain::Check c;
  // A start without a duration makes one (completed_at, or now, minus the start): it must be one
  // the duration rule allows, and an integer (years apart it is not, and Postgres refused it).
  if (log.started_at) {
    const Timestamp end = log.completed_at.value_or(now());
    const auto span = std::chrono::duration_cast<std::chrono::seconds>(end - *log.started_at).count();
    if (span < 0)
      c.fail("completed_at", "must not be before started_at");
    else if (!log.duration_seconds && span > rules::duration_seconds.max)
      c.fail("started_at",
             "must be at most " + std::to_string(rules::duration_seconds.max) + " seconds before the end");
  }
  c.items("sets", log.sets, rules::max_sets)
      .integer("duration_seconds", log.duration_seconds, rules::duration_seconds)
      .text("notes", log.notes, rules::text)
      .integer("rating", log.rating, rules::rating)
      .number("perceived_effort", log.perceived_effort, rules::perceived_effort);
  return c;
}

boost::asio::awaitable<boost::json::object> create_exercise(db::Pool& pool, Uuid user, NewExercise e) {
  check(e).done();
  const db::JsonText muscles = domain::json_param(e.muscle_groups);
  auto rows =
      co_await pool.execute(insert_exercise_statement, user, e.name, e.description, e.category, muscles, e.equipment);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> get_exercise(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_exercise_statement, id, user);
  co_return domain::one_or_not_found(rows, "exercise");
}

boost::asio::awaitable<domain::Page> list_exercises(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_exercises_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> update_exercise(db::Pool& pool, Uuid user, Uuid id, ExerciseChanges c) {
  check(c).done();
  auto params = db::Params::of(id, user);
  domain::add_change(params, c.name);
  domain::add_change(params, c.description);
  domain::add_change(params, c.category);
  const domain::Change<db::JsonText> muscles{c.muscle_groups.set, domain::json_param(c.muscle_groups.value)};
  domain::add_change(params, muscles);
  domain::add_change(params, c.equipment);
  auto rows = co_await pool.execute(update_exercise_statement, std::move(params));
  co_return domain::one_or_not_found(rows, "exercise");
}

boost::asio::awaitable<void> remove_exercise(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_exercise_statement, id, user);
  if (rows.affected() == 0) domain::throw_not_found("exercise");
}

boost::asio::awaitable<boost::json::object> create_workout(db::Pool& pool, Uuid user, NewWorkout w) {
  check(w).done();
  const auto structure = domain::json_param(w.structure);
  auto rows = co_await pool.execute(insert_workout_statement, user, w.name, w.description, w.estimated_duration_minutes,
                                    w.is_template, structure);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> get_workout(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_workout_statement, id, user);
  co_return domain::one_or_not_found(rows, "workout");
}

boost::asio::awaitable<domain::Page> list_workouts(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_workouts_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> update_workout(db::Pool& pool, Uuid user, Uuid id, WorkoutChanges c) {
  check(c).done();
  auto params = db::Params::of(id, user);
  domain::add_change(params, c.name);
  domain::add_change(params, c.description);
  domain::add_change(params, c.estimated_duration_minutes);
  domain::add_change(params, c.is_template);
  const domain::Change<db::JsonText> structure{c.structure.set, domain::json_param(c.structure.value)};
  domain::add_change(params, structure);
  auto rows = co_await pool.execute(update_workout_statement, std::move(params));
  co_return domain::one_or_not_found(rows, "workout");
}

boost::asio::awaitable<void> remove_workout(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_workout_statement, id, user);
  if (rows.affected() == 0) domain::throw_not_found("workout");
}

boost::asio::awaitable<boost::json::object> log_workout(db::Pool& pool, Uuid user, Uuid workout, WorkoutLog log) {
  check(log).done();
  const db::JsonText sets = domain::json_param(boost::json::value(sets_json(log.sets)));
  auto tx = co_await db::Transaction::begin(pool);
  db::Result inserted;
  try {
    inserted = co_await tx.execute(insert_session_statement, user, workout, log.started_at, log.completed_at,
                                   log.duration_seconds, sets, log.notes, log.rating, log.perceived_effort);
  } catch (const db::CheckViolation&) {
    throw Error("invalid workout", {{"completed_at", "must not be before started_at"}});
  }
  auto session = domain::one_or_not_found(inserted, "workout");
  co_await require_visible(tx, user, log.sets, sets);
  const Uuid session_id = inserted.one().get<Uuid>(0);
  auto records = co_await tx.execute(new_records_statement, user, session_id, sets);
  const boost::json::object metadata{{"workout_session_id", session.at("id")},
                                     {"workout_id", session.at("workout_id")},
                                     {"sets", log.sets.size()},
                                     {"new_records", records.rows()}};
  co_await activity::record(tx, user, "workout_logged", metadata);
  auto count = co_await tx.execute(session_count_statement, user);
  co_await gamification::unlock(tx, user, "workout_complete", count.one().get<std::int64_t>(0), 0);
  co_await tx.commit();
  co_return boost::json::object{{"session", std::move(session)}, {"new_records", domain::to_array(records)}};
}

boost::asio::awaitable<boost::json::array> records(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(records_statement, user);
  co_return domain::to_array(rows);
}

}  // namespace ignition::exercise
