#include <ignition/market/market.hpp>

#include <fmt/format.h>

#include <ignition/activity/activity.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/gamification/gamification.hpp>

namespace ignition::market {

namespace {

#define VISIBLE_ITEM "is_active AND is_available AND (is_global OR created_by_user_id = $1)"
#define PURCHASE_COLUMNS "p.id, p.item_id, i.name AS item_name, p.cost_coins, p.status, p.purchased_at, p.redeemed_at"

const db::Statement items_statement{
    "market_items",
    "SELECT id, key, name, description, category, cost_coins, icon, is_consumable FROM market_items"
    " WHERE " VISIBLE_ITEM " ORDER BY sort_order, cost_coins, name"};
const db::Statement insert_purchase_statement{
    "market_purchase",
    "WITH p AS (INSERT INTO user_purchases (user_id, item_id, cost_coins)"
    " SELECT $1, id, cost_coins FROM market_items WHERE id = $2 AND " VISIBLE_ITEM
    " RETURNING *)"
    " SELECT " PURCHASE_COLUMNS " FROM p JOIN market_items i ON i.id = p.item_id"};
const db::Statement purchases_statement{"market_purchases",
                                        "SELECT " PURCHASE_COLUMNS
                                        " FROM user_purchases p JOIN market_items i ON i.id = p.item_id"
                                        " WHERE p.user_id = $1 AND (p.purchased_at, p.id) < ($2::timestamptz, $3::uuid)"
                                        " ORDER BY p.purchased_at DESC, p.id DESC LIMIT $4"};
const db::Statement redeem_statement{"market_redeem",
                                     "WITH p AS (UPDATE user_purchases SET status = 'redeemed', redeemed_at = now()"
                                     " WHERE id = $2 AND user_id = $1 AND status = 'owned' RETURNING *)"
                                     " SELECT " PURCHASE_COLUMNS " FROM p JOIN market_items i ON i.id = p.item_id"};
const db::Statement status_statement{"market_purchase_status",
                                     "SELECT status FROM user_purchases WHERE id = $2 AND user_id = $1"};
const db::Statement purchase_count_statement{"market_purchase_count",
                                             "SELECT count(*) FROM user_purchases WHERE user_id = $1"};

#undef VISIBLE_ITEM
#undef PURCHASE_COLUMNS

}  // namespace

boost::asio::awaitable<boost::json::array> items(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(items_statement, user);
  co_return domain::to_array(rows);
}

boost::asio::awaitable<boost::json::object> purchase(db::Pool& pool, Uuid user, Uuid item) {
  auto tx = co_await db::Transaction::begin(pool);
  auto bought = co_await tx.execute(insert_purchase_statement, user, item);
  auto purchase = domain::one_or_not_found(bought, "item");
  const std::string id(purchase.at("id").as_string());
  // The debit fails (insufficient_funds) under the wallet's row lock if the balance
  // does not cover it; the purchase row goes with the rolled-back transaction.
  const gamification::Entry debit{"purchase",
                                  id,
                                  -purchase.at("cost_coins").as_int64(),
                                  0,
                                  "purchase:" + id,
                                  std::string(purchase.at("item_name").as_string())};
  co_await gamification::post(tx, user, debit);
  const boost::json::object metadata{{"purchase_id", id}, {"item_id", purchase.at("item_id")}};
  co_await activity::record(tx, user, "item_purchased", metadata);
  auto count = co_await tx.execute(purchase_count_statement, user);
  co_await gamification::unlock(tx, user, "purchase", count.one().get<std::int64_t>(0), 0);
  co_await tx.commit();
  co_return purchase;
}

boost::asio::awaitable<domain::Page> purchases(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, purchases_statement, std::move(params), page, "purchased_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> redeem(db::Pool& pool, Uuid user, Uuid purchase) {
  auto rows = co_await pool.execute(redeem_statement, user, purchase);
  if (!rows.empty()) co_return domain::to_object(rows, 0);
  auto current = co_await pool.execute(status_statement, user, purchase);
  if (current.empty()) domain::throw_not_found("purchase");
  throw Error(ErrorCode::conflict, fmt::format("the purchase is {}", current.one().text(0)));
}

}  // namespace ignition::market
