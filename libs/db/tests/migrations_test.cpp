#include <catch2/catch.hpp>

#include <unistd.h>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <fstream>

#include <ignition/db/connection.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/migrations.hpp>
#include <ignition/migrations/embedded.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
namespace asio = boost::asio;
using testing::run;
using Schema = testing::TestDatabase::Schema;

namespace {
asio::awaitable<std::unique_ptr<db::Connection>> connect(const std::string& url) {
  co_return co_await db::Connection::connect(co_await asio::this_coro::executor, url, 5s);
}

db::Migration m(int version, std::string name, std::string sql) {
  char file[64];
  std::snprintf(file, sizeof file, "%04d_%s.sql", version, name.c_str());
  return db::Migration::from_source(file, std::move(sql));
}

std::vector<db::Migration> first_two() {
  return {m(1, "a", "CREATE TABLE a (id int PRIMARY KEY);"), m(2, "b", "CREATE TABLE b (id int REFERENCES a);")};
}

}  // namespace

TEST_CASE("up applies pending migrations in order, once, and records them") {
  testing::TestDatabase database("mig", Schema::empty);
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    db::Migrator migrator(first_two());
    auto applied = co_await migrator.up(*c);
    REQUIRE(applied.size() == 2);
    CHECK(applied[0].name == "0001_a");
    auto awaited_46 = co_await migrator.up(*c);
    CHECK(awaited_46.empty());
    co_await migrator.verify(*c);
    auto status = co_await migrator.status(*c);
    REQUIRE(status.size() == 2);
    CHECK(status[1].applied_at.has_value());
  }());
  CHECK(database.scalar("SELECT string_agg(name || ':' || checksum, ',' ORDER BY version) FROM schema_migrations") ==
        "0001_a:" + first_two()[0].checksum + ",0002_b:" + first_two()[1].checksum);
}

TEST_CASE("a failing migration leaves nothing of itself and keeps the ones before it") {
  testing::TestDatabase database("mig", Schema::empty);
  auto list = first_two();
  list.push_back(m(3, "broken", "CREATE TABLE c (id int); SELECT * FROM no_such_table;"));
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    db::Migrator migrator(list);
    CHECK_THROWS_WITH(co_await migrator.up(*c), Catch::Contains("0003_broken failed"));
  }());
  CHECK(database.scalar("SELECT max(version) FROM schema_migrations") == "2");
  CHECK(database.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'c'") == "0");
}

TEST_CASE("an applied migration that was edited is refused, by up and by verify") {
  testing::TestDatabase database("mig", Schema::empty);
  auto edited = first_two();
  edited[0] = m(1, "a", "CREATE TABLE a (id bigint PRIMARY KEY);");
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    db::Migrator original(first_two());
    db::Migrator changed(edited);
    co_await original.up(*c);
    std::string problem;
    try {
      co_await changed.up(*c);
    } catch (const db::SchemaMismatch& e) {
      problem = e.what();
    }
    CHECK_THAT(problem, Catch::Contains("0001_a.sql was changed after it was applied"));
    CHECK_THROWS_AS(co_await changed.verify(*c), db::SchemaMismatch);
    auto status = co_await changed.status(*c);
    CHECK_FALSE(status[0].checksum_ok);
  }());
}

TEST_CASE("verify names a missing migration and one this build does not know") {
  testing::TestDatabase database("mig", Schema::empty);
  auto three = first_two();
  three.push_back(m(3, "c", "CREATE TABLE c (id int);"));
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    db::Migrator two_of_them(first_two());
    db::Migrator all_three(three);
    std::string problem;
    try {
      co_await all_three.verify(*c);
    } catch (const db::SchemaMismatch& e) {
      problem = e.what();
    }
    CHECK_THAT(problem, Catch::Contains("lacks migration 0001_a"));

    co_await two_of_them.up(*c);
    problem.clear();
    try {
      co_await all_three.verify(*c);
    } catch (const db::SchemaMismatch& e) {
      problem = e.what();
    }
    CHECK_THAT(problem, Catch::Contains("lacks migration 0003_c"));

    co_await all_three.up(*c);
    problem.clear();
    try {
      co_await two_of_them.verify(*c);
    } catch (const db::SchemaMismatch& e) {
      problem = e.what();
    }
    CHECK_THAT(problem, Catch::Contains("has migration 0003_c, which this build does not know"));
    CHECK_THROWS_AS(co_await two_of_them.up(*c), db::SchemaMismatch);
  }());
}

TEST_CASE("a migration numbered below the newest applied one is refused, not applied out of order") {
  testing::TestDatabase database("mig", Schema::empty);
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(database.url());
    std::vector<db::Migration> gap{m(1, "a", "SELECT 1;"), m(3, "c", "SELECT 1;")};
    std::vector<db::Migration> filled{m(1, "a", "SELECT 1;"), m(2, "b", "SELECT 1;"), m(3, "c", "SELECT 1;")};
    db::Migrator applied(gap);
    db::Migrator later(filled);
    co_await applied.up(*c);
    CHECK_THROWS_AS(co_await later.up(*c), db::SchemaMismatch);
  }());
}

TEST_CASE("concurrent runners are serialised: each migration is applied exactly once") {
  testing::TestDatabase database("mig", Schema::empty);
  std::size_t total = 0;
  run(
      [&]() -> asio::awaitable<void> {
        auto a = co_await connect(database.url());
        auto b = co_await connect(database.url());
        auto list = first_two();
        list.push_back(m(3, "slow", "SELECT pg_sleep(0.2);"));
        db::Migrator migrator(list);
        auto [x, y] = co_await (migrator.up(*a) && migrator.up(*b));
        total = x.size() + y.size();
      }(),
      2);
  CHECK(total == 3);
  CHECK(database.scalar("SELECT count(*) FROM schema_migrations") == "3");
}

TEST_CASE("migration files are named NNNN_name.sql and loaded in order") {
  CHECK_THROWS_AS(db::Migration::from_source("1-a.sql", ""), std::invalid_argument);
  CHECK_THROWS_AS(db::Migration::from_source("0001_A.sql", ""), std::invalid_argument);
  CHECK_THROWS_AS(db::Migration::from_source("0001_a.txt", ""), std::invalid_argument);
  CHECK_THROWS_AS(db::Migration::from_source("0001_.sql", ""), std::invalid_argument);
  auto ok = db::Migration::from_source("0042_add_things.sql", "SELECT 1;");
  CHECK(ok.version == 42);
  CHECK(ok.name == "0042_add_things");
  CHECK(ok.checksum.size() == 64);

  auto dir = std::filesystem::temp_directory_path() / ("ignition-mig-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "0002_b.sql") << "SELECT 2;";
  std::ofstream(dir / "0001_a.sql") << "SELECT 1;";
  std::ofstream(dir / "README.md") << "not a migration";
  auto loaded = db::load_migrations(dir);
  REQUIRE(loaded.size() == 2);
  CHECK(loaded[0].name == "0001_a");
  std::ofstream(dir / "0002_dup.sql") << "SELECT 3;";
  CHECK_THROWS_AS(db::load_migrations(dir), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the binaries embed exactly the migrations/ directory of the source tree") {
  auto on_disk = db::load_migrations(testing::source_dir() / "migrations");
  auto embedded = migrations::embedded();
  REQUIRE(embedded.size() == on_disk.size());
  REQUIRE_FALSE(embedded.empty());
  for (std::size_t i = 0; i < embedded.size(); ++i) {
    CHECK(embedded[i].name == on_disk[i].name);
    CHECK(embedded[i].checksum == on_disk[i].checksum);
  }
}
