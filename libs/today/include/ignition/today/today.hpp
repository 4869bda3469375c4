#pragma once
/// The dashboard in one call: the running focus session, today's plan, the habits due
/// today with their streaks, the wallet and level, and unread counts — one statement,
/// cheap enough to poll.

#include <boost/asio/awaitable.hpp>
#include <string>

#include <ignition/common/uuid.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::today {

/// The dashboard as JSON text: {date, focus|null, plan|null, habits: [...], wallet:
/// {coins, xp, level}, unread: {achievements}}. "Today" is the user's day in their time
/// zone.
boost::asio::awaitable<std::string> dashboard(db::Pool& pool, Uuid user);

}  // namespace ignition::today
