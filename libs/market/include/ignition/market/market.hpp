#pragma once
/// The market: items bought with coins, and the user's purchases. A purchase debits the
/// wallet in the same transaction as its ledger row and its purchase row, so with coins
/// for k items any number of concurrent purchases gives exactly k; redeeming works once.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/page.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::market {

/// Items the user can buy: active, available, and global or their own, cheapest first
/// within the catalogue's order.
boost::asio::awaitable<boost::json::array> items(db::Pool& pool, Uuid user);
/// Buys one item. Error(not_found) for an item the user cannot see,
/// Error(insufficient_funds) when the wallet does not cover it. Returns the purchase.
boost::asio::awaitable<boost::json::object> purchase(db::Pool& pool, Uuid user, Uuid item);
/// The user's purchases, newest first.
boost::asio::awaitable<domain::Page> purchases(db::Pool& pool, Uuid user, domain::PageRequest page);
/// Marks a purchase redeemed; Error(conflict) when it already is (or was refunded).
boost::asio::awaitable<boost::json::object> redeem(db::Pool& pool, Uuid user, Uuid purchase);

}  // namespace ignition::market
