#pragma once
/// One Postgres connection on libpq in non-blocking mode, driven by Asio: every wait
/// is a `co_await` on the socket's readiness, so no thread ever blocks on the server.
/// A Connection is used by one coroutine at a time (the pool guarantees it).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <ignition/db/params.hpp>
#include <ignition/db/result.hpp>

namespace ignition::db {

class Timings;

/// A named SQL statement with `$n` parameters, prepared once per connection on first
/// use. Define them as constants next to the code that owns the SQL.
struct Statement {
  std::string_view name;
  std::string_view sql;
};

/// Notification received on a LISTEN channel.
struct Notification {
  std::string channel;
  std::string payload;
};

class Connection {
 public:
  /// Connects without blocking (PQconnectStart/PQconnectPoll). Sessions run in UTC
  /// with ISO dates. Throws Unavailable when the server cannot be reached in `timeout`.
  static boost::asio::awaitable<std::unique_ptr<Connection>> connect(boost::asio::any_io_executor executor,
                                                                     std::string url,
                                                                     std::chrono::milliseconds timeout);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs a named statement (prepared on first use on this connection).
  /// Throws db::Error subclasses for server errors and Unavailable when the
  /// connection breaks; a cancelled or failed wait leaves the connection broken.
  boost::asio::awaitable<Result> execute(const Statement& statement, Params params = {});
  template <typename... Args>
  boost::asio::awaitable<Result> execute(const Statement& statement, const Args&... args) {
    return execute(statement, Params::of(args...));
  }
  /// Runs one SQL text with parameters, unprepared (tooling and tests).
  boost::asio::awaitable<Result> query(std::string_view sql, Params params = {});
  /// Runs SQL text of several statements without parameters (migrations, LISTEN).
  boost::asio::awaitable<void> run_script(std::string_view sql);

  /// Waits until at least one notification arrives (after LISTEN) and returns all
  /// that are buffered, or none once `quiet` has passed without any. Throws Unavailable if
  /// the connection breaks.
  boost::asio::awaitable<std::vector<Notification>> wait_notifications(std::chrono::milliseconds quiet);

  /// Non-blocking check used when a connection leaves the idle list: false when the
  /// server has closed it (e.g. it restarted) or it broke earlier.
  bool check_alive();
  bool broken() const noexcept;
  /// True inside a transaction block (including a failed one).
  bool in_transaction() const noexcept;
  /// From now on, each execute() is timed into `timings` (the pool's).
  void time_into(std::shared_ptr<Timings> timings) noexcept;

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ignition::db
