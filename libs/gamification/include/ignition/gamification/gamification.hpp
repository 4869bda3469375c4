#pragma once
/// Coins, XP, levels and achievements. The wallet changes only together with a ledger
/// row in the caller's transaction, and every reward carries a unique key per source
/// event, so a retried or raced action is paid at most once.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/page.hpp>

namespace ignition::db {
class Pool;
class Transaction;
}  // namespace ignition::db

namespace ignition::gamification {

struct Entry {
  std::string event_type;  // "focus_complete", "quest_complete", "achievement", "purchase"…
  std::string event_id;    // the source row (not a foreign key: the ledger outlives it)
  std::int64_t coins = 0;  // negative for spending
  std::int64_t xp = 0;
  std::string idempotency_key;  // unique per source event, e.g. "focus:<session id>"
  std::string reason;
};

/// Level reached with `xp` in total: level L needs 50·L·(L−1) XP (0, 100, 300, 600…).
int level_for(std::int64_t xp) noexcept;
/// XP still missing to reach the next level.
std::int64_t xp_to_next_level(std::int64_t xp) noexcept;

/// Writes the ledger row and moves the wallet, in the caller's transaction. Returns
/// false, changing nothing, when the idempotency key was already used. Throws
/// Error(insufficient_funds) when spending would take the balance below zero.
boost::asio::awaitable<bool> post(db::Transaction& tx, Uuid user, const Entry& entry);

/// Rewards for what a user declares alone, with no one to check it (an own quest done, the
/// last milestone of an own goal ticked), pay for at most this many events of one kind a day
/// (docs/api.md "Rewards"): past it the action succeeds and pays nothing.
inline constexpr std::int64_t declared_rewards_per_day = 3;

/// Like post(), for a reward the user declared alone: pays only while fewer than
/// declared_rewards_per_day entries of `entry.event_type` were paid to the user since the
/// start of the current UTC day. The wallet row is locked first, so concurrent claims are
/// counted one after the other. Returns whether it paid.
boost::asio::awaitable<bool> post_declared(db::Transaction& tx, Uuid user, const Entry& entry);

/// Bumps a daily streak ("focus", "habits"…) for `day` (YYYY-MM-DD in the user's time
/// zone) and returns the current streak.
boost::asio::awaitable<std::int64_t> mark_streak_day(db::Transaction& tx, Uuid user, std::string_view streak_type,
                                                     std::string_view day);

/// Unlocks the achievements an event earns: definitions triggered by `event` whose
/// count or streak threshold is reached. Each is unlocked once and its reward paid once;
/// returns the keys unlocked now.
boost::asio::awaitable<std::vector<std::string>> unlock(db::Transaction& tx, Uuid user, std::string_view event,
                                                        std::int64_t count, std::int64_t streak);

/// {coins, xp, level, xp_to_next_level}; a user who never earned anything has zeros.
boost::asio::awaitable<boost::json::object> wallet(db::Pool& pool, Uuid user);
/// Ledger entries, newest first.
boost::asio::awaitable<domain::Page> ledger(db::Pool& pool, Uuid user, domain::PageRequest page);
/// Every visible definition with `unlocked_at` (null when not earned yet); hidden ones
/// appear once earned.
boost::asio::awaitable<boost::json::array> achievements(db::Pool& pool, Uuid user);

}  // namespace ignition::gamification
