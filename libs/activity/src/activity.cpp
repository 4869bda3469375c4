#include <ignition/activity/activity.hpp>

#include <boost/json/serialize.hpp>

#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>

namespace ignition::activity {

namespace {
const db::Statement insert_statement{
    "activity_insert", "INSERT INTO activity_events (user_id, event_type, metadata) VALUES ($1, $2, $3::jsonb)"};
const db::Statement feed_statement{"activity_feed",
                                   "SELECT id, event_type, metadata, created_at FROM activity_events "
                                   "WHERE user_id = $1 AND (created_at, id) < ($2::timestamptz, $3::uuid) "
                                   "ORDER BY created_at DESC, id DESC LIMIT $4"};
}  // namespace

boost::asio::awaitable<void> record(db::Transaction& tx, Uuid user, std::string_view type,
                                    const boost::json::object& metadata) {
  const db::JsonText json{boost::json::serialize(metadata)};
  co_await tx.execute(insert_statement, user, type, json);
}

boost::asio::awaitable<domain::Page> feed(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, feed_statement, std::move(params), page, "created_at");
  co_return result;
}

}  // namespace ignition::activity
