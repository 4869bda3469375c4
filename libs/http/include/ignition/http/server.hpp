#pragma once
/// The Beast HTTP/1.1 server: a listener coroutine and one coroutine per connection
/// (keep-alive, header/body limits, read timeouts, a per-request deadline, a minimum rate for
/// streamed bodies, caps on connections), graceful shutdown that drains in-flight requests. Every request gets one
/// answer: what the pipeline made, or failure_response() of what it threw; and one AccessLog record.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ignition/http/middleware.hpp>
#include <ignition/http/router.hpp>
#include <ignition/http/standard_middleware.hpp>

namespace ignition {
class Env;
}

namespace ignition::http {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;  ///< 0 picks a free port (tests)
  std::size_t threads = 1;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};     ///< keep-alive wait for the next request
  std::chrono::milliseconds read_timeout{10'000};     ///< first byte to complete request; also writes
  std::chrono::milliseconds request_timeout{30'000};  ///< handler deadline → 503
  std::chrono::milliseconds shutdown_timeout{20'000};
  /// A streamed body (an upload, a download) must average this many bytes a second after a
  /// first read_timeout, besides never pausing longer than read_timeout; 0 = no minimum.
  std::size_t min_transfer_rate = 1024;
  /// Connections open at once; one more is answered 503 and closed.
  std::size_t max_connections = 10'000;
  /// Connections open at once from one client address (an IPv6 client by its /64); 0 = no cap.
  std::size_t max_connections_per_client = 256;
  /// Peers the per-client cap does not apply to: proxies that carry many clients' connections.
  std::function<bool(const boost::asio::ip::address&)> uncapped_peer;
  /// Fields every response carries unless its handler set the same one (the security
  /// headers, a default cache policy). Written with the head, so no response pays for
  /// adding them one by one.
  std::vector<std::pair<std::string, std::string>> default_headers;

  /// BIND (default 127.0.0.1, or 0.0.0.0 in production), PORT, THREADS, HTTP_MAX_BODY,
  /// HTTP_IDLE_TIMEOUT, HTTP_READ_TIMEOUT, HTTP_REQUEST_TIMEOUT, HTTP_SHUTDOWN_TIMEOUT,
  /// HTTP_MIN_RATE, HTTP_MAX_CONNECTIONS, HTTP_MAX_CONNECTIONS_PER_CLIENT.
  static ServerConfig from_env(const Env& env, bool production);
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerConfig config, Router router, Pipeline pipeline, AccessLog access_log);
  ~Server();

  /// Binds and starts accepting. Throws std::runtime_error naming the address when it
  /// cannot bind.
  void start();
  /// The bound port (useful with port 0).
  std::uint16_t port() const noexcept;
  /// Stops accepting, closes idle connections, lets in-flight requests finish, then
  /// calls `drained` (on an I/O thread). Safe to call from any thread, once.
  void shutdown(std::function<void()> drained);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace ignition::http
