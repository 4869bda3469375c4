#include <ignition/focus/focus.hpp>

#include <fmt/format.h>

#include <ignition/activity/activity.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/gamification/gamification.hpp>

namespace ignition::focus {

namespace {

#define FOCUS_COLUMNS                                                                               \
  "id, mode, duration_seconds, status, started_at, paused_at, total_paused_seconds, completed_at, " \
  "abandoned_at, expires_at, xp_awarded, coins_awarded, created_at, updated_at"
// Seconds paused so far in the current pause (0 when not paused).
#define PAUSED_NOW "coalesce(floor(extract(epoch FROM now() - paused_at))::integer, 0)"

const db::Statement expire_statement{
    "focus_expire",
    "UPDATE focus_sessions SET status = 'expired', total_paused_seconds = total_paused_seconds + " PAUSED_NOW
    ", paused_at = NULL, updated_at = now() WHERE user_id = $1 AND status IN ('active', 'paused') AND expires_at < "
    "now()"};
const db::Statement insert_statement{
    "focus_insert",
    "INSERT INTO focus_sessions (user_id, mode, duration_seconds, status, started_at, expires_at)"
    " VALUES ($1, $2, $3, 'active', now(), now() + interval '24 hours') RETURNING " FOCUS_COLUMNS};
const db::Statement pause_statement{"focus_pause",
                                    "UPDATE focus_sessions SET status = 'paused', paused_at = now(), updated_at = now()"
                                    " WHERE id = $1 AND user_id = $2 AND status = 'active' RETURNING " FOCUS_COLUMNS};
const db::Statement resume_statement{
    "focus_resume",
    "UPDATE focus_sessions SET status = 'active', total_paused_seconds = total_paused_seconds + " PAUSED_NOW
    ", paused_at = NULL, updated_at = now() WHERE id = $1 AND user_id = $2 AND status = 'paused' "
    "RETURNING " FOCUS_COLUMNS};
const db::Statement complete_statement{
    "focus_complete",
    "UPDATE focus_sessions SET status = 'completed', completed_at = now(), total_paused_seconds = "
    "total_paused_seconds + " PAUSED_NOW
    ", paused_at = NULL, updated_at = now()"
    " WHERE id = $1 AND user_id = $2 AND status IN ('active', 'paused') RETURNING " FOCUS_COLUMNS
    ", floor(extract(epoch FROM completed_at - started_at))::bigint AS elapsed_seconds"};
const db::Statement abandon_statement{
    "focus_abandon",
    "UPDATE focus_sessions SET status = 'abandoned', abandoned_at = now(), total_paused_seconds = "
    "total_paused_seconds + " PAUSED_NOW
    ", paused_at = NULL, updated_at = now()"
    " WHERE id = $1 AND user_id = $2 AND status IN ('active', 'paused') RETURNING " FOCUS_COLUMNS};
const db::Statement award_statement{"focus_award",
                                    "UPDATE focus_sessions SET xp_awarded = $2, coins_awarded = $3 WHERE id = $1"};
const db::Statement completed_count_statement{
    "focus_completed_count",
    "SELECT count(*) FROM focus_sessions WHERE user_id = $1 AND mode = 'focus' AND status = 'completed'"};
const db::Statement status_statement{"focus_status",
                                     "SELECT status FROM focus_sessions WHERE id = $1 AND user_id = $2"};
const db::Statement get_statement{"focus_get",
                                  "SELECT " FOCUS_COLUMNS " FROM focus_sessions WHERE id = $1 AND user_id = $2"};
const db::Statement active_statement{"focus_active",
                                     "SELECT " FOCUS_COLUMNS
                                     " FROM focus_sessions WHERE user_id = $1 AND status IN ('active', 'paused')"
                                     " AND expires_at > now()"};
// History rows leave out the bookkeeping timestamps (paused_at, expires_at, created_at,
// updated_at): GET /focus/{id} and /focus/active have them, and lists stay small.
const db::Statement list_statement{
    "focus_list",
    "SELECT id, mode, duration_seconds, status, started_at, completed_at, abandoned_at, total_paused_seconds,"
    " xp_awarded, coins_awarded FROM focus_sessions WHERE user_id = $1"
    " AND (started_at, id) < ($2::timestamptz, $3::uuid) ORDER BY started_at DESC, id DESC LIMIT $4"};
const db::Statement stats_statement{
    "focus_stats",
    "SELECT count(*) FILTER (WHERE status = 'completed' AND mode = 'focus') AS focus_sessions_completed,"
    " count(*) FILTER (WHERE status = 'abandoned') AS sessions_abandoned,"
    " coalesce(sum(least(duration_seconds, greatest(0, floor(extract(epoch FROM completed_at - started_at))::bigint"
    " - total_paused_seconds))) FILTER (WHERE status = 'completed' AND mode = 'focus'), 0)::bigint AS focus_seconds,"
    " coalesce(sum(xp_awarded), 0)::bigint AS xp_earned, coalesce(sum(coins_awarded), 0)::bigint AS coins_earned"
    " FROM focus_sessions WHERE user_id = $1 AND started_at >= $2 AND started_at < $3"};
const std::string user_today_sql = std::string("SELECT ") + domain::user_today_sql + "::text";
const db::Statement user_today_statement{"focus_user_today", user_today_sql};

#undef FOCUS_COLUMNS
#undef PAUSED_NOW

const db::Statement& statement_for(Transition t) {
  switch (t) {
    case Transition::pause: return pause_statement;
    case Transition::resume: return resume_statement;
    case Transition::complete: return complete_statement;
    case Transition::abandon: return abandon_statement;
  }
  return abandon_statement;
}

const char* verb(Transition t) {
  switch (t) {
    case Transition::pause: return "pause";
    case Transition::resume: return "resume";
    case Transition::complete: return "complete";
    case Transition::abandon: return "abandon";
  }
  return "change";
}

// Pays a completed focus session: ledger + wallet, the focus streak, achievements.
boost::asio::awaitable<void> pay(db::Transaction& tx, Uuid user, boost::json::object& session,
                                 std::int64_t elapsed_seconds) {
  const auto paused = session.at("total_paused_seconds").as_int64();
  const auto duration = session.at("duration_seconds").as_int64();
  const Reward reward = reward_for(elapsed_seconds, paused, duration);
  const std::string id(session.at("id").as_string());
  gamification::Entry entry{"focus_complete", id, reward.coins, reward.xp, "focus:" + id, "focus session completed"};
  co_await gamification::post(tx, user, entry);
  co_await tx.execute(award_statement, id, reward.xp, reward.coins);
  session["xp_awarded"] = reward.xp;
  session["coins_awarded"] = reward.coins;

  auto today = co_await tx.execute(user_today_statement, user);
  const auto streak = co_await gamification::mark_streak_day(tx, user, "focus", today.one().text(0));
  auto count = co_await tx.execute(completed_count_statement, user);
  co_await gamification::unlock(tx, user, "focus_complete", count.one().get<std::int64_t>(0), streak);
}

}  // namespace

Reward reward_for(std::int64_t elapsed_seconds, std::int64_t paused_seconds, std::int64_t duration_seconds) noexcept {
  const auto focused = std::clamp<std::int64_t>(elapsed_seconds - paused_seconds, 0, duration_seconds);
  const auto xp = focused / 60;
  return {xp, xp / 5};
}

domain::Check check_start(const std::string& mode, std::int64_t duration_seconds) {
  domain::Check c;
  c.choice("mode", mode, rules::modes).integer("duration_seconds", duration_seconds, rules::duration_seconds);
  return c;
}

boost::asio::awaitable<boost::json::object> start(db::Pool& pool, Uuid user, std::string mode,
                                                  std::int64_t duration_seconds) {
  check_start(mode, duration_seconds).done();
  auto tx = co_await db::Transaction::begin(pool);
  co_await tx.execute(expire_statement, user);
  db::Result inserted;
  try {
    inserted = co_await tx.execute(insert_statement, user, mode, duration_seconds);
  } catch (const db::UniqueViolation&) {
    throw Error(ErrorCode::conflict, "a focus session is already running");
  }
  auto session = domain::to_object(inserted, 0);
  const boost::json::object metadata{{"session_id", session.at("id")}, {"mode", mode}};
  co_await activity::record(tx, user, "focus_started", metadata);
  co_await tx.commit();
  co_return session;
}

boost::asio::awaitable<boost::json::object> apply(db::Pool& pool, Uuid user, Uuid id, Transition transition) {
  auto tx = co_await db::Transaction::begin(pool);
  auto changed = co_await tx.execute(statement_for(transition), id, user);
  if (changed.empty()) {
    auto current = co_await tx.execute(status_statement, id, user);
    if (current.empty()) domain::throw_not_found("focus session");
    throw Error(ErrorCode::conflict,
                fmt::format("cannot {} a session that is {}", verb(transition), current.one().text(0)));
  }
  auto session = domain::to_object(changed, 0);
  if (transition == Transition::complete) {
    const auto elapsed = session.at("elapsed_seconds").as_int64();
    session.erase("elapsed_seconds");
    if (session.at("mode").as_string() == "focus") co_await pay(tx, user, session, elapsed);
    const boost::json::object metadata{{"session_id", session.at("id")}, {"xp", session.at("xp_awarded")}};
    co_await activity::record(tx, user, "focus_completed", metadata);
  } else if (transition == Transition::abandon) {
    const boost::json::object metadata{{"session_id", session.at("id")}};
    co_await activity::record(tx, user, "focus_abandoned", metadata);
  }
  co_await tx.commit();
  co_return session;
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_statement, id, user);
  co_return domain::one_or_not_found(rows, "focus session");
}

boost::asio::awaitable<std::optional<boost::json::object>> active(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(active_statement, user);
  if (rows.empty()) co_return std::nullopt;
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "started_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> stats(db::Pool& pool, Uuid user, Timestamp from, Timestamp to) {
  auto rows = co_await pool.execute(stats_statement, user, from, to);
  auto out = domain::to_object(rows, 0);
  out["from"] = format_rfc3339(from);
  out["to"] = format_rfc3339(to);
  co_return out;
}

}  // namespace ignition::focus
