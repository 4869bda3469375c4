#include <catch2/catch.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

#include <ignition/common/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/gamification/gamification.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
namespace asio = boost::asio;

namespace {

Uuid new_user(testing::TestDatabase& database, const std::string& email) {
  return *Uuid::parse(database.scalar("INSERT INTO users (email) VALUES ('" + email + "') RETURNING id"));
}

db::PoolConfig pool_config(const std::string& url) {
  db::PoolConfig config;
  config.url = url;
  config.size = 8;
  return config;
}

// Posts one entry in its own transaction; returns whether it was paid.
asio::awaitable<bool> post_one(db::Pool& pool, Uuid user, gamification::Entry entry) {
  auto tx = co_await db::Transaction::begin(pool);
  const bool paid = co_await gamification::post(tx, user, entry);
  co_await tx.commit();
  co_return paid;
}

}  // namespace

TEST_CASE("levels: level L starts at 50·L·(L−1) XP") {
  CHECK(gamification::level_for(0) == 1);
  CHECK(gamification::level_for(99) == 1);
  CHECK(gamification::level_for(100) == 2);
  CHECK(gamification::level_for(299) == 2);
  CHECK(gamification::level_for(300) == 3);
  CHECK(gamification::level_for(4'950'000) == 315);  // 50·315·314 = 4,945,500
  CHECK(gamification::xp_to_next_level(0) == 100);
  CHECK(gamification::xp_to_next_level(250) == 50);
}

TEST_CASE("a reward key pays once, even when five transactions race for it") {
  testing::TestDatabase database("gamification_once");
  const Uuid user = new_user(database, "racer@example.com");
  const int paid = testing::run(
      [&]() -> asio::awaitable<int> {
        db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
        int count = 0;
        // Each round launches five posts of one key together; they meet on its unique index.
        using namespace asio::experimental::awaitable_operators;
        for (int round = 0; round < 4; ++round) {
          const gamification::Entry entry{"quest_complete", "q1", 15, 30, "quest:race" + std::to_string(round), "test"};
          auto [a, b, c, d, e] =
              co_await (post_one(pool, user, entry) && post_one(pool, user, entry) && post_one(pool, user, entry) &&
                        post_one(pool, user, entry) && post_one(pool, user, entry));
          count += a + b + c + d + e;
        }
        pool.close();
        co_return count;
      }(),
      2);
  CHECK(paid == 4);
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE idempotency_key LIKE 'quest:race%'") == "4");
  CHECK(database.scalar("SELECT coins || '/' || xp || '/' || level FROM user_wallet") == "60/120/2");
}

TEST_CASE("spending past zero is refused and changes nothing; the wallet always equals the ledger") {
  testing::TestDatabase database("gamification_spend");
  const Uuid user = new_user(database, "spender@example.com");
  const auto outcome = testing::run([&]() -> asio::awaitable<std::string> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    const gamification::Entry earn{"focus_complete", "f1", 10, 50, "focus:f1", "test"};
    co_await post_one(pool, user, earn);
    const gamification::Entry spend{"purchase", "p1", -25, 0, "purchase:p1", "test"};
    std::string result = "paid";
    try {
      co_await post_one(pool, user, spend);
    } catch (const Error& e) {
      result = to_string(e.code());
    }
    const gamification::Entry small{"purchase", "p2", -4, 0, "purchase:p2", "test"};
    co_await post_one(pool, user, small);
    auto wallet = co_await gamification::wallet(pool, user);
    pool.close();
    co_return result + " " + std::to_string(wallet.at("coins").as_int64()) + " " +
        std::to_string(wallet.at("level").as_int64());
  }());
  CHECK(outcome == "insufficient_funds 6 1");
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE idempotency_key = 'purchase:p1'") == "0");
  CHECK(database.scalar("SELECT sum(coins) FROM points_ledger") == "6");
}
