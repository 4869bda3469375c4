#pragma once
/// The layers every request passes through, outermost first:
/// RequestId → AccessLog → ErrorMapping (the security headers are the server's
/// default headers: security_headers()).

#include <memory>
#include <string>
#include <utility>
#include <vector>

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

/// The contract's security headers and `Cache-Control: no-store`, for
/// `ServerConfig::default_headers`: every response carries them unless its handler set
/// the field (a cache policy, say). HSTS only when cookies are Secure (served over HTTPS).
std::vector<std::pair<std::string, std::string>> security_headers(bool strict_transport_security);

/// Turns exceptions into the contract's error body: ignition::Error → its status,
/// an unreachable dependency or a passed deadline → 503, anything else → a logged 500
/// that reveals nothing.
class ErrorMapping final : public Middleware {
 public:
  boost::asio::awaitable<Response> handle(Request& request, Next next) override;
};

}  // namespace ignition::http
