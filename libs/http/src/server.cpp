#include <ignition/http/server.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <charconv>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <ignition/common/crypto.hpp>
#include <ignition/common/env.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/log.hpp>
#include <ignition/common/time.hpp>
#include <ignition/http/response.hpp>

namespace asio = boost::asio;
using namespace std::string_view_literals;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::any_io_executor>;

namespace ignition::http {

ServerConfig ServerConfig::from_env(const Env& env, bool production) {
  ServerConfig c;
  c.bind = env.string("BIND", production ? "0.0.0.0" : "127.0.0.1");
  c.port = static_cast<std::uint16_t>(env.integer("PORT", 8080, 0, 65535));
  auto cores = static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  c.threads = static_cast<std::size_t>(env.integer("THREADS", cores, 1, 256));
  c.max_body_bytes = static_cast<std::size_t>(env.integer("HTTP_MAX_BODY", 1024 * 1024, 1024, 1LL << 30));
  c.idle_timeout = env.duration("HTTP_IDLE_TIMEOUT", c.idle_timeout);
  c.read_timeout = env.duration("HTTP_READ_TIMEOUT", c.read_timeout);
  c.request_timeout = env.duration("HTTP_REQUEST_TIMEOUT", c.request_timeout);
  c.shutdown_timeout = env.duration("HTTP_SHUTDOWN_TIMEOUT", c.shutdown_timeout);
  c.min_transfer_rate = static_cast<std::size_t>(env.integer("HTTP_MIN_RATE", 1024, 0, 1LL << 30));
  c.max_connections = static_cast<std::size_t>(env.integer("HTTP_MAX_CONNECTIONS", 10'000, 1, 1'000'000));
  c.max_connections_per_client =
      static_cast<std::size_t>(env.integer("HTTP_MAX_CONNECTIONS_PER_CLIENT", 256, 0, 1'000'000));
  return c;
}

namespace {

enum class Phase { idle, reading, handling, writing };
using RequestParser = beast_http::request_parser<beast_http::string_body>;

// The first read of an idle connection takes up to this much; a request head is usually
// all in it.
constexpr std::size_t idle_read_size = 4096;
// Requests a connection serves in a row, never passing through the scheduler, before it
// lets the others take their turn.
constexpr std::uint32_t fair_share = 16;
// How soon an expired phase's cancellation is repeated while the connection has not moved on.
constexpr auto cancel_retry = std::chrono::milliseconds(50);

asio::ip::address peer_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? asio::ip::address() : endpoint.address();
}

// ServerConfig::default_headers as head text, written with every response.
Fields fields_of(const std::vector<std::pair<std::string, std::string>>& headers) {
  Fields fields;
  for (const auto& [name, value] : headers) fields.insert(name, value);
  return fields;
}

// Appends the fields of `more` that the response did not set itself: all of them in one go
// when their names show it set none (nearly always), else field by field.
void append_unset(std::string& head, const Response& response, const Fields& more) {
  if (!response.may_share_names(more)) {
    head += more.field_text();
    return;
  }
  for (const auto& field : more) {
    if (response.find(field.name) == response.end())
      head.append(field.name).append(": "sv).append(field.value).append("\r\n"sv);
  }
}

// Feeds the parser what the buffer holds. True when that settles it: the header (or the whole
// message) is in, or `ec` tells why it never will be; false when more bytes are needed.
bool parse_buffered(RequestParser& parser, boost::beast::flat_buffer& buffer, bool header_only,
                    boost::system::error_code& ec) {
  for (;;) {
    if (header_only ? parser.is_header_done() : parser.is_done()) return true;
    if (buffer.size() == 0) return false;
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == beast_http::error::need_more) {
      ec = {};
      return false;
    }
    if (ec) return true;
    // Bytes were taken: the header may have ended inside the buffer, so what follows it is
    // parsed before reading more. None taken: the parser waits for more.
    if (used == 0) return false;
  }
}

// The address a connection counts against for the per-client cap: an IPv4 client (also one
// mapped into IPv6) by its address, an IPv6 client by its /64, which one subscriber usually has.
asio::ip::address client_key(const asio::ip::address& peer) {
  if (peer.is_v4()) return peer;
  auto v6 = peer.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6);
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return asio::ip::address_v6(bytes);
}

// The answer to a connection past a cap, written without waiting (it fits any send buffer).
constexpr std::string_view over_capacity =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
    "Retry-After: 1\r\nConnection: close\r\nContent-Length: 66\r\n\r\n"
    R"({"error":"too many connections","code":"unavailable","request_id":""})";

// How far a streamed body has come: it must keep up an average rate (ServerConfig::min_transfer_rate).
struct Transfer {
  std::chrono::steady_clock::time_point start = coarse_steady_now();
  std::uint64_t bytes = 0;
};

// Why a request gets an error answer instead of reaching its route.
struct Rejection {
  ErrorCode code;
  std::string_view message;
};

// Why a request that could not be read whole is answered with an error: the watchdog's deadline,
// or what the parser said.
Rejection rejection_of(const boost::system::error_code& ec, bool expired) {
  if (expired) return {ErrorCode::request_timeout, "request was not received in time"};
  if (ec == beast_http::error::header_limit) return {ErrorCode::header_too_large, "request header is too large"};
  if (ec == beast_http::error::body_limit) return {ErrorCode::payload_too_large, "request body is too large"};
  return {ErrorCode::bad_request, "malformed request"};
}

// Points the request's path and query (views, undecoded) into `target`.
void locate(Request& request, std::string_view target) {
  const auto q = target.find('?');
  request.path = target.substr(0, q);
  request.query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

// One request as read: the request, its route, and how the connection goes on after it.
struct Incoming {
  Request request;
  Router::Match match;
  std::optional<Rejection> rejection;  // answered, then the connection closes
  bool streaming = false;              // the handler reads the body (Request::read_body)
};

// One client connection. All its state lives on its strand: the session coroutine,
// the watchdog timer and the shutdown notice, so none of them needs a lock.
//
// run() is the loop: wait for a request, read it, answer it through the pipeline, write the
// answer, again. A watchdog gives each phase its deadline.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const ServerConfig& config, const Fields& defaults, const Router& router,
             const Pipeline& pipeline, const AccessLog& access_log)
      : socket_(std::move(socket)), watchdog_(socket_.get_executor()), peer_(peer_of(socket_)), config_(config),
        defaults_(defaults), router_(router), pipeline_(pipeline), access_log_(access_log) {}

  asio::awaitable<void> run();

  // Called on the strand: close if idle between requests, else after the current one.
  void stop() {
    stopping_ = true;
    // The connection may have closed itself already (the client left): nothing to cancel.
    boost::system::error_code ignored;
    if (phase_ == Phase::idle) socket_.cancel(ignored);
  }

  asio::cancellation_signal& cancel_signal() { return cancel_; }
  tcp::socket& socket() { return socket_; }
  const asio::ip::address& peer() const { return peer_; }
  // The client it counts against for the per-client cap, when it counts (set as it is admitted).
  const std::optional<asio::ip::address>& counted_as() const { return counted_as_; }
  void count_as(asio::ip::address client) { counted_as_ = client; }

 private:
  // The steps of run() that nearly always complete at once: plain functions, so that a request
  // costs no coroutine frame of the connection's own. Only what must wait is awaited.
  void start_reading(RequestParser& parser, Request& request);
  void route(RequestParser& parser, Incoming& in);
  bool finish_reading(RequestParser& parser, boost::beast::flat_buffer& buffer, boost::system::error_code ec,
                      Incoming& in);
  asio::awaitable<Response> dispatch(Incoming& in);
  void start_handling();

  // The watchdog: one timer per connection, moved forward by phase. When a phase
  // overruns, reads and writes are cut by cancelling the socket, and a handler by
  // cancelling the coroutine (its database waits end and it answers 503).
  // Deadlines are set by the coarse clock (they are seconds long, and set several times a
  // request); the watchdog checks them by the precise one, which is never behind it.
  void arm(std::chrono::milliseconds budget) { arm_until(coarse_steady_now() + budget); }
  void arm_until(std::chrono::steady_clock::time_point deadline) {
    deadline_ = deadline;
    if (!watching_ || deadline_ < watchdog_.expiry()) watch();
  }
  // A streamed body's next piece: no pause longer than read_timeout, and after a first
  // read_timeout an average of min_transfer_rate. A trickle that never pauses is cut off;
  // a long transfer at a fair rate is not.
  void arm_transfer(const Transfer& transfer) {
    auto deadline = coarse_steady_now() + config_.read_timeout;
    if (config_.min_transfer_rate > 0) {
      const auto earned = std::chrono::milliseconds(transfer.bytes * 1000 / config_.min_transfer_rate);
      deadline = std::min(deadline, transfer.start + config_.read_timeout + earned);
    }
    arm_until(deadline);
  }
  void watch() {
    watching_ = true;
    watchdog_.expires_at(deadline_);
    watchdog_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec == asio::error::operation_aborted) return;  // re-armed or closed
      self->watching_ = false;
      self->on_deadline();
    });
  }
  void on_deadline() {
    if (!socket_.is_open()) return;
    if (std::chrono::steady_clock::now() < deadline_) return watch();
    expired_ = true;
    if (phase_ == Phase::handling) {
      cancel_.emit(asio::cancellation_type::terminal);
      return;
    }
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    // A cancel that lands between two reads of a composed operation (Beast reads a
    // header in many) finds nothing to cancel and is lost; so it is repeated until the
    // connection moves on (arm() sets a new deadline) or closes.
    deadline_ = std::chrono::steady_clock::now() + cancel_retry;
    watch();
  }

  asio::awaitable<boost::system::error_code> read_message(RequestParser& parser, boost::beast::flat_buffer& buffer,
                                                          bool header_only);
  asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> read_some(boost::beast::flat_buffer& buffer,
                                                                                std::size_t size);
  asio::awaitable<std::optional<std::string>> read_body_piece(RequestParser& parser, boost::beast::flat_buffer& buffer,
                                                              bool& send_continue, Transfer& transfer);
  asio::awaitable<Response> reject(Request& request, ErrorCode code, std::string_view message);
  asio::awaitable<Response> not_allowed(Request& request, std::string allow);
  std::optional<std::size_t> write_now(Response& response, const Request& request, bool keep_alive);
  asio::awaitable<bool> write_rest(const Response& response, std::size_t left);
  // The head write_head built and the response's body, as one write sends them: write_now and
  // write_rest must agree on it, write_rest counting back from its end.
  std::array<asio::const_buffer, 2> answer_buffers(const Response& response) const {
    return {asio::buffer(head_), asio::buffer(response.body())};
  }
  void write_head(const Response& response, const Request& request, bool keep_alive,
                  std::optional<std::uint64_t> content_length, bool chunked);
  asio::awaitable<bool> write_streamed(Response& response, const Request& request, bool keep_alive);
  asio::awaitable<void> linger();

  tcp::socket socket_;
  asio::steady_timer watchdog_;
  asio::cancellation_signal cancel_;
  asio::ip::address peer_;  // asked once per connection, not per request
  std::optional<asio::ip::address> counted_as_;
  std::string head_;  // the response head being written, its capacity kept
  const ServerConfig& config_;
  const Fields& defaults_;  // ServerConfig::default_headers
  const Router& router_;
  const Pipeline& pipeline_;
  const AccessLog& access_log_;
  std::chrono::steady_clock::time_point deadline_;
  Phase phase_ = Phase::idle;
  std::uint32_t unwaited_ = 0;  // requests served since the connection last went through the scheduler
  bool watching_ = false;       // the watchdog's wait is pending
  bool expired_ = false;        // the current phase overran its deadline
  bool stopping_ = false;       // the server shuts down: no request after this one
};

asio::awaitable<void> Connection::run() {
  boost::beast::flat_buffer buffer;
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);  // reads and writes try the socket before they wait for it
  while (!stopping_) {
    if (buffer.size() == 0) {
      // Idle: wait for the first bytes of the next request (silently closed on timeout). The
      // completion takes its turn in the scheduler, so the connection gives way to the others.
      phase_ = Phase::idle;
      arm(config_.idle_timeout);
      unwaited_ = 0;
      auto [ec, n] =
          co_await socket_.async_read_some(buffer.prepare(idle_read_size), asio::as_tuple(asio::use_awaitable));
      buffer.commit(n);
      if (ec || stopping_ || expired_) break;
    }

    // Read: nearly always the first read brought the whole request; a coroutine that reads on is
    // started only when it did not. Both live as long as the request: a streaming handler reads
    // the body through the parser, and the request's views point into the message it holds.
    RequestParser parser;
    Incoming in;
    start_reading(parser, in.request);
    boost::system::error_code ec;
    if (!parse_buffered(parser, buffer, true, ec)) ec = co_await read_message(parser, buffer, true);
    if (!ec) {
      route(parser, in);
      if (!in.rejection && !in.streaming && !parse_buffered(parser, buffer, false, ec))
        ec = co_await read_message(parser, buffer, false);
    }
    if (!finish_reading(parser, buffer, ec, in)) break;  // the client left, or said nothing in time

    // Answer: the pipeline's response, or failure_response() of what it threw. Layers that need
    // no frame of their own throw as the pipeline is called, the rest as it runs: both land here,
    // inside every layer, so the error body gets the id and CORS fields.
    start_handling();
    Response response;
    try {
      auto pending = dispatch(in);
      response = co_await std::move(pending);  // named first: GCC 12 (docs/style.md)
    } catch (...) {
      if (in.request.request_id.empty()) {  // the first layer itself failed
        in.request.request_id = crypto::to_hex(crypto::random_bytes(12));
        in.request.response_fields.set("X-Request-Id", in.request.request_id);
      }
      response = failure_response(in.request, std::current_exception());
    }
    access_log_.record(in.request, response);
    co_await asio::this_coro::reset_cancellation_state();  // a deadline's 503 is still written

    // Write: at once when the answer fits the socket's buffer (nearly always), the rest
    // asynchronously; a body stream after the head. A body the handler did not read to its end
    // cannot be skipped reliably, so it closes the connection.
    const Request& request = in.request;
    const bool keep_alive =
        !in.rejection && request.message.keep_alive() && !stopping_ && !expired_ && (!in.streaming || parser.is_done());
    const bool streamed = request.body_stream && request.method() != Verb::head &&
                          (response.result() == Status::ok || response.result() == Status::partial_content);
    bool sent = false;
    if (streamed) {
      sent = co_await write_streamed(response, request, keep_alive);
    } else if (const auto left = write_now(response, request, keep_alive)) {
      sent = *left == 0;
      if (!sent) sent = co_await write_rest(response, *left);
    }
    if (!sent || !keep_alive) break;
    // A client that pipelines its requests is served from the buffer, and reads and writes
    // that need no wait never leave this loop: it would hold the thread. After a few such
    // requests in a row it goes to the back of the scheduler's queue.
    if (++unwaited_ == fair_share) {
      unwaited_ = 0;
      co_await asio::post(socket_.get_executor(), asio::use_awaitable);
    }
  }
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  co_await linger();
  socket_.close(ignored);
  watchdog_.cancel();
}

void Connection::start_reading(RequestParser& parser, Request& request) {
  phase_ = Phase::reading;
  arm(config_.read_timeout);
  parser.header_limit(static_cast<std::uint32_t>(config_.max_header_bytes));
  // Beast checks Content-Length against the limit as the header completes, before the
  // route (and so the limit) is known: the limit is set once the header is in.
  parser.body_limit(boost::none);
  request.peer = peer_;
  request.received_at = std::chrono::steady_clock::now();
}

// Routes the request on its header, once: the route's policy gives the body limit and whether
// the handler reads the body itself. A declared length past the limit is refused unread.
void Connection::route(RequestParser& parser, Incoming& in) {
  Request& request = in.request;
  locate(request, parser.get().target());
  in.match = router_.match(parser.get().method(), request.path, request.params);
  const Policy* policy = in.match.route ? &in.match.route->policy : nullptr;
  in.streaming = policy && policy->streaming();
  // A route may lower the server's limit (HTTP_MAX_BODY); only an upload, streamed to its handler
  // and never held in memory, may exceed it.
  std::size_t body_limit = config_.max_body_bytes;
  if (policy && policy->max_body())
    body_limit = in.streaming ? policy->max_body() : std::min(policy->max_body(), body_limit);
  parser.body_limit(body_limit);
  const auto& head = parser.get();
  if (request.path.empty() || request.path.front() != '/') {
    in.rejection = {ErrorCode::bad_request, "request target must be an absolute path"};
  } else if (head.find(Field::transfer_encoding) != head.end() &&
             (!parser.chunked() || head.find(Field::content_length) != head.end())) {
    // RFC 9112 §6.1, §6.3: a body whose end a proxy in front may find elsewhere (a last coding
    // that is not chunked, or a length beside chunked) would be read as the next request.
    in.rejection = {ErrorCode::bad_request, "Transfer-Encoding must end in chunked, without Content-Length"};
  } else if (auto length = parser.content_length(); length && *length > body_limit) {
    in.rejection = {ErrorCode::payload_too_large, "request body is too large"};
  }
}

// The request as read, given what reading ended with. False when there is nothing to answer (the
// client closed, or the connection was cut).
bool Connection::finish_reading(RequestParser& parser, boost::beast::flat_buffer& buffer, boost::system::error_code ec,
                                Incoming& in) {
  if (ec == beast_http::error::end_of_stream || (ec && !expired_ && buffer.size() == 0 && !parser.got_some()))
    return false;
  if ((ec == asio::error::operation_aborted || ec == asio::error::connection_reset) && !expired_) return false;
  if (ec) in.rejection = rejection_of(ec, expired_);
  Request& request = in.request;
  if (in.rejection) {
    // Whatever the parser understood is kept for the log line.
    if (parser.is_header_done()) request.message = parser.release();
    request.path = request.query = {};
    request.params.clear();
    in.match = {};
  } else {
    // A streaming route gets a copy of the header (its body stays with the parser, which outlives
    // the request); any other the whole message, moved. A moved message keeps its target's
    // storage, so the views into it stay valid; a copy has its own, on which the request is
    // routed again.
    const char* routed = request.path.data();
    if (in.streaming)
      request.message = parser.get();
    else
      request.message = parser.release();
    if (request.message.target().data() != routed) {
      locate(request, request.message.target());
      in.match = router_.match(request);
    }
    if (in.streaming) {
      // A client that asked "Expect: 100-continue" waits for it before sending the body.
      auto expects_continue =
          std::make_shared<bool>(boost::beast::iequals(request.message[Field::expect], "100-continue"));
      auto transfer = std::make_shared<Transfer>();
      request.read_body = [this, &parser, &buffer, expects_continue, transfer]() {
        return read_body_piece(parser, buffer, *expects_continue, *transfer);
      };
    }
  }
  request.route = in.match.pattern;
  request.policy = in.match.policy;
  return true;
}

void Connection::start_handling() {
  phase_ = Phase::handling;
  arm(config_.request_timeout);
  expired_ = false;
}

// The awaitable that answers the request: its route's handler through the pipeline, or an error
// through it. Not a coroutine: the pipeline's own awaitable is handed over, without a frame.
asio::awaitable<Response> Connection::dispatch(Incoming& in) {
  Request& request = in.request;
  if (in.rejection) return reject(request, in.rejection->code, in.rejection->message);
  if (in.match.route) return pipeline_.run(request, in.match.route->handler);
  if (!in.match.allow.empty()) return not_allowed(request, std::move(in.match.allow));
  return reject(request, ErrorCode::not_found, "no such route");
}

// Runs a request that never reached a handler (malformed, too large, too slow)
// through the pipeline anyway, so it gets a request id and the headers; the error it throws
// is answered like a handler's.
asio::awaitable<Response> Connection::reject(Request& request, ErrorCode code, std::string_view message) {
  Handler fail = [code, text = std::string(message)](Request&) -> asio::awaitable<Response> {
    throw Error(code, text);
  };
  co_return co_await pipeline_.run(request, fail);
}

// The path exists with other methods: 405 with Allow, through the pipeline like any answer.
asio::awaitable<Response> Connection::not_allowed(Request& request, std::string allow) {
  Handler wrong_method = [&allow](Request& r) -> asio::awaitable<Response> {
    Response res = error_response(r, ErrorCode::method_not_allowed, "method not allowed on this path");
    res.set(Field::allow, allow);
    co_return res;
  };
  co_return co_await pipeline_.run(request, wrong_method);
}

// Sends the response: its head (built into head_) and body. A response nearly always fits
// the socket's send buffer: it goes out now, without a coroutine frame or an asynchronous
// write whose completion waits its turn in the scheduler (the socket is non-blocking, so
// this never waits). Returns how many bytes are left for write_rest (nearly always none),
// or nullopt when the connection failed.
std::optional<std::size_t> Connection::write_now(Response& response, const Request& request, bool keep_alive) {
  phase_ = Phase::writing;
  arm(config_.read_timeout);
  const bool head = request.method() == Verb::head;
  const auto status = response.result();
  const bool bodyless = beast_http::to_status_class(status) == beast_http::status_class::informational ||
                        status == Status::no_content || status == Status::not_modified;
  std::optional<std::uint64_t> length;
  // HEAD on a streamed route: its handler declared the length of the body it did not make.
  const bool declared = head && response.body().empty() && response.find(Field::content_length) != response.end();
  if (!declared) {
    response.erase(Field::content_length);
    if (!bodyless) length = response.body().size();
  }
  if (head || bodyless) response.body().clear();  // HEAD: the GET handler's fields, no body
  write_head(response, request, keep_alive, length, false);
  const auto buffers = answer_buffers(response);
  boost::system::error_code ec;
  const std::size_t sent = socket_.write_some(buffers, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return asio::buffer_size(buffers);
  if (ec) return std::nullopt;
  return asio::buffer_size(buffers) - sent;
}

// The last `left` bytes of what write_now began, written asynchronously.
asio::awaitable<bool> Connection::write_rest(const Response& response, std::size_t left) {
  const auto buffers = answer_buffers(response);
  boost::beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
  rest.consume(asio::buffer_size(buffers) - left);
  unwaited_ = 0;
  auto [ec, n] = co_await asio::async_write(socket_, rest, asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

// The status line, the handler's fields as they are (already head text), the request's
// fields and the default headers the handler did not set, and the framing, in the
// connection's reused buffer.
void Connection::write_head(const Response& response, const Request& request, bool keep_alive,
                            std::optional<std::uint64_t> content_length, bool chunked) {
  head_.clear();
  head_ += "HTTP/1.1 "sv;
  char number[24];
  head_.append(number, std::to_chars(number, number + sizeof number, response.result_int()).ptr);
  head_ += ' ';
  head_ += beast_http::obsolete_reason(response.result());
  head_ += "\r\n"sv;
  head_ += response.field_text();
  append_unset(head_, response, request.response_fields);
  append_unset(head_, response, defaults_);
  if (content_length) {
    head_ += "Content-Length: "sv;
    head_.append(number, std::to_chars(number, number + sizeof number, *content_length).ptr);
    head_ += "\r\n"sv;
  }
  if (chunked) head_ += "Transfer-Encoding: chunked\r\n"sv;
  if (!keep_alive) {
    head_ += "Connection: close\r\n"sv;
  } else if (request.message.version() < 11) {
    // An HTTP/1.0 client keeps the connection only when the answer says it may.
    head_ += "Connection: keep-alive\r\n"sv;
  }
  head_ += "\r\n"sv;
}

asio::awaitable<bool> Connection::write_streamed(Response& response, const Request& request, bool keep_alive) {
  phase_ = Phase::writing;
  arm(config_.read_timeout);
  // A body of known length (a stored file) is sent as it is; one of unknown length chunked.
  const std::string declared(response[Field::content_length]);
  const std::optional<std::uint64_t> length =
      declared.empty() ? std::nullopt : std::optional<std::uint64_t>(std::stoull(declared));
  write_head(response, request, keep_alive, std::nullopt, !length);
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(head_), asio::as_tuple(asio::use_awaitable));
  if (ec) co_return false;
  // Each piece is written at the pace arm_transfer sets: a stalled or trickling reader is cut
  // off, a long body is not.
  Transfer transfer;
  const BodyWrite write_piece = [this, &length, &transfer](std::string_view piece) -> asio::awaitable<void> {
    if (piece.empty()) co_return;
    arm_transfer(transfer);
    transfer.bytes += piece.size();
    if (length) {
      if (transfer.bytes > *length) throw std::runtime_error("a streamed body is longer than its Content-Length");
      co_await asio::async_write(socket_, asio::buffer(piece.data(), piece.size()), asio::use_awaitable);
    } else {
      co_await asio::async_write(socket_, beast_http::make_chunk(asio::buffer(piece.data(), piece.size())),
                                 asio::use_awaitable);
    }
  };
  try {
    co_await request.body_stream(write_piece);
  } catch (const std::exception& e) {
    log::error("streamed response failed", {{"error", e.what()}});
    co_return false;
  }
  if (length) co_return transfer.bytes == *length;  // a short body cannot be mended: close
  arm(config_.read_timeout);
  std::tie(ec, n) =
      co_await asio::async_write(socket_, beast_http::make_chunk_last(), asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

// Up to `size` bytes from the socket into the buffer. Under load the bytes are usually there
// already: read at once, without an asynchronous read whose completion waits its turn in the
// scheduler. Otherwise an asynchronous read waits for them. (Not async_wait: Asio re-arms
// epoll with epoll_ctl for every wait, while a read's wait uses the registration it has.)
asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> Connection::read_some(
    boost::beast::flat_buffer& buffer, std::size_t size) {
  boost::system::error_code ec;
  std::size_t n = socket_.read_some(buffer.prepare(size), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    unwaited_ = 0;
    std::tie(ec, n) = co_await socket_.async_read_some(buffer.prepare(size), asio::as_tuple(asio::use_awaitable));
  }
  buffer.commit(n);
  co_return std::tuple{ec, n};
}

// Reads from the socket until the parser has the header (or the whole message): Beast's
// async_read steps, without the trips through the scheduler it makes when the bytes are
// already here. Called only when parse_buffered asked for more.
asio::awaitable<boost::system::error_code> Connection::read_message(RequestParser& parser,
                                                                    boost::beast::flat_buffer& buffer,
                                                                    bool header_only) {
  constexpr std::size_t max_read = 64 * 1024;
  for (;;) {
    const std::size_t size = boost::beast::read_size(buffer, max_read);
    if (size == 0) co_return beast_http::error::buffer_overflow;
    auto [read_ec, n] = co_await read_some(buffer, size);
    if (read_ec == asio::error::eof) {
      if (!parser.got_some()) co_return beast_http::error::end_of_stream;
      // A message without a length ends with the connection; anything else is cut short.
      boost::system::error_code eof_ec;
      parser.put_eof(eof_ec);
      co_return eof_ec;
    }
    if (read_ec) co_return read_ec;
    boost::system::error_code ec;
    if (parse_buffered(parser, buffer, header_only, ec)) co_return ec;
  }
}

// The next piece of a streamed request body, read at the pace arm_transfer sets (a stalled or
// trickling upload is cut off, a long one is not); the handler's own deadline starts over
// once the body has been read.
asio::awaitable<std::optional<std::string>> Connection::read_body_piece(RequestParser& parser,
                                                                        boost::beast::flat_buffer& buffer,
                                                                        bool& send_continue, Transfer& transfer) {
  if (send_continue) {
    send_continue = false;
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(config_.read_timeout);
    co_await asio::async_write(socket_, asio::buffer(interim.data(), interim.size()), asio::use_awaitable);
    transfer = Transfer{};  // the client starts sending now
  }
  for (;;) {
    auto& body = parser.get().body();
    if (!body.empty()) {
      std::string piece = std::move(body);
      body.clear();
      transfer.bytes += piece.size();
      co_return piece;
    }
    if (parser.is_done()) {
      arm(config_.request_timeout);
      co_return std::nullopt;
    }
    // Too slow a piece cuts the read, not the handler: it gets a 408 to answer, and may clean up.
    arm_transfer(transfer);
    phase_ = Phase::reading;
    auto [ec, n] = co_await beast_http::async_read_some(socket_, buffer, parser, asio::as_tuple(asio::use_awaitable));
    phase_ = Phase::handling;
    if (expired_) {
      arm(config_.request_timeout);
      throw Error(ErrorCode::request_timeout, "the request body was not received in time");
    }
    if (ec == beast_http::error::body_limit) throw Error(ErrorCode::payload_too_large, "request body is too large");
    if (ec) throw Error(ErrorCode::bad_request, "the request body could not be read");
  }
}

// A client may still be sending (a rejected upload, a slow request) when we close.
// Closing with unread input makes the kernel send a reset, which can destroy our
// response before the client reads it; so read and discard for a moment first.
asio::awaitable<void> Connection::linger() {
  constexpr std::size_t max_bytes = 1024 * 1024;
  phase_ = Phase::idle;
  expired_ = false;
  arm(std::chrono::seconds(1));
  std::array<char, 16 * 1024> scratch;
  std::size_t total = 0;
  while (total < max_bytes && !expired_) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(scratch), asio::as_tuple(asio::use_awaitable));
    if (ec) break;  // EOF (the client read our answer and closed), reset, or the timer
    total += n;
  }
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& context, ServerConfig c, Router r, Pipeline p, AccessLog log)
      : io(context), config(std::move(c)), defaults(fields_of(config.default_headers)), router(std::move(r)),
        pipeline(std::move(p)), access_log(std::move(log)), acceptor(asio::make_strand(context)) {}

  asio::awaitable<void> accept_loop();
  bool admit(const std::shared_ptr<Connection>& connection);
  void connection_closed(Connection* c);
  // A connection's work is serialised by a strand; on one thread it already is, and the
  // strand would only add a lock and a queue to every step.
  asio::any_io_executor connection_executor() {
    if (config.threads > 1) return asio::make_strand(io);
    return io.get_executor();
  }

  asio::io_context& io;
  ServerConfig config;
  Fields defaults;
  Router router;
  Pipeline pipeline;
  AccessLog access_log;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;

  std::mutex mutex;
  std::unordered_set<std::shared_ptr<Connection>> connections;
  std::unordered_map<asio::ip::address, std::size_t> per_client;  // open connections by client_key
  bool shutting_down = false;
  std::function<void()> drained;
};

asio::awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  asio::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(connection_executor(), asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
    if (ec) {
      // e.g. out of file descriptors: wait a little instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection = std::make_shared<Connection>(std::move(socket), config, defaults, router, pipeline, access_log);
    if (!admit(connection)) {
      // Past a cap: told so at once, without reading, and closed.
      connection->socket().non_blocking(true, ignored);
      connection->socket().write_some(asio::buffer(over_capacity.data(), over_capacity.size()), ignored);
      connection->socket().shutdown(tcp::socket::shutdown_both, ignored);
      connection->socket().close(ignored);
      continue;
    }
    auto executor = connection->socket().get_executor();
    asio::co_spawn(executor, connection->run(),
                   asio::bind_cancellation_slot(connection->cancel_signal().slot(),
                                                [self, c = connection.get()](std::exception_ptr e) {
                                                  if (e) {
                                                    try {
                                                      std::rethrow_exception(e);
                                                    } catch (const std::exception& ex) {
                                                      log::error("connection failed", {{"error", ex.what()}});
                                                    }
                                                  }
                                                  self->connection_closed(c);
                                                }));
  }
}

// Takes a place for a new connection unless the server is shutting down or a cap is reached.
bool Server::Impl::admit(const std::shared_ptr<Connection>& connection) {
  const auto& peer = connection->peer();
  const bool capped = config.max_connections_per_client > 0 && !(config.uncapped_peer && config.uncapped_peer(peer));
  std::lock_guard lock(mutex);
  if (shutting_down || connections.size() >= config.max_connections) return false;
  if (capped) {
    const auto client = client_key(peer);
    auto& open = per_client[client];
    if (open >= config.max_connections_per_client) return false;
    ++open;
    connection->count_as(client);
  }
  connections.insert(connection);
  return true;
}

void Server::Impl::connection_closed(Connection* c) {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex);
    std::erase_if(connections, [c](const auto& p) { return p.get() == c; });
    if (const auto& client = c->counted_as()) {
      if (auto it = per_client.find(*client); --it->second == 0) per_client.erase(it);
    }
    if (shutting_down && connections.empty() && drained) done = std::exchange(drained, nullptr);
  }
  if (done) done();
}

Server::Server(asio::io_context& io, ServerConfig config, Router router, Pipeline pipeline, AccessLog access_log)
    : impl_(std::make_shared<Impl>(io, std::move(config), std::move(router), std::move(pipeline),
                                   std::move(access_log))) {}

Server::~Server() = default;

void Server::start() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->config.bind, ec);
  if (ec) throw std::runtime_error("BIND is not an IP address: " + impl_->config.bind);
  tcp::endpoint endpoint(address, impl_->config.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->config.bind + ":" + std::to_string(impl_->config.port) +
                             ": " + ec.message());
  }
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = acceptor.local_endpoint().port();
  asio::co_spawn(acceptor.get_executor(), impl_->accept_loop(), asio::detached);
}

std::uint16_t Server::port() const noexcept { return impl_->port; }

void Server::shutdown(std::function<void()> drained) {
  auto impl = impl_;
  asio::post(impl->acceptor.get_executor(), [impl] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(impl->mutex);
    impl->shutting_down = true;
    open.assign(impl->connections.begin(), impl->connections.end());
    if (!open.empty()) impl->drained = std::move(drained);
  }
  if (open.empty()) {
    if (drained) drained();
    return;
  }
  for (auto& c : open) asio::post(c->socket().get_executor(), [c] { c->stop(); });
}

}  // namespace ignition::http
