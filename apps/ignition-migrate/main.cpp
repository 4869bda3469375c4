// ignition-migrate: applies and reports the schema migrations compiled into this build.
//   ignition-migrate up       apply pending migrations (each in a transaction)
//   ignition-migrate status   list migrations and whether each is applied

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>
#include <iostream>

#include <ignition/common/env.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/log.hpp>
#include <ignition/db/connection.hpp>
#include <ignition/db/migrations.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/migrations/embedded.hpp>

namespace asio = boost::asio;
using namespace ignition;

namespace {

constexpr const char* usage = "usage: ignition-migrate up|status\n";

asio::awaitable<int> run(std::string command, db::PoolConfig config) {
  auto executor = co_await asio::this_coro::executor;
  auto connection = co_await db::Connection::connect(executor, config.url, config.connect_timeout);
  db::Migrator migrator(migrations::embedded());
  if (command == "up") {
    auto applied = co_await migrator.up(*connection);
    for (const auto& m : applied) fmt::print("applied {}\n", m.name);
    fmt::print("schema is at version {} ({} applied now)\n", migrator.latest_version(), applied.size());
    co_return 0;
  }
  int problems = 0;
  for (const auto& s : co_await migrator.status(*connection)) {
    std::string state = !s.known         ? "UNKNOWN to this build"
                        : !s.applied_at  ? "pending"
                        : !s.checksum_ok ? "CHANGED after it was applied"
                                         : "applied " + format_rfc3339(*s.applied_at);
    if (!s.known || !s.checksum_ok) ++problems;
    fmt::print("{:<40} {}\n", s.name, state);
  }
  co_return problems == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || (std::string_view(argv[1]) != "up" && std::string_view(argv[1]) != "status")) {
    std::cerr << usage;
    return 2;
  }
  try {
    const char* app_env = std::getenv("APP_ENV");
    bool production = app_env && std::string_view(app_env) == "production";
    Env env = Env::from_process(production ? std::nullopt : std::optional<std::filesystem::path>(".env"));
    auto config = db::PoolConfig::from_env(env);
    log::configure(log::Level::warn, log::Format::json);
    asio::io_context io;
    auto result = asio::co_spawn(io, run(argv[1], config), asio::use_future);
    io.run();
    return result.get();
  } catch (const std::exception& e) {
    std::cerr << "ignition-migrate: " << e.what() << "\n";
    return 1;
  }
}
