#include <catch2/catch.hpp>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <csignal>
#include <mutex>
#include <string>
#include <vector>

#include <ignition/db/listener.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using testing::run;

namespace {
asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// Polls `done` every 10 ms for up to `limit`; true when it became true.
template <typename F>
asio::awaitable<bool> eventually(F done, std::chrono::milliseconds limit) {
  for (auto waited = 0ms; waited < limit; waited += 10ms) {
    if (done()) co_return true;
    co_await sleep_for(10ms);
  }
  co_return done();
}

const db::Statement notify{"test_notify", "SELECT pg_notify($1, $2)"};
}  // namespace

TEST_CASE("notifications reach subscribers, also after the listener's connection is killed") {
  testing::TestDatabase database("listen");
  std::mutex mutex;
  std::vector<std::string> received;
  std::atomic<int> connects{0};
  run(
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        db::PoolConfig config;
        config.url = database.url();
        db::Pool pool(ex, config);
        db::Listener listener(ex, database.url());
        listener.subscribe("session_revoked", [&](std::string_view payload) {
          std::lock_guard lock(mutex);
          received.emplace_back(payload);
        });
        listener.subscribe("other_channel", [](std::string_view) {});
        listener.on_connected([&] { ++connects; });
        listener.start();
        bool listening = co_await eventually([&] { return listener.connected(); }, 5000ms);
        REQUIRE(listening);

        co_await pool.execute(notify, "session_revoked", "abc");
        co_await pool.execute(notify, "unrelated", "ignored");
        bool first_arrived = co_await eventually(
            [&] {
              std::lock_guard l(mutex);
              return received.size() == 1;
            },
            1000ms);
        CHECK(first_arrived);

        // Kill the LISTEN backend: the listener reconnects and says so.
        database.scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')");
        bool reconnected = co_await eventually([&] { return connects == 2 && listener.connected(); }, 5000ms);
        REQUIRE(reconnected);
        co_await pool.execute(notify, "session_revoked", "def");
        bool second_arrived = co_await eventually(
            [&] {
              std::lock_guard l(mutex);
              return received.size() == 2;
            },
            1000ms);
        CHECK(second_arrived);
        listener.stop();
        co_await sleep_for(50ms);
        CHECK_FALSE(listener.connected());
      }(),
      2);
  CHECK(received == std::vector<std::string>{"abc", "def"});
}

TEST_CASE("a listener whose server goes silent without a reset counts as lost, and connects again") {
  testing::TestDatabase database("listen");
  std::atomic<int> connects{0};
  run(
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        db::Listener listener(ex, database.url());
        listener.subscribe("session_revoked", [](std::string_view) {});
        listener.on_connected([&] { ++connects; });
        listener.start();
        bool listening = co_await eventually([&] { return listener.connected(); }, 5000ms);
        REQUIRE(listening);
        // The listener's backend is the only one on this database. Stopped, it keeps its
        // connection open and answers nothing: what a vanished host or a forgetful NAT looks like.
        const int pid =
            std::stoi(database.scalar("SELECT pid FROM pg_stat_activity WHERE datname = "
                                      "current_database() AND pid <> pg_backend_pid() AND backend_type = "
                                      "'client backend'"));
        struct Resume {
          int pid;
          ~Resume() { ::kill(pid, SIGCONT); }
        } resume{pid};
        REQUIRE(::kill(pid, SIGSTOP) == 0);
        bool lost = co_await eventually([&] { return !listener.connected(); }, 2000ms);
        CHECK(lost);  // within 2 s: the heartbeat comes after 0.5 s of quiet and waits 0.5 s
        bool back = co_await eventually([&] { return connects == 2 && listener.connected(); }, 5000ms);
        CHECK(back);
        listener.stop();
        co_await sleep_for(50ms);
      }(),
      2);
}

TEST_CASE("channel names are checked because LISTEN cannot take a parameter") {
  asio::io_context io;
  db::Listener listener(io.get_executor(), "host=127.0.0.1");
  CHECK_THROWS_AS(listener.subscribe("bad; DROP TABLE users", [](std::string_view) {}), std::invalid_argument);
  CHECK_THROWS_AS(listener.subscribe("Upper", [](std::string_view) {}), std::invalid_argument);
  CHECK_THROWS_AS(listener.subscribe("", [](std::string_view) {}), std::invalid_argument);
  CHECK_NOTHROW(listener.subscribe("session_revoked_2", [](std::string_view) {}));
}
