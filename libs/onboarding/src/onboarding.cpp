#include <ignition/onboarding/onboarding.hpp>

#include <ignition/common/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::onboarding {

namespace {

#define FIRST_STEP(flow) "(SELECT id FROM onboarding_steps WHERE flow_id = " flow " ORDER BY step_order LIMIT 1)"

const db::Statement ensure_statement{
    "onboarding_ensure",
    "INSERT INTO user_onboarding_state (user_id, flow_id, current_step_id)"
    " SELECT $1, f.id, " FIRST_STEP("f.id") " FROM onboarding_flows f WHERE f.is_active"
    " ON CONFLICT (user_id) DO NOTHING"};
// Imported rows may hold a JSON null for responses (migration 0007): read and extended as an
// empty object, since `null || object` is an array and breaks the column's check.
#define RESPONSES_OF(row) "CASE WHEN jsonb_typeof(" row ".responses) = 'object' THEN " row ".responses ELSE '{}' END"
const db::Statement state_statement{
    "onboarding_state",
    "SELECT json_build_object('id', f.id, 'name', f.name, 'total_steps', f.total_steps) AS flow, s.status,"
    " s.current_step_id, s.started_at, s.completed_at, s.skipped_at, " RESPONSES_OF("s") " AS responses"
    " FROM user_onboarding_state s JOIN onboarding_flows f ON f.id = s.flow_id WHERE s.user_id = $1"};
const db::Statement steps_statement{
    "onboarding_steps",
    "SELECT o.id, o.step_order, o.step_type, o.title, o.description, o.target_selector, o.target_route,"
    " o.fallback_content, o.options, o.allows_multiple, o.required, o.action_type, o.action_config"
    " FROM onboarding_steps o JOIN user_onboarding_state s ON s.flow_id = o.flow_id WHERE s.user_id = $1"
    " ORDER BY o.step_order"};
// Only the current step of an unfinished flow moves the state; the row lock orders
// concurrent completions.
const db::Statement complete_statement{
    "onboarding_complete",
    "WITH s AS (SELECT * FROM user_onboarding_state WHERE user_id = $1 FOR UPDATE),"
    " cur AS (SELECT o.flow_id, o.step_order FROM onboarding_steps o JOIN s ON o.id = s.current_step_id"
    "  WHERE s.current_step_id = $2::uuid AND s.status IN ('not_started', 'in_progress')),"
    " nxt AS (SELECT o.id FROM onboarding_steps o, cur WHERE o.flow_id = cur.flow_id AND o.step_order > cur.step_order"
    "  ORDER BY o.step_order LIMIT 1)"
    " UPDATE user_onboarding_state u SET current_step_id = (SELECT id FROM nxt),"
    " status = CASE WHEN EXISTS (SELECT 1 FROM nxt) THEN 'in_progress' ELSE 'completed' END,"
    " started_at = coalesce(u.started_at, now()), last_step_completed_at = now(),"
    " completed_at = CASE WHEN EXISTS (SELECT 1 FROM nxt) THEN NULL ELSE now() END,"
    " responses = CASE WHEN $3::jsonb IS NULL THEN u.responses"
    "  ELSE " RESPONSES_OF("u") " || jsonb_build_object($2::text, $3::jsonb) END, updated_at = now()"
    " FROM cur WHERE u.user_id = $1 RETURNING u.status"};
const db::Statement in_flow_statement{
    "onboarding_in_flow",
    "SELECT 1 FROM onboarding_steps o JOIN user_onboarding_state s ON s.flow_id = o.flow_id"
    " WHERE s.user_id = $1 AND o.id = $2"};
const db::Statement skip_statement{
    "onboarding_skip",
    "UPDATE user_onboarding_state SET status = 'skipped', skipped_at = now(), updated_at = now()"
    " WHERE user_id = $1 AND status IN ('not_started', 'in_progress')"};
// The flow is named through the alias: a bare flow_id in FIRST_STEP would be the step's own,
// and pick the first step of any flow.
const db::Statement reset_statement{
    "onboarding_reset",
    "UPDATE user_onboarding_state u SET status = 'not_started', current_step_id = " FIRST_STEP("u.flow_id") ","
    " started_at = NULL, completed_at = NULL, skipped_at = NULL, last_step_completed_at = NULL, responses = NULL,"
    " updated_at = now() WHERE u.user_id = $1"};

#undef FIRST_STEP
#undef RESPONSES_OF

// The state document, read in the caller's transaction (or straight from the pool).
template <typename Executor>
boost::asio::awaitable<boost::json::object> read_state(Executor& db, Uuid user) {
  co_await db.execute(ensure_statement, user);
  auto state = co_await db.execute(state_statement, user);
  if (state.empty())
    co_return boost::json::object{{"flow", nullptr}, {"status", "none"}, {"steps", boost::json::array()}};
  auto out = domain::to_object(state, 0);
  auto steps = co_await db.execute(steps_statement, user);
  out["steps"] = domain::to_array(steps);
  co_return out;
}

}  // namespace

boost::asio::awaitable<boost::json::object> state(db::Pool& pool, Uuid user) {
  auto tx = co_await db::Transaction::begin(pool);
  auto out = co_await read_state(tx, user);
  co_await tx.commit();
  co_return out;
}

boost::asio::awaitable<boost::json::object> complete_step(db::Pool& pool, Uuid user, Uuid step,
                                                          std::optional<boost::json::value> response) {
  auto tx = co_await db::Transaction::begin(pool);
  co_await tx.execute(ensure_statement, user);
  std::optional<db::JsonText> answer;
  if (response) answer = domain::json_param(*response);
  auto moved = co_await tx.execute(complete_statement, user, step, answer);
  if (moved.empty()) {
    auto in_flow = co_await tx.execute(in_flow_statement, user, step);
    if (in_flow.empty()) domain::throw_not_found("step");
    throw Error(ErrorCode::conflict, "steps are completed in order, and only while the flow is open");
  }
  auto out = co_await read_state(tx, user);
  co_await tx.commit();
  co_return out;
}

boost::asio::awaitable<boost::json::object> skip(db::Pool& pool, Uuid user) {
  auto tx = co_await db::Transaction::begin(pool);
  co_await tx.execute(ensure_statement, user);
  co_await tx.execute(skip_statement, user);
  auto out = co_await read_state(tx, user);
  co_await tx.commit();
  co_return out;
}

boost::asio::awaitable<boost::json::object> reset(db::Pool& pool, Uuid user) {
  auto tx = co_await db::Transaction::begin(pool);
  co_await tx.execute(ensure_statement, user);
  co_await tx.execute(reset_statement, user);
  auto out = co_await read_state(tx, user);
  co_await tx.commit();
  co_return out;
}

}  // namespace ignition::onboarding
