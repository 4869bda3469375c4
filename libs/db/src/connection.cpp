#include <ignition/db/connection.hpp>

#include <libpq-fe.h>

#include <sys/socket.h>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <string>
#include <unordered_map>
#include <variant>

#include <ignition/db/error.hpp>
#include <ignition/db/timings.hpp>

#include "pg_error.hpp"

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace ignition::db {

namespace {
using Wait = asio::posix::descriptor_base::wait_type;

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using OwnedResult = std::unique_ptr<PGresult, ResultDeleter>;

// Server notices (e.g. "relation already exists, skipping") are not errors; libpq
// would print them to stderr, which is not our log format.
void ignore_notice(void*, const PGresult*) {}
}  // namespace

struct Connection::Impl {
  Impl(asio::any_io_executor ex, PGconn* c) : socket(ex), conn(c) {}
  ~Impl() {
    // libpq owns the fd: detach it from Asio before PQfinish closes it.
    if (socket.is_open()) socket.release();
    PQfinish(conn);
  }

  // (Re)binds the Asio descriptor to libpq's current socket. During connection
  // set-up libpq may close its socket and open another with the same number, so
  // the binding is renewed rather than trusted.
  void bind_socket() {
    if (socket.is_open()) socket.release();
    int fd = PQsocket(conn);
    if (fd < 0) throw Unavailable("database connection has no socket");
    socket.assign(fd);
  }

  [[noreturn]] void fail(const std::string& what) {
    broken = true;
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw Unavailable(what + (message.empty() ? "" : ": " + message));
  }

  // Any failure while waiting (cancelled, socket error) leaves the protocol state
  // unknown, so the connection is marked broken and the pool drops it. Server errors
  // (a failed statement) arrive as results instead and leave it usable.
  asio::awaitable<void> wait(Wait type) {
    try {
      co_await socket.async_wait(type, asio::use_awaitable);
    } catch (...) {
      broken = true;
      throw;
    }
  }

  void check_usable() const {
    if (broken) throw Unavailable("database connection is broken");
  }

  // Sends what libpq has buffered. While the server is not reading we must keep
  // reading ourselves, or both sides could wait on full buffers.
  asio::awaitable<void> flush() {
    for (;;) {
      int r = PQflush(conn);
      if (r == 0) co_return;
      if (r < 0) fail("sending to the database failed");
      // Whichever readiness comes first wins; the other wait is cancelled, which must
      // not count as a failure, so the raw socket waits are used here.
      std::variant<std::monostate, std::monostate> ready;
      try {
        ready = co_await (socket.async_wait(Wait::wait_read, asio::use_awaitable) ||
                          socket.async_wait(Wait::wait_write, asio::use_awaitable));
      } catch (...) {
        broken = true;
        throw;
      }
      if (ready.index() == 0 && !PQconsumeInput(conn)) fail("reading from the database failed");
    }
  }

  // Collects every result of the command in flight. Returns the last successful one;
  // throws for the first error once the command is fully drained, so the connection
  // stays usable.
  asio::awaitable<OwnedResult> read_results() {
    OwnedResult last;
    OwnedResult error;
    for (;;) {
      while (PQisBusy(conn)) {
        co_await wait(Wait::wait_read);
        if (!PQconsumeInput(conn)) fail("reading from the database failed");
      }
      OwnedResult r(PQgetResult(conn));
      if (!r) break;
      switch (PQresultStatus(r.get())) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY: last = std::move(r); break;
        default:
          if (!error) error = std::move(r);
      }
    }
    if (PQstatus(conn) == CONNECTION_BAD) broken = true;
    if (error) detail::throw_result_error(error.get());
    if (!last) fail("the database returned no result");
    co_return last;
  }

  asio::awaitable<Result> execute_prepared(const Statement& statement, const Params& params);
  asio::awaitable<Result> execute_text(std::string_view sql, std::optional<Params> params);
  asio::awaitable<std::vector<Notification>> receive_notifications(std::chrono::milliseconds quiet);

  asio::posix::stream_descriptor socket;
  PGconn* conn;
  bool broken = false;
  // Statement name → SQL text, for statements prepared on this connection.
  std::unordered_map<std::string_view, std::string_view> prepared;
  std::shared_ptr<Timings> timings;  // the pool's, when it times statements
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

asio::awaitable<std::unique_ptr<Connection>> Connection::connect(asio::any_io_executor executor, std::string url,
                                                                 std::chrono::milliseconds timeout) {
  // Our settings come after the URL, so they win: results are parsed as UTC ISO text.
  const char* keys[] = {"dbname", "options", "client_encoding", "fallback_application_name", nullptr};
  const char* values[] = {url.c_str(), "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601", "UTF8",
                          "ignition", nullptr};
  PGconn* raw = PQconnectStartParams(keys, values, 1);
  if (!raw) throw std::bad_alloc();
  auto impl = std::make_unique<Impl>(executor, raw);
  if (PQstatus(raw) == CONNECTION_BAD) impl->fail("cannot connect to the database");
  PQsetNoticeReceiver(raw, ignore_notice, nullptr);

  // The handshake reports failure as a value: `||` waits for the first *success*,
  // and a refused connection must fail now, not when the timer fires.
  auto handshake = [](Impl& c) -> asio::awaitable<std::exception_ptr> {
    try {
      PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
      while (poll != PGRES_POLLING_OK) {
        if (poll == PGRES_POLLING_FAILED) c.fail("cannot connect to the database");
        c.bind_socket();
        co_await c.wait(poll == PGRES_POLLING_READING ? Wait::wait_read : Wait::wait_write);
        poll = PQconnectPoll(c.conn);
      }
    } catch (...) {
      co_return std::current_exception();
    }
    co_return nullptr;
  };
  asio::steady_timer timer(executor, timeout);
  auto outcome = co_await (handshake(*impl) || timer.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) throw Unavailable("connecting to the database timed out");
  if (auto failure = std::get<0>(outcome)) std::rethrow_exception(failure);
  impl->bind_socket();
  if (PQsetnonblocking(raw, 1) != 0) impl->fail("cannot switch the connection to non-blocking mode");
  co_return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

// Note on style: every co_await here stands alone in a statement. GCC 12 mishandles
// temporaries with destructors inside larger co_await expressions.
asio::awaitable<Result> Connection::execute(const Statement& statement, Params params) {
  impl_->check_usable();
  // Failed statements are timed too: a timeout is often the slowest answer of all.
  const auto start = std::chrono::steady_clock::now();
  const auto record = [&] {
    if (impl_->timings) {
      impl_->timings->statement(statement.name, seconds_since(start));
    }
  };
  try {
    auto result = co_await impl_->execute_prepared(statement, params);
    record();
    co_return result;
  } catch (...) {
    record();
    throw;
  }
}

void Connection::time_into(std::shared_ptr<Timings> timings) noexcept { impl_->timings = std::move(timings); }

asio::awaitable<Result> Connection::query(std::string_view sql, Params params) {
  impl_->check_usable();
  std::optional<Params> bound(std::move(params));
  auto result = co_await impl_->execute_text(sql, std::move(bound));
  co_return result;
}

asio::awaitable<void> Connection::run_script(std::string_view sql) {
  impl_->check_usable();
  co_await impl_->execute_text(sql, std::nullopt);
}

asio::awaitable<Result> Connection::Impl::execute_prepared(const Statement& statement, const Params& params) {
  Impl& c = *this;
  std::string name(statement.name);  // libpq wants NUL-terminated strings
  auto it = c.prepared.find(statement.name);
  if (it == c.prepared.end()) {
    std::string sql(statement.sql);
    if (!PQsendPrepare(c.conn, name.c_str(), sql.c_str(), 0, nullptr)) c.fail("sending to the database failed");
    co_await c.flush();
    co_await c.read_results();
    c.prepared.emplace(statement.name, statement.sql);
  } else if (it->second.data() != statement.sql.data() && it->second != statement.sql) {
    throw std::logic_error("two statements share the name " + std::string(statement.name));
  }
  if (!PQsendQueryPrepared(c.conn, name.c_str(), params.size(), params.values(), params.lengths(), params.formats(),
                           0)) {
    c.fail("sending to the database failed");
  }
  co_await c.flush();
  auto raw = co_await c.read_results();
  co_return Result(raw.release());
}

asio::awaitable<Result> Connection::Impl::execute_text(std::string_view sql, std::optional<Params> params) {
  Impl& c = *this;
  std::string text(sql);
  // Without parameters the simple protocol allows several statements (scripts).
  int sent = params ? PQsendQueryParams(c.conn, text.c_str(), params->size(), nullptr, params->values(),
                                        params->lengths(), params->formats(), 0)
                    : PQsendQuery(c.conn, text.c_str());
  if (!sent) c.fail("sending to the database failed");
  co_await c.flush();
  auto raw = co_await c.read_results();
  co_return Result(raw.release());
}

asio::awaitable<std::vector<Notification>> Connection::wait_notifications(std::chrono::milliseconds quiet) {
  impl_->check_usable();
  auto received = co_await impl_->receive_notifications(quiet);
  co_return received;
}

asio::awaitable<std::vector<Notification>> Connection::Impl::receive_notifications(std::chrono::milliseconds quiet) {
  Impl& c = *this;
  std::vector<Notification> out;
  asio::steady_timer timer(c.socket.get_executor(), quiet);
  for (;;) {
    while (PGnotify* n = PQnotifies(c.conn)) {
      out.push_back({n->relname, n->extra});
      PQfreemem(n);
    }
    if (!out.empty()) co_return out;
    // The raw waits, as in flush(): the one that loses is cancelled, which is no failure.
    std::variant<std::monostate, std::monostate> ready;
    try {
      ready =
          co_await (c.socket.async_wait(Wait::wait_read, asio::use_awaitable) || timer.async_wait(asio::use_awaitable));
    } catch (...) {
      c.broken = true;
      throw;
    }
    if (ready.index() == 1) co_return out;  // quiet: none
    if (!PQconsumeInput(c.conn)) c.fail("reading from the database failed");
  }
}

bool Connection::check_alive() {
  Impl& c = *impl_;
  if (c.broken) return false;
  // Nothing waiting on the socket (the usual case) means nothing happened while idle:
  // one non-blocking peek answers that.
  char byte = 0;
  if (::recv(PQsocket(c.conn), &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return true;
  // Otherwise read whatever arrived. After a server restart or a terminated backend
  // that is a FATAL notice, then EOF; libpq sees the EOF only on the read after the one
  // that returned the notice, hence two reads.
  for (int i = 0; i < 2 && !c.broken; ++i) {
    if (!PQconsumeInput(c.conn) || PQstatus(c.conn) != CONNECTION_OK) c.broken = true;
  }
  return !c.broken;
}

bool Connection::broken() const noexcept { return impl_->broken || PQstatus(impl_->conn) != CONNECTION_OK; }

bool Connection::in_transaction() const noexcept { return PQtransactionStatus(impl_->conn) != PQTRANS_IDLE; }

}  // namespace ignition::db
