#pragma once
/// The layers every request passes through, outermost first:
/// RequestId → AccessLog → SecurityHeaders → ErrorMapping.

#include <memory>

#include <ignition/http/metrics.hpp>
#include <ignition/http/middleware.hpp>

namespace ignition::http {

/// Keeps a sane client `X-Request-Id` (1..128 visible ASCII characters) or makes one,
/// and echoes it on the response.
class RequestId final : public Middleware {
 public:
  boost::asio::awaitable<Response> handle(Request& request, Next next) override;
};

/// One JSON log line per request (never the query string, which may carry secrets)
/// and the request metrics.
class AccessLog final : public Middleware {
 public:
  explicit AccessLog(std::shared_ptr<Metrics> metrics) : metrics_(std::move(metrics)) {}
  boost::asio::awaitable<Response> handle(Request& request, Next next) override;

 private:
  std::shared_ptr<Metrics> metrics_;
};

/// The contract's security headers on every response, and `Cache-Control: no-store`
/// unless the handler chose a cache policy.
class SecurityHeaders final : public Middleware {
 public:
  explicit SecurityHeaders(bool strict_transport_security) : hsts_(strict_transport_security) {}
  boost::asio::awaitable<Response> handle(Request& request, Next next) override;

 private:
  bool hsts_;
};

/// Turns exceptions into the contract's error body: ignition::Error → its status,
/// an unreachable dependency or a passed deadline → 503, anything else → a logged 500
/// that reveals nothing.
class ErrorMapping final : public Middleware {
 public:
  boost::asio::awaitable<Response> handle(Request& request, Next next) override;
};

}  // namespace ignition::http
