#include <catch2/catch.hpp>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
namespace asio = boost::asio;
using testing::run;

namespace {
db::PoolConfig config(const std::string& url, std::size_t size, std::chrono::milliseconds acquire = 5s) {
  db::PoolConfig c;
  c.url = url;
  c.size = size;
  c.acquire_timeout = acquire;
  return c;
}

const db::Statement sleep_then_echo{"test_sleep_echo", "SELECT $1::int FROM pg_sleep(0.05)"};
const db::Statement insert_user{"test_pool_insert_user", "INSERT INTO users (email) VALUES ($1)"};
const db::Statement count_users{"test_pool_count_users", "SELECT count(*) FROM users"};

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}
}  // namespace

TEST_CASE("the pool never opens more than its size and serves every waiter, on several threads") {
  testing::TestDatabase database("pool");
  std::atomic<int> sum{0};
  std::size_t peak_open = 0;
  run(
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        db::Pool pool(ex, config(database.url(), 3));
        std::atomic<int> done{0};
        constexpr int n = 24;
        for (int i = 1; i <= n; ++i) {
          asio::co_spawn(
              ex,
              [&, i]() -> asio::awaitable<void> {
                auto r = co_await pool.execute(sleep_then_echo, i);
                sum += r.one().get<int>(0);
                ++done;
              },
              asio::detached);
        }
        while (done < n) {
          peak_open = std::max(peak_open, pool.stats().size);
          co_await sleep_for(5ms);
        }
        auto s = pool.stats();
        CHECK(s.in_use == 0);
        CHECK(s.idle == s.size);
        CHECK(s.connections_opened <= 3);
      }(),
      4);
  CHECK(sum == 24 * 25 / 2);
  CHECK(peak_open <= 3);
}

TEST_CASE("acquire gives up at its deadline with PoolTimeout") {
  testing::TestDatabase database("pool");
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, config(database.url(), 1, 200ms));
    auto held = co_await pool.acquire();
    auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(co_await pool.acquire(), db::PoolTimeout);
    CHECK(std::chrono::steady_clock::now() - started >= 190ms);
    CHECK(pool.stats().acquire_timeouts == 1);
    CHECK(pool.stats().waiting == 0);
  }());
}

TEST_CASE("a released connection goes to the first waiter") {
  testing::TestDatabase database("pool");
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, config(database.url(), 1));
    std::optional<db::PooledConnection> held(co_await pool.acquire());
    auto release_later = [&]() -> asio::awaitable<void> {
      co_await sleep_for(50ms);
      held.reset();
    };
    auto got = co_await (release_later() && pool.acquire());
    auto awaited_97 = co_await got->query("SELECT 7");
    CHECK(awaited_97.one().get<int>(0) == 7);
    CHECK(pool.stats().connections_opened == 1);
  }());
}

TEST_CASE("transactions commit explicitly and roll back otherwise") {
  testing::TestDatabase database("pool");
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, config(database.url(), 1));
    {
      auto tx = co_await db::Transaction::begin(pool);
      co_await tx.execute(insert_user, "kept@example.com");
      co_await tx.commit();
    }
    {
      auto tx = co_await db::Transaction::begin(pool);
      co_await tx.execute(insert_user, "dropped@example.com");
      // destroyed without commit
    }
    // The single connection was rolled back before reuse, so it is clean here.
    auto awaited_117 = co_await pool.execute(count_users);
    CHECK(awaited_117.one().get<int>(0) == 1);
    {
      auto tx = co_await db::Transaction::begin(pool);
      co_await tx.execute(insert_user, "dup@example.com");
      CHECK_THROWS_AS(co_await tx.execute(insert_user, "dup@example.com"), db::UniqueViolation);
      // COMMIT after a failed statement must not pass for success.
      CHECK_THROWS_AS(co_await tx.commit(), db::Error);
    }
    auto awaited_125 = co_await pool.execute(count_users);
    CHECK(awaited_125.one().get<int>(0) == 1);
  }());
}

TEST_CASE("the pool replaces connections the server closed") {
  testing::TestDatabase database("pool");
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, config(database.url(), 2));
    co_await (pool.execute(sleep_then_echo, 1) && pool.execute(sleep_then_echo, 2));
    CHECK(pool.stats().idle == 2);
    database.scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    co_await sleep_for(100ms);
    auto awaited_139 = co_await pool.execute(sleep_then_echo, 3);
    CHECK(awaited_139.one().get<int>(0) == 3);
    CHECK(pool.stats().connections_dropped >= 1);
  }());
}

TEST_CASE("when the server cannot be reached every acquire fails fast") {
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, config("host=127.0.0.1 port=1 user=postgres", 1, 3s));
    auto started = std::chrono::steady_clock::now();
    auto attempt = [&]() -> asio::awaitable<bool> {
      try {
        co_await pool.execute(count_users);
      } catch (const db::Unavailable&) {
        co_return true;
      }
      co_return false;
    };
    auto [a, b, c] = co_await (attempt() && attempt() && attempt());
    CHECK((a && b && c));
    CHECK(std::chrono::steady_clock::now() - started < 2s);  // not the 3 s acquire deadline
    CHECK(pool.stats().size == 0);
  }());
}
