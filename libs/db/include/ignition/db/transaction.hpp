#pragma once
/// RAII transactions: everything between begin() and commit() happens atomically;
/// a Transaction destroyed without commit() is rolled back (the pool does it before
/// the connection is reused).

#include <boost/asio/awaitable.hpp>

#include <ignition/db/pool.hpp>

namespace ignition::db {

enum class Isolation { read_committed, repeatable_read, serializable };

class Transaction {
 public:
  /// Acquires a connection and starts a transaction on it.
  static boost::asio::awaitable<Transaction> begin(Pool& pool, Isolation isolation = Isolation::read_committed);

  Transaction(Transaction&&) noexcept = default;
  Transaction& operator=(Transaction&&) noexcept = default;

  boost::asio::awaitable<Result> execute(const Statement& statement, Params params = {}) {
    return connection_->execute(statement, std::move(params));
  }
  template <typename... Args>
  boost::asio::awaitable<Result> execute(const Statement& statement, const Args&... args) {
    return connection_->execute(statement, Params::of(args...));
  }
  Connection& connection() const noexcept { return *connection_; }

  /// Commits; throws what Postgres reports (e.g. SerializationFailure) — then nothing
  /// was committed.
  boost::asio::awaitable<void> commit();
  /// Rolls back now rather than when the connection returns to the pool.
  boost::asio::awaitable<void> rollback();

 private:
  explicit Transaction(PooledConnection connection) : connection_(std::move(connection)) {}
  PooledConnection connection_;
};

}  // namespace ignition::db
