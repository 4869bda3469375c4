#pragma once
/// A bounded pool of connections with a fair wait queue and an acquire deadline.
/// Broken connections are dropped and replaced on demand, so the pool recovers by
/// itself after the server restarts. A connection returned inside a transaction is
/// rolled back before anyone else gets it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <ignition/db/connection.hpp>
#include <ignition/db/timings.hpp>

namespace ignition {
class Env;
}

namespace ignition::db {

struct PoolConfig {
  std::string url;  ///< libpq URL or key=value conninfo
  std::size_t size = 16;
  std::chrono::milliseconds acquire_timeout{5000};
  std::chrono::milliseconds connect_timeout{5000};

  /// DATABASE_URL (required), DB_POOL_SIZE, DB_ACQUIRE_TIMEOUT, DB_CONNECT_TIMEOUT.
  static PoolConfig from_env(const Env& env);
};

struct PoolStats {
  std::size_t size;  ///< connections open or opening
  std::size_t idle;
  std::size_t in_use;
  std::size_t waiting;  ///< coroutines queued for a connection
  std::size_t max_size;
  std::uint64_t acquire_timeouts;
  std::uint64_t connections_opened;
  std::uint64_t connections_dropped;
};

class Pool;

/// A checked-out connection; returns itself to the pool when destroyed.
class PooledConnection {
 public:
  PooledConnection() = default;
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  ~PooledConnection();

  Connection* operator->() const noexcept { return connection_.get(); }
  Connection& operator*() const noexcept { return *connection_; }

 private:
  friend class Pool;
  PooledConnection(Pool* pool, std::weak_ptr<const void> pool_alive, std::unique_ptr<Connection> connection)
      : pool_(pool), pool_alive_(std::move(pool_alive)), connection_(std::move(connection)) {}
  void release() noexcept;

  Pool* pool_ = nullptr;
  // A coroutine frame destroyed late (e.g. by the io_context's destructor after the
  // pool) must not return its connection to a pool that no longer exists.
  std::weak_ptr<const void> pool_alive_;
  std::unique_ptr<Connection> connection_;
};

/// The pool must outlive the connections it hands out (they return to it).
class Pool {
 public:
  Pool(boost::asio::any_io_executor executor, PoolConfig config);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// Waits (fairly, first come first served) until a connection is free, up to the
  /// acquire deadline. Throws PoolTimeout, or Unavailable when a new connection fails.
  boost::asio::awaitable<PooledConnection> acquire();

  /// Acquire, run one statement, release.
  boost::asio::awaitable<Result> execute(const Statement& statement, Params params = {});
  template <typename... Args>
  boost::asio::awaitable<Result> execute(const Statement& statement, const Args&... args) {
    return execute(statement, Params::of(args...));
  }

  PoolStats stats() const;
  /// How long statements and acquires take (db/timings.hpp).
  const Timings& timings() const noexcept { return *timings_; }
  const PoolConfig& config() const noexcept { return config_; }
  /// Closes idle connections and refuses new acquires (shutdown).
  void close();

 private:
  friend class PooledConnection;
  struct State;
  struct Waiter;
  void claim(std::unique_ptr<Connection>& connection, std::shared_ptr<Waiter>& waiter);
  std::unique_ptr<Connection> collect(const std::shared_ptr<Waiter>& waiter, boost::system::error_code ec);
  boost::asio::awaitable<boost::system::error_code> wait_in_queue(std::shared_ptr<Waiter> waiter);
  boost::asio::awaitable<std::unique_ptr<Connection>> open_in_slot();
  void release(std::unique_ptr<Connection> connection) noexcept;

  boost::asio::any_io_executor executor_;
  PoolConfig config_;
  std::shared_ptr<State> state_;      // shared so a late rollback can tell the pool is gone
  std::shared_ptr<Timings> timings_;  // shared with the connections it opens
};

}  // namespace ignition::db
