#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
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
        bool reconnected = co_await eventually([&] { return connects >= 2 && listener.connected(); }, 5000ms);
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

namespace {
// A TCP relay to Postgres that can go silent: while paused it forwards nothing and closes
// nothing, as a NAT that forgot the connection would. Closed by close().
class Relay {
 public:
  Relay(asio::any_io_executor ex, std::uint16_t target)
      : acceptor_(ex, {asio::ip::make_address("127.0.0.1"), 0}), target_(target) {
    asio::co_spawn(ex, accept(), asio::detached);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& s : sockets_) s->close(ignored);
  }
  std::atomic<bool> paused{false};

 private:
  using Socket = std::shared_ptr<asio::ip::tcp::socket>;
  asio::awaitable<void> accept() {
    for (;;) {
      auto [ec, accepted] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      auto client = std::make_shared<asio::ip::tcp::socket>(std::move(accepted));
      auto server = std::make_shared<asio::ip::tcp::socket>(acceptor_.get_executor());
      auto [connect_ec] = co_await server->async_connect({asio::ip::make_address("127.0.0.1"), target_},
                                                         asio::as_tuple(asio::use_awaitable));
      if (connect_ec) continue;
      sockets_.push_back(client);
      sockets_.push_back(server);
      asio::co_spawn(acceptor_.get_executor(), pump(client, server), asio::detached);
      asio::co_spawn(acceptor_.get_executor(), pump(server, client), asio::detached);
    }
  }
  asio::awaitable<void> pump(Socket from, Socket to) {
    std::array<char, 8192> buffer;
    for (;;) {
      auto [ec, n] = co_await from->async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      while (paused) co_await sleep_for(10ms);
      auto [write_ec, written] =
          co_await asio::async_write(*to, asio::buffer(buffer.data(), n), asio::as_tuple(asio::use_awaitable));
      if (write_ec) break;
    }
    boost::system::error_code ignored;
    to->shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t target_;
  std::vector<Socket> sockets_;
};

// The conninfo with another port.
std::string with_port(const std::string& url, std::uint16_t port) {
  auto at = url.find("port=");
  return url.substr(0, at) + "port=" + std::to_string(port) + url.substr(url.find(' ', at));
}
}  // namespace

TEST_CASE("a listener whose connection goes silent without a reset counts as lost, and connects again") {
  testing::TestDatabase database("listen");
  std::atomic<int> connects{0};
  run([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto url = database.url();
    const auto pg_port = static_cast<std::uint16_t>(std::stoi(url.substr(url.find("port=") + 5)));
    Relay relay(ex, pg_port);
    db::Listener listener(ex, with_port(url, relay.port()));
    listener.subscribe("session_revoked", [](std::string_view) {});
    listener.on_connected([&] { ++connects; });
    listener.start();
    bool listening = co_await eventually([&] { return listener.connected(); }, 5000ms);
    REQUIRE(listening);
    relay.paused = true;
    bool lost = co_await eventually([&] { return !listener.connected(); }, 3000ms);
    CHECK(lost);  // the heartbeat comes after 0.5 s of quiet and waits 1 s for its answer
    relay.paused = false;
    bool back = co_await eventually([&] { return connects >= 2 && listener.connected(); }, 5000ms);
    CHECK(back);
    listener.stop();
    co_await sleep_for(50ms);
    relay.close();
  }());
}

TEST_CASE("channel names are checked because LISTEN cannot take a parameter") {
  asio::io_context io;
  db::Listener listener(io.get_executor(), "host=127.0.0.1");
  CHECK_THROWS_AS(listener.subscribe("bad; DROP TABLE users", [](std::string_view) {}), std::invalid_argument);
  CHECK_THROWS_AS(listener.subscribe("Upper", [](std::string_view) {}), std::invalid_argument);
  CHECK_THROWS_AS(listener.subscribe("", [](std::string_view) {}), std::invalid_argument);
  CHECK_NOTHROW(listener.subscribe("session_revoked_2", [](std::string_view) {}));
}
