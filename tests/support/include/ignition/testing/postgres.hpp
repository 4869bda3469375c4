#pragma once
// Test databases in the run's private cluster (started by the ctest fixture), and
// private clusters for tests that stop and restart Postgres.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <string>

struct pg_conn;  // libpq's PGconn

namespace ignition::testing {

/// Runs a coroutine to completion on a fresh io_context (test code only).
template <typename T>
T run(boost::asio::awaitable<T> task, int threads = 1);

/// A database cloned from the migrated template; dropped when destroyed.
class TestDatabase {
 public:
  enum class Schema { migrated, empty };
  explicit TestDatabase(std::string_view hint = "t", Schema schema = Schema::migrated);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const noexcept { return url_; }
  /// Runs SQL synchronously (setup/inspection in tests); returns the first value or "".
  std::string scalar(const std::string& sql) const;

 private:
  std::string name_;
  std::string url_;
};

/// A connection of its own, kept open: for a test that holds a transaction (a lock) across steps.
class SqlSession {
 public:
  explicit SqlSession(const std::string& conninfo);
  ~SqlSession();
  SqlSession(const SqlSession&) = delete;
  SqlSession& operator=(const SqlSession&) = delete;
  /// Runs SQL on this connection; returns the first value or "".
  std::string scalar(const std::string& sql);

 private:
  ::pg_conn* conn_;
};

/// A private cluster of its own (for stopping/restarting Postgres under a server).
class PgCluster {
 public:
  explicit PgCluster(std::string_view name);
  ~PgCluster();
  void start();
  void stop();
  /// Conninfo of a database in this cluster (created from template1 on first use).
  std::string create_database(const std::string& name);

 private:
  std::filesystem::path dir_;
};

/// Where the build tree and the sources are (from the ctest environment).
std::filesystem::path binary_dir();
std::filesystem::path source_dir();
/// The run's cluster: its admin conninfo.
std::string admin_conninfo();
/// Runs a shell command; throws with its output when it fails.
void shell(const std::string& command);

template <typename T>
T run(boost::asio::awaitable<T> task, int threads) {
  boost::asio::io_context io(threads);
  auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) extra.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : extra) t.join();
  return future.get();
}

}  // namespace ignition::testing
