#include <ignition/gamification/gamification.hpp>

#include <cmath>

#include <ignition/activity/activity.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::gamification {

namespace {
// The ledger row and the wallet move in one statement: when the key was used before, the
// INSERT yields no row and the wallet is left alone. The wallet row exists beforehand
// (ensure_wallet) so that this is a plain UPDATE: a debit past zero then fails the
// wallet's CHECK (coins >= 0) under the row lock, and concurrent spending cannot overdraw.
// (An INSERT … ON CONFLICT DO UPDATE would check the CHECK against the row it proposes to
// insert, refusing every debit.)
const db::Statement ensure_wallet_statement{
    "gamification_ensure_wallet", "INSERT INTO user_wallet (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING"};
const db::Statement post_statement{
    "gamification_post",
    "WITH entry AS ("
    " INSERT INTO points_ledger (user_id, event_type, event_id, coins, xp, idempotency_key, reason)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING coins, xp)"
    " UPDATE user_wallet w SET coins = w.coins + entry.coins, xp = w.xp + entry.xp, updated_at = now()"
    " FROM entry WHERE w.user_id = $1 RETURNING w.xp, w.level"};
// The wallet row's lock orders the claims of one user; the count then sees every claim
// committed before it (each statement of a READ COMMITTED transaction takes a new snapshot).
const db::Statement lock_wallet_statement{"gamification_lock_wallet",
                                          "SELECT 1 FROM user_wallet WHERE user_id = $1 FOR UPDATE"};
const db::Statement paid_today_statement{"gamification_paid_today",
                                         "SELECT count(*) FROM points_ledger WHERE user_id = $1 AND event_type = $2"
                                         " AND created_at >= date_trunc('day', now(), 'UTC')"};
const db::Statement set_level_statement{"gamification_set_level",
                                        "UPDATE user_wallet SET level = $2, xp_to_next_level = $3 WHERE user_id = $1"};
const db::Statement streak_statement{
    "gamification_streak",
    "INSERT INTO user_streaks AS s (user_id, streak_type, current_streak, longest_streak, last_activity_date)"
    " VALUES ($1, $2, 1, 1, $3::date) ON CONFLICT (user_id, streak_type) DO UPDATE SET"
    " current_streak = CASE WHEN s.last_activity_date >= $3::date THEN s.current_streak"
    "   WHEN s.last_activity_date = $3::date - 1 THEN s.current_streak + 1 ELSE 1 END,"
    " longest_streak = greatest(s.longest_streak, CASE WHEN s.last_activity_date >= $3::date THEN s.current_streak"
    "   WHEN s.last_activity_date = $3::date - 1 THEN s.current_streak + 1 ELSE 1 END),"
    " last_activity_date = greatest(s.last_activity_date, $3::date), updated_at = now()"
    " RETURNING current_streak"};
const db::Statement unlock_statement{
    "gamification_unlock",
    "WITH earned AS ("
    " INSERT INTO user_achievements (user_id, achievement_key)"
    " SELECT $1, d.key FROM achievement_definitions d"
    " WHERE d.trigger_type = 'count' AND d.trigger_config->>'event' = $2"
    " AND (($3 >= (d.trigger_config->>'count')::bigint) OR ($4 >= (d.trigger_config->>'streak')::bigint))"
    " ON CONFLICT (user_id, achievement_key) DO NOTHING RETURNING achievement_key)"
    " SELECT d.key, d.reward_coins, d.reward_xp FROM earned e JOIN achievement_definitions d ON d.key = "
    "e.achievement_key"};
const db::Statement wallet_statement{"gamification_wallet", "SELECT coins, xp FROM user_wallet WHERE user_id = $1"};
const db::Statement ledger_statement{"gamification_ledger",
                                     "SELECT id, event_type, event_id, coins, xp, reason, created_at FROM points_ledger"
                                     " WHERE user_id = $1 AND (created_at, id) < ($2::timestamptz, $3::uuid)"
                                     " ORDER BY created_at DESC, id DESC LIMIT $4"};
const db::Statement achievements_statement{
    "gamification_achievements",
    "SELECT d.key, d.name, d.description, d.category, d.icon, d.reward_coins, d.reward_xp,"
    " a.earned_at AS unlocked_at FROM achievement_definitions d"
    " LEFT JOIN user_achievements a ON a.achievement_key = d.key AND a.user_id = $1"
    " WHERE NOT d.is_hidden OR a.user_id IS NOT NULL ORDER BY d.sort_order, d.key"};

std::int64_t xp_for_level(std::int64_t level) noexcept { return 50 * level * (level - 1); }
}  // namespace

int level_for(std::int64_t xp) noexcept {
  if (xp <= 0) return 1;
  // Solve 50·L·(L−1) ≤ xp, then correct the floating-point estimate exactly.
  auto level = static_cast<std::int64_t>((1.0 + std::sqrt(1.0 + static_cast<double>(xp) / 12.5)) / 2.0);
  while (xp_for_level(level + 1) <= xp) ++level;
  while (level > 1 && xp_for_level(level) > xp) --level;
  return static_cast<int>(level);
}

std::int64_t xp_to_next_level(std::int64_t xp) noexcept {
  return xp_for_level(level_for(xp) + 1) - std::max<std::int64_t>(xp, 0);
}

boost::asio::awaitable<bool> post(db::Transaction& tx, Uuid user, const Entry& e) {
  co_await tx.execute(ensure_wallet_statement, user);
  db::Result moved;
  try {
    moved =
        co_await tx.execute(post_statement, user, e.event_type, e.event_id, e.coins, e.xp, e.idempotency_key, e.reason);
  } catch (const db::CheckViolation&) {
    throw Error(ErrorCode::insufficient_funds, "not enough coins");
  }
  if (moved.empty()) co_return false;
  const auto xp = moved[0].get<std::int64_t>(0);
  const auto level = level_for(xp);
  if (level != moved[0].get<int>(1) || e.xp != 0) {
    co_await tx.execute(set_level_statement, user, level, xp_to_next_level(xp));
  }
  co_return true;
}

boost::asio::awaitable<bool> post_declared(db::Transaction& tx, Uuid user, const Entry& entry) {
  co_await tx.execute(ensure_wallet_statement, user);
  co_await tx.execute(lock_wallet_statement, user);
  auto paid = co_await tx.execute(paid_today_statement, user, entry.event_type);
  if (paid.one().get<std::int64_t>(0) >= declared_rewards_per_day) co_return false;
  const bool posted = co_await post(tx, user, entry);
  co_return posted;
}

boost::asio::awaitable<std::int64_t> mark_streak_day(db::Transaction& tx, Uuid user, std::string_view streak_type,
                                                     std::string_view day) {
  auto rows = co_await tx.execute(streak_statement, user, streak_type, day);
  co_return rows.one().get<std::int64_t>(0);
}

boost::asio::awaitable<std::vector<std::string>> unlock(db::Transaction& tx, Uuid user, std::string_view event,
                                                        std::int64_t count, std::int64_t streak) {
  auto earned = co_await tx.execute(unlock_statement, user, event, count, streak);
  std::vector<std::string> keys;
  for (const auto row : earned) {
    std::string key = row.get<std::string>(0);
    Entry reward{"achievement",
                 key,
                 row.get<std::int64_t>(1),
                 row.get<std::int64_t>(2),
                 "achievement:" + user.to_string() + ":" + key,
                 "achievement unlocked"};
    co_await post(tx, user, reward);
    const boost::json::object metadata{{"key", key}};
    co_await activity::record(tx, user, "achievement_unlocked", metadata);
    keys.push_back(std::move(key));
  }
  co_return keys;
}

boost::asio::awaitable<boost::json::object> wallet(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(wallet_statement, user);
  std::int64_t coins = 0;
  std::int64_t xp = 0;
  if (!rows.empty()) {
    coins = rows[0].get<std::int64_t>(0);
    xp = rows[0].get<std::int64_t>(1);
  }
  co_return boost::json::object{
      {"coins", coins}, {"xp", xp}, {"level", level_for(xp)}, {"xp_to_next_level", xp_to_next_level(xp)}};
}

boost::asio::awaitable<domain::Page> ledger(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, ledger_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::array> achievements(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(achievements_statement, user);
  co_return domain::to_array(rows);
}

}  // namespace ignition::gamification
