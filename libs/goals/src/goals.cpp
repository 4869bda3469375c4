#include <ignition/goals/goals.hpp>

#include <ignition/activity/activity.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/gamification/gamification.hpp>

namespace ignition::goals {

namespace {

#define GOAL_COLUMNS \
  "id, title, description, category, target_date, status, progress, completed_at, created_at, updated_at"
#define MILESTONE_COLUMNS "id, goal_id, title, is_completed, completed_at, sort_order, created_at, updated_at"

const db::Statement insert_statement{
    "goals_insert",
    "INSERT INTO goals (user_id, title, description, category, target_date) VALUES ($1, $2, $3, $4, $5::date)"
    " RETURNING " GOAL_COLUMNS};
const db::Statement get_statement{"goals_get", "SELECT " GOAL_COLUMNS " FROM goals WHERE id = $1 AND user_id = $2"};
const db::Statement list_statement{
    "goals_list", "SELECT " GOAL_COLUMNS
                  " FROM goals WHERE user_id = $1 AND ($2::text IS NULL OR status = $2)"
                  " AND (created_at, id) < ($3::timestamptz, $4::uuid) ORDER BY created_at DESC, id DESC LIMIT $5"};
// completed_at follows a status set by hand: kept (or stamped) for "completed", cleared otherwise.
const std::string update_sql =
    "UPDATE goals SET " + domain::change_assignments({"title", "description", "category", "target_date", "status"}, 3) +
    ", completed_at = CASE WHEN NOT $11::boolean THEN completed_at"
    " WHEN $12::text = 'completed' THEN coalesce(completed_at, now()) END,"
    " updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING " GOAL_COLUMNS;
const db::Statement update_statement{"goals_update", update_sql};
const db::Statement delete_statement{"goals_delete", "DELETE FROM goals WHERE id = $1 AND user_id = $2"};

// The row lock serializes milestone changes of one goal, so each recomputation sees the
// milestones as the previous one left them.
const db::Statement lock_statement{"goals_lock", "SELECT status FROM goals WHERE id = $1 AND user_id = $2 FOR UPDATE"};
const db::Statement exists_statement{"goals_exists", "SELECT 1 FROM goals WHERE id = $1 AND user_id = $2"};
const db::Statement recompute_statement{
    "goals_recompute",
    "WITH m AS (SELECT count(*) AS total, count(*) FILTER (WHERE is_completed) AS done"
    " FROM goal_milestones WHERE goal_id = $1 AND user_id = $2),"
    " s AS (SELECT total, done, total > 0 AND done = total AS all_done FROM m)"
    " UPDATE goals g SET progress = CASE WHEN s.total = 0 THEN 0 ELSE (s.done * 100 / s.total)::integer END,"
    " status = CASE WHEN s.all_done THEN 'completed' WHEN g.status = 'completed' THEN 'active' ELSE g.status END,"
    " completed_at = CASE WHEN s.all_done THEN coalesce(g.completed_at, now())"
    " WHEN g.status = 'completed' THEN NULL ELSE g.completed_at END, updated_at = now()"
    " FROM s WHERE g.id = $1 AND g.user_id = $2 RETURNING g.status, g.title"};
const db::Statement completed_count_statement{"goals_completed_count",
                                              "SELECT count(*) FROM goals WHERE user_id = $1 AND status = 'completed'"};

const db::Statement milestones_statement{"goals_milestones", "SELECT " MILESTONE_COLUMNS
                                                             " FROM goal_milestones WHERE goal_id = $1 AND user_id = $2"
                                                             " ORDER BY sort_order, created_at, id"};
const db::Statement get_milestone_statement{"goals_milestone_get",
                                            "SELECT " MILESTONE_COLUMNS
                                            " FROM goal_milestones WHERE id = $1 AND goal_id = $2 AND user_id = $3"};
const db::Statement insert_milestone_statement{
    "goals_milestone_insert",
    "INSERT INTO goal_milestones (goal_id, user_id, title, sort_order) VALUES ($1, $2, $3, coalesce($4::integer,"
    " (SELECT coalesce(max(sort_order) + 1, 0) FROM goal_milestones WHERE goal_id = $1 AND user_id = $2)))"
    " RETURNING " MILESTONE_COLUMNS};
const std::string update_milestone_sql =
    "UPDATE goal_milestones SET " + domain::change_assignments({"title", "is_completed", "sort_order"}, 4) +
    ", completed_at = CASE WHEN (CASE WHEN $6::boolean THEN $7::boolean ELSE is_completed END)"
    " THEN coalesce(completed_at, now()) END, updated_at = now()"
    " WHERE id = $1 AND goal_id = $2 AND user_id = $3 RETURNING " MILESTONE_COLUMNS;
const db::Statement update_milestone_statement{"goals_milestone_update", update_milestone_sql};
const db::Statement delete_milestone_statement{
    "goals_milestone_delete", "DELETE FROM goal_milestones WHERE id = $1 AND goal_id = $2 AND user_id = $3"};

#undef GOAL_COLUMNS
#undef MILESTONE_COLUMNS

// Locks the goal for a milestone change; returns whether it was completed before.
boost::asio::awaitable<bool> lock_goal(db::Transaction& tx, Uuid user, Uuid goal) {
  auto rows = co_await tx.execute(lock_statement, goal, user);
  if (rows.empty()) domain::throw_not_found("goal");
  co_return rows.one().text(0) == "completed";
}

// Recomputes progress and status after a milestone change, and rewards a goal that
// became completed. The idempotency key makes a goal completed again pay nothing; the user
// makes the goal and its milestones alone, so the reward counts against the daily cap.
boost::asio::awaitable<void> recompute(db::Transaction& tx, Uuid user, Uuid goal, bool was_completed) {
  auto rows = co_await tx.execute(recompute_statement, goal, user);
  if (was_completed || rows.one().text(0) != "completed") co_return;
  const std::string id = goal.to_string();
  const gamification::Entry entry{"goal_complete", id, reward_coins, reward_xp, "goal:" + id, "goal completed"};
  co_await gamification::post_declared(tx, user, entry);
  const boost::json::object metadata{{"goal_id", id}, {"title", rows.one().text(1)}};
  co_await activity::record(tx, user, "goal_completed", metadata);
  auto count = co_await tx.execute(completed_count_statement, user);
  co_await gamification::unlock(tx, user, "goal_complete", count.one().get<std::int64_t>(0), 0);
}

}  // namespace

domain::Check check(const NewGoal& goal) {
  domain::Check c;
  c.text("title", goal.title, rules::title)
      .text("description", goal.description, rules::description)
      .text("category", goal.category, rules::category);
  return c;
}

domain::Check check(const GoalChanges& changes) {
  domain::Check c;
  c.text("title", changes.title, rules::title)
      .text("description", changes.description, rules::description)
      .text("category", changes.category, rules::category)
      .choice("status", changes.status, rules::statuses);
  return c;
}

namespace {
// The same rules judge a new milestone and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_milestone(const Fields& milestone) {
  domain::Check c;
  c.text("title", milestone.title, rules::title).integer("sort_order", milestone.sort_order, rules::sort_order);
  return c;
}
}  // namespace

domain::Check check(const NewMilestone& milestone) { return check_milestone(milestone); }

domain::Check check(const MilestoneChanges& changes) { return check_milestone(changes); }

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewGoal goal) {
  check(goal).done();
  auto rows =
      co_await pool.execute(insert_statement, user, goal.title, goal.description, goal.category, goal.target_date);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_statement, id, user);
  co_return domain::one_or_not_found(rows, "goal");
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, std::optional<std::string> status,
                                          domain::PageRequest page) {
  domain::Check().choice("status", status, rules::statuses).done();
  auto params = db::Params::of(user, status);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, GoalChanges changes) {
  check(changes).done();
  auto params = db::Params::of(id, user);
  domain::add_change(params, changes.title);
  domain::add_change(params, changes.description);
  domain::add_change(params, changes.category);
  domain::add_change(params, changes.target_date);
  domain::add_change(params, changes.status);
  auto rows = co_await pool.execute(update_statement, std::move(params));
  co_return domain::one_or_not_found(rows, "goal");
}

boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_statement, id, user);
  if (rows.affected() == 0) domain::throw_not_found("goal");
}

boost::asio::awaitable<boost::json::array> milestones(db::Pool& pool, Uuid user, Uuid goal) {
  auto found = co_await pool.execute(exists_statement, goal, user);
  if (found.empty()) domain::throw_not_found("goal");
  auto rows = co_await pool.execute(milestones_statement, goal, user);
  co_return domain::to_array(rows);
}

boost::asio::awaitable<boost::json::object> get_milestone(db::Pool& pool, Uuid user, Uuid goal, Uuid id) {
  auto rows = co_await pool.execute(get_milestone_statement, id, goal, user);
  co_return domain::one_or_not_found(rows, "milestone");
}

boost::asio::awaitable<boost::json::object> add_milestone(db::Pool& pool, Uuid user, Uuid goal,
                                                          NewMilestone milestone) {
  check(milestone).done();
  auto tx = co_await db::Transaction::begin(pool);
  const bool was_completed = co_await lock_goal(tx, user, goal);
  auto rows = co_await tx.execute(insert_milestone_statement, goal, user, milestone.title, milestone.sort_order);
  auto out = domain::to_object(rows, 0);
  co_await recompute(tx, user, goal, was_completed);
  co_await tx.commit();
  co_return out;
}

boost::asio::awaitable<boost::json::object> update_milestone(db::Pool& pool, Uuid user, Uuid goal, Uuid id,
                                                             MilestoneChanges changes) {
  check(changes).done();
  auto params = db::Params::of(id, goal, user);
  domain::add_change(params, changes.title);
  domain::add_change(params, changes.is_completed);
  domain::add_change(params, changes.sort_order);
  auto tx = co_await db::Transaction::begin(pool);
  const bool was_completed = co_await lock_goal(tx, user, goal);
  auto rows = co_await tx.execute(update_milestone_statement, std::move(params));
  auto out = domain::one_or_not_found(rows, "milestone");
  co_await recompute(tx, user, goal, was_completed);
  co_await tx.commit();
  co_return out;
}

boost::asio::awaitable<void> remove_milestone(db::Pool& pool, Uuid user, Uuid goal, Uuid id) {
  auto tx = co_await db::Transaction::begin(pool);
  const bool was_completed = co_await lock_goal(tx, user, goal);
  auto rows = co_await tx.execute(delete_milestone_statement, id, goal, user);
  if (rows.affected() == 0) domain::throw_not_found("milestone");
  co_await recompute(tx, user, goal, was_completed);
  co_await tx.commit();
}

}  // namespace ignition::goals
