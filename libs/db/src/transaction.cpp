#include <ignition/db/transaction.hpp>

#include <ignition/db/error.hpp>

namespace asio = boost::asio;

namespace ignition::db {

asio::awaitable<Transaction> Transaction::begin(Pool& pool, Isolation isolation) {
  auto connection = co_await pool.acquire();
  switch (isolation) {
    case Isolation::read_committed: co_await connection->run_script("BEGIN"); break;
    case Isolation::repeatable_read: co_await connection->run_script("BEGIN ISOLATION LEVEL REPEATABLE READ"); break;
    case Isolation::serializable: co_await connection->run_script("BEGIN ISOLATION LEVEL SERIALIZABLE"); break;
  }
  co_return Transaction(std::move(connection));
}

asio::awaitable<void> Transaction::commit() {
  auto result = co_await connection_->query("COMMIT");
  // COMMIT of a transaction that already failed "succeeds" with the tag ROLLBACK.
  if (result.command() == "ROLLBACK") {
    throw Error("25P02", "transaction was rolled back because a statement in it failed");
  }
}

asio::awaitable<void> Transaction::rollback() { co_await connection_->run_script("ROLLBACK"); }

}  // namespace ignition::db
