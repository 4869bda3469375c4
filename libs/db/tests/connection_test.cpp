#include <catch2/catch.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/db/connection.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/params.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using testing::run;

namespace {
asio::awaitable<std::unique_ptr<db::Connection>> connect(const std::string& url) {
  co_return co_await db::Connection::connect(co_await asio::this_coro::executor, url, 5s);
}

const db::Statement echo{"test_echo",
                         "SELECT $1::uuid, $2::timestamptz, $3::boolean, $4::bigint, $5::float8, $6::text, "
                         "$7::text, $8::bytea, $9::jsonb"};
}  // namespace

TEST_CASE("typed parameters travel bound and come back typed") {
  testing::TestDatabase database("conn");
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    Uuid id = Uuid::v4();
    Timestamp at = *parse_rfc3339("2026-01-07T12:34:56.789012Z");
    std::string hostile = "'); DROP TABLE users; --";
    std::string binary("\x00\x01\xff'\\", 5);
    // Named, not temporaries: GCC 12 mishandles non-trivial temporaries inside a
    // co_await expression (see docs/style.md).
    std::optional<std::string> null_text;
    db::Bytes bytes{binary};
    db::JsonText json{R"({"a":[1,2]})"};
    std::int64_t big = -9007199254740993;
    auto result = co_await c->execute(echo, id, at, true, big, 2.5, hostile, null_text, bytes, json);
    auto row = result.one();
    CHECK(row.get<Uuid>(0) == id);
    CHECK(row.get<Timestamp>(1) == at);
    CHECK(row.get<bool>(2));
    CHECK(row.get<std::int64_t>(3) == -9007199254740993);
    CHECK(row.get<double>(4) == 2.5);
    CHECK(row.get<std::string>(5) == hostile);
    CHECK_FALSE(row.get<std::optional<std::string>>(6).has_value());
    CHECK_THROWS(row.get<std::string>(6));  // NULL into a non-optional
    CHECK(row.get<db::Bytes>(7).data == binary);
    CHECK(row.get<std::string>(8) == R"({"a": [1, 2]})");
    CHECK(database.scalar("SELECT count(*) FROM users") == "0");  // the "injection" was only data
  }());
}

TEST_CASE("a text parameter with a NUL byte is refused, never cut short") {
  // libpq would send the text up to the NUL and drop the rest without a word.
  db::Params params;
  CHECK_THROWS_AS(params.add(std::string("ab\0cd", 5)), std::invalid_argument);
  db::Bytes bytes{std::string("ab\0cd", 5)};
  CHECK_NOTHROW(params.add(bytes));  // bytea travels binary: its NULs are data
}

TEST_CASE("server errors are typed by SQLSTATE and leave the connection usable") {
  testing::TestDatabase database("conn");
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    const db::Statement insert{"test_insert_user", "INSERT INTO users (email) VALUES ($1)"};
    co_await c->execute(insert, "a@example.com");
    CHECK_THROWS_AS(co_await c->execute(insert, "a@example.com"), db::UniqueViolation);
    CHECK_THROWS_AS(co_await c->execute(insert, "UPPER@example.com"), db::CheckViolation);
    CHECK_THROWS_AS(co_await c->query("SELEC 1"), db::Error);
    CHECK_FALSE(c->broken());
    auto n = co_await c->query("SELECT count(*) FROM users");
    CHECK(n.one().get<int>(0) == 1);
  }());
}

TEST_CASE("scripts run several statements; affected rows and command tags are reported") {
  testing::TestDatabase database("conn");
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    co_await c->run_script("CREATE TEMP TABLE t (x int); INSERT INTO t VALUES (1), (2), (3);");
    auto r = co_await c->query("UPDATE t SET x = x + 1 WHERE x > $1", db::Params::of(1));
    CHECK(r.affected() == 2);
    CHECK(r.command() == "UPDATE");
    auto rows = co_await c->query("SELECT x FROM t ORDER BY x");
    std::vector<int> xs;
    for (auto row : rows) xs.push_back(row.get<int>(0));
    CHECK(xs == std::vector<int>{1, 3, 4});
  }());
}

TEST_CASE("one statement name cannot stand for two different SQL texts") {
  testing::TestDatabase database("conn");
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    co_await c->execute(db::Statement{"test_dup", "SELECT 1"});
    CHECK_THROWS_AS(co_await c->execute(db::Statement{"test_dup", "SELECT 2"}), std::logic_error);
  }());
}

TEST_CASE("an unreachable server fails fast with Unavailable") {
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(run(connect("host=127.0.0.1 port=1 user=postgres dbname=postgres")), db::Unavailable);
  // Refused connections must not wait for the connect timeout (5 s here).
  CHECK(std::chrono::steady_clock::now() - started < 4s);
}

TEST_CASE("a connection whose backend was terminated reports itself dead") {
  testing::TestDatabase database("conn");
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    auto pid = (co_await c->query("SELECT pg_backend_pid()")).one().get<int>(0);
    CHECK(c->check_alive());
    database.scalar("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
    bool alive = true;
    for (int i = 0; i < 100 && alive; ++i) {
      asio::steady_timer t(co_await asio::this_coro::executor, 20ms);
      co_await t.async_wait(asio::use_awaitable);
      alive = c->check_alive();
    }
    CHECK_FALSE(alive);
    CHECK_THROWS_AS(co_await c->query("SELECT 1"), db::Unavailable);
  }());
}
