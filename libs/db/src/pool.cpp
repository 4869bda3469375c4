#include <ignition/db/pool.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <mutex>

#include <ignition/common/env.hpp>
#include <ignition/db/error.hpp>

namespace asio = boost::asio;

namespace ignition::db {

PoolConfig PoolConfig::from_env(const Env& env) {
  PoolConfig c;
  c.url = env.required("DATABASE_URL");
  c.size = static_cast<std::size_t>(env.integer("DB_POOL_SIZE", 16, 1, 1000));
  c.acquire_timeout = env.duration("DB_ACQUIRE_TIMEOUT", std::chrono::seconds(5));
  c.connect_timeout = env.duration("DB_CONNECT_TIMEOUT", std::chrono::seconds(5));
  return c;
}

// A coroutine queued for a connection. Its timer is the deadline and the wake-up
// call: whoever hands it a connection (or a free slot) cancels the timer. Every
// access to the timer happens under the pool mutex, including the start of the wait.
struct Pool::Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  std::unique_ptr<Connection> connection;  // handed over by release()
  bool may_open = false;                   // a slot freed up: open a new connection
  bool woken = false;
};

struct Pool::State {
  mutable std::mutex mutex;
  std::deque<std::unique_ptr<Connection>> idle;
  std::deque<std::shared_ptr<Pool::Waiter>> waiters;
  std::size_t open = 0;  // connections open or being opened
  std::size_t in_use = 0;
  bool closed = false;
  std::uint64_t acquire_timeouts = 0;
  std::uint64_t opened = 0;
  std::uint64_t dropped = 0;

  // With the mutex held: gives a free slot to the first waiter, who opens a
  // connection. Returns false when nobody waits.
  bool offer_slot() {
    if (waiters.empty()) return false;
    auto w = std::move(waiters.front());
    waiters.pop_front();
    ++open;
    w->may_open = true;
    w->woken = true;
    w->timer.cancel();
    return true;
  }
};

Pool::Pool(asio::any_io_executor executor, PoolConfig config)
    : executor_(std::move(executor)), config_(std::move(config)), state_(std::make_shared<State>()),
      timings_(std::make_shared<Timings>()) {}

Pool::~Pool() { close(); }

// What a coroutine gets when it asks for a connection: one from the idle list, a free
// slot to open one in (both out-params empty), or a place in the queue.
void Pool::claim(std::unique_ptr<Connection>& connection, std::shared_ptr<Waiter>& waiter) {
  std::vector<std::unique_ptr<Connection>> dead;  // closed after the lock is released
  std::lock_guard lock(state_->mutex);
  if (state_->closed) throw Unavailable("database pool is closed");
  while (!state_->idle.empty()) {
    auto c = std::move(state_->idle.back());  // most recently used: warm caches
    state_->idle.pop_back();
    if (c->check_alive()) {
      ++state_->in_use;
      connection = std::move(c);
      return;
    }
    --state_->open;
    ++state_->dropped;
    dead.push_back(std::move(c));
  }
  if (state_->open < config_.size) {
    ++state_->open;  // the caller opens a connection in this slot
  } else {
    waiter = std::make_shared<Waiter>(executor_);
    waiter->timer.expires_after(config_.acquire_timeout);
    state_->waiters.push_back(waiter);
  }
}

// After the waiter woke: the handed-over connection, or nullptr when it got a slot to
// open one in. Throws when it timed out or was cancelled.
std::unique_ptr<Connection> Pool::collect(const std::shared_ptr<Waiter>& waiter, boost::system::error_code ec) {
  std::lock_guard lock(state_->mutex);
  if (waiter->connection) return std::move(waiter->connection);
  if (waiter->may_open) return nullptr;
  std::erase(state_->waiters, waiter);
  if (ec == asio::error::operation_aborted && std::chrono::steady_clock::now() < waiter->timer.expiry()) {
    throw boost::system::system_error(ec);  // the caller was cancelled
  }
  ++state_->acquire_timeouts;
  throw PoolTimeout("no database connection became free in time");
}

asio::awaitable<PooledConnection> Pool::acquire() {
  // Timed however it ends: the acquires that time out are the ones a saturated pool makes.
  const auto start = std::chrono::steady_clock::now();
  const auto record = [&] { timings_->acquire(seconds_since(start)); };
  std::unique_ptr<Connection> connection;
  try {
    std::shared_ptr<Waiter> waiter;
    claim(connection, waiter);
    if (waiter) {
      auto ec = co_await wait_in_queue(waiter);
      connection = collect(waiter, ec);
    }
    if (!connection) {
      connection = co_await open_in_slot();
    }
  } catch (...) {
    record();
    throw;
  }
  record();
  co_return PooledConnection(this, state_, std::move(connection));
}

asio::awaitable<boost::system::error_code> Pool::wait_in_queue(std::shared_ptr<Waiter> waiter) {
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  // Started under the mutex, so a wake-up cannot slip in before the wait. (Named,
  // not a temporary in the co_await expression: see docs/style.md on GCC 12.)
  auto start_wait = [this, &waiter](auto handler) {
    std::lock_guard lock(state_->mutex);
    waiter->timer.async_wait(std::move(handler));
    if (waiter->woken) waiter->timer.cancel();
  };
  co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(start_wait, token);
  co_return ec;
}

// Opens a connection in a slot already counted in `open`.
asio::awaitable<std::unique_ptr<Connection>> Pool::open_in_slot() {
  std::exception_ptr failure;
  try {
    auto c = co_await Connection::connect(executor_, config_.url, config_.connect_timeout);
    c->time_into(timings_);
    std::lock_guard lock(state_->mutex);
    ++state_->in_use;
    ++state_->opened;
    co_return c;
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard lock(state_->mutex);
    --state_->open;
    // Let the next waiter try too, so that when the server is down every request
    // fails fast instead of waiting out the acquire deadline.
    state_->offer_slot();
  }
  std::rethrow_exception(failure);
}

void Pool::release(std::unique_ptr<Connection> connection) noexcept {
  if (connection && !connection->broken() && connection->in_transaction()) {
    // Rollback needs a round trip; the connection stays checked out until done.
    asio::co_spawn(
        executor_,
        [this, pool_alive = std::weak_ptr<const void>(state_),
         c = std::move(connection)]() mutable -> asio::awaitable<void> {
          try {
            co_await c->run_script("ROLLBACK");
          } catch (...) {
            // A failed rollback leaves the connection broken; release() drops it.
          }
          if (!pool_alive.expired()) release(std::move(c));
        },
        asio::detached);
    return;
  }
  std::unique_ptr<Connection> drop;
  std::lock_guard lock(state_->mutex);
  --state_->in_use;
  if (!connection || connection->broken() || state_->closed) {
    --state_->open;
    ++state_->dropped;
    drop = std::move(connection);
    state_->offer_slot();
    return;
  }
  if (!state_->waiters.empty()) {
    auto w = std::move(state_->waiters.front());
    state_->waiters.pop_front();
    ++state_->in_use;
    w->connection = std::move(connection);
    w->woken = true;
    w->timer.cancel();
    return;
  }
  state_->idle.push_back(std::move(connection));
}

asio::awaitable<Result> Pool::execute(const Statement& statement, Params params) {
  auto connection = co_await acquire();
  auto result = co_await connection->execute(statement, std::move(params));
  co_return result;
}

PoolStats Pool::stats() const {
  std::lock_guard lock(state_->mutex);
  return PoolStats{state_->open, state_->idle.size(),      state_->in_use, state_->waiters.size(),
                   config_.size, state_->acquire_timeouts, state_->opened, state_->dropped};
}

void Pool::close() {
  std::deque<std::unique_ptr<Connection>> idle;
  std::lock_guard lock(state_->mutex);
  state_->closed = true;
  state_->open -= state_->idle.size();
  idle.swap(state_->idle);
  for (auto& w : state_->waiters) {
    w->woken = true;
    w->timer.cancel();
  }
  state_->waiters.clear();
}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), pool_alive_(std::move(other.pool_alive_)),
      connection_(std::move(other.connection_)) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    pool_alive_ = std::move(other.pool_alive_);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

PooledConnection::~PooledConnection() { release(); }

void PooledConnection::release() noexcept {
  if (pool_ && connection_ && !pool_alive_.expired()) pool_->release(std::move(connection_));
  connection_.reset();
  pool_ = nullptr;
}

}  // namespace ignition::db
