// ignition-migrate: applies and reports the schema migrations compiled into this build, and
// imports the legacy D1 data (docs/import.md).
//   ignition-migrate up       apply pending migrations (each in a transaction)
//   ignition-migrate status   list migrations and whether each is applied
//   ignition-migrate import-d1 --from <d1.sqlite | ndjson dir> [--dry-run] [--report file.json]
//   ignition-migrate verify --from <d1.sqlite | ndjson dir>
//   ignition-migrate rehearse --from <d1.sqlite | ndjson dir> [--sample N]

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <vector>

#include <ignition/common/env.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/log.hpp>
#include <ignition/common/parse.hpp>
#include <ignition/common/version.hpp>
#include <ignition/d1import/import.hpp>
#include <ignition/db/connection.hpp>
#include <ignition/db/migrations.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/migrations/embedded.hpp>

#include "rehearse.hpp"

namespace asio = boost::asio;
using namespace ignition;

namespace {

constexpr const char* usage =
    "usage: ignition-migrate up|status\n"
    "       ignition-migrate import-d1 --from <d1.sqlite | ndjson dir> [--dry-run] [--report file.json]\n"
    "       ignition-migrate verify --from <d1.sqlite | ndjson dir>\n"
    "       ignition-migrate rehearse --from <d1.sqlite | ndjson dir> [--sample N]\n"
    "       ignition-migrate --version | --help\n";

struct D1Args {
  std::string from;
  bool dry_run = false;
  std::optional<std::string> report;
  int sample = 20;
};

// --from is required; --dry-run and --report only for import-d1, --sample for rehearse.
std::optional<D1Args> parse_d1_args(std::string_view command, const std::vector<std::string_view>& args) {
  const bool import = command == "import-d1";
  D1Args out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--from" && i + 1 < args.size()) {
      out.from = args[++i];
    } else if (import && args[i] == "--dry-run") {
      out.dry_run = true;
    } else if (import && args[i] == "--report" && i + 1 < args.size()) {
      out.report = std::string(args[++i]);
    } else if (command == "rehearse" && args[i] == "--sample" && i + 1 < args.size()) {
      const auto n = parse_integer<int>(args[++i]);
      if (!n || *n < 1 || *n > 10000) return std::nullopt;
      out.sample = *n;
    } else {
      return std::nullopt;
    }
  }
  if (out.from.empty()) return std::nullopt;
  return out;
}

int run_d1(std::string_view command, const D1Args& args, const std::string& url) {
  if (command == "rehearse") {
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    return rehearsal::rehearse(url, args.from, self, {.sample = args.sample}, std::cout);
  }
  if (command == "verify") {
    const int mismatches = d1import::verify(url, args.from, std::cout);
    return mismatches == 0 ? 0 : 1;
  }
  d1import::ImportOptions options{.from = args.from, .dry_run = args.dry_run};
  const auto report = d1import::import_d1(url, options);
  if (args.report) {
    std::ofstream file(*args.report);
    file << boost::json::serialize(report.to_json()) << "\n";
    if (!file) throw std::runtime_error("cannot write " + *args.report);
  }
  std::cout << report.summary();
  return 0;
}

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
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (argc == 2 && command == "--help") {
    std::cout << usage;
    return 0;
  }
  if (argc == 2 && command == "--version") {
    std::cout << "ignition-migrate " << version() << " (schema " << migrations::embedded().back().version << ")\n";
    return 0;
  }
  const bool d1 = command == "import-d1" || command == "verify" || command == "rehearse";
  std::optional<D1Args> d1_args;
  if (d1) d1_args = parse_d1_args(command, std::vector<std::string_view>(argv + 2, argv + argc));
  if ((d1 && !d1_args) || (!d1 && (argc != 2 || (command != "up" && command != "status")))) {
    const std::vector<std::string_view> words(argv + 1, argv + argc);
    std::cerr << "ignition-migrate: "
              << (words.empty() ? "no command" : fmt::format("not a command: {}", fmt::join(words, " "))) << "\n"
              << usage;
    return 2;
  }
  try {
    Env env = Env::for_program();
    auto config = db::PoolConfig::from_env(env);
    log::configure(log::Level::warn, log::Format::json, stderr);
    // The D1 commands run on a blocking connection of their own (ADR-022).
    if (d1) return run_d1(command, *d1_args, config.url);
    asio::io_context io;
    auto result = asio::co_spawn(io, run(argv[1], config), asio::use_future);
    io.run();
    return result.get();
  } catch (const std::exception& e) {
    std::cerr << "ignition-migrate: " << e.what() << "\n";
    return 1;
  }
}
