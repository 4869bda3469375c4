#pragma once
/// Focus and break sessions: one running (active or paused) session per user, an
/// accurate paused total, only legal transitions, and a completed focus session paid
/// once — xp = whole minutes focused (elapsed minus paused, capped at the planned
/// duration), coins = xp / 5. Breaks pay nothing.

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::focus {

namespace rules {
inline constexpr std::array<std::string_view, 3> modes{"focus", "short_break", "long_break"};
inline constexpr domain::Range duration_seconds{60, 14'400};
}  // namespace rules

enum class Transition { pause, resume, complete, abandon };

/// A start's rules: one of rules::modes, for rules::duration_seconds.
domain::Check check_start(const std::string& mode, std::int64_t duration_seconds);

/// Starts a session of one of rules::modes for rules::duration_seconds (else
/// Error(validation_failed)). A running session older than a day is expired first; a live one
/// makes this throw Error(conflict).
boost::asio::awaitable<boost::json::object> start(db::Pool& pool, Uuid user, std::string mode,
                                                  std::int64_t duration_seconds);

/// Applies a transition; Error(not_found) for another user's or an unknown session,
/// Error(conflict) when the session's state does not allow it.
boost::asio::awaitable<boost::json::object> apply(db::Pool& pool, Uuid user, Uuid id, Transition transition);

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
/// The running session, or nullopt.
boost::asio::awaitable<std::optional<boost::json::object>> active(db::Pool& pool, Uuid user);
/// Sessions newest first by start time, as history rows (without the bookkeeping
/// timestamps paused_at, expires_at, created_at, updated_at).
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);

/// Totals over sessions started in [from, to).
boost::asio::awaitable<boost::json::object> stats(db::Pool& pool, Uuid user, Timestamp from, Timestamp to);

/// The reward for a focused stretch: {xp, coins}.
struct Reward {
  std::int64_t xp = 0;
  std::int64_t coins = 0;
};
Reward reward_for(std::int64_t elapsed_seconds, std::int64_t paused_seconds, std::int64_t duration_seconds) noexcept;

}  // namespace ignition::focus
