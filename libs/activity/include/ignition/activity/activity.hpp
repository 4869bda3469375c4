#pragma once
/// The user's own event feed: what they did (focus completed, habit logged, quest
/// completed, achievement unlocked…), written by the domains in their own transaction.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string_view>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/page.hpp>

namespace ignition::db {
class Pool;
class Transaction;
}  // namespace ignition::db

namespace ignition::activity {

/// Appends an event in the caller's transaction.
boost::asio::awaitable<void> record(db::Transaction& tx, Uuid user, std::string_view type,
                                    const boost::json::object& metadata);

/// The feed, newest first: {id, event_type, metadata, created_at}.
boost::asio::awaitable<domain::Page> feed(db::Pool& pool, Uuid user, domain::PageRequest page);

}  // namespace ignition::activity
