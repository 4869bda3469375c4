#pragma once
/// What every request goes through: the RequestId layer, the first of the pipeline; and
/// the server's own last steps, which need no layer (and so no coroutine frame) of their
/// own: a failure turned into the contract's error body (failure_response), the access log
/// line and metrics (AccessLog), and the security headers (security_headers(), the server's
/// default headers).

#include <exception>
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
/// and the request metrics, recorded by the server once a request has its answer.
class AccessLog {
 public:
  explicit AccessLog(std::shared_ptr<Metrics> metrics) : metrics_(std::move(metrics)) {}
  void record(const Request& request, const Response& response) const;

 private:
  std::shared_ptr<Metrics> metrics_;
};

/// The contract's security headers and `Cache-Control: no-store`, for
/// `ServerConfig::default_headers`: every response carries them unless its handler set
/// the field (a cache policy, say). HSTS only when cookies are Secure (served over HTTPS).
std::vector<std::pair<std::string, std::string>> security_headers(bool strict_transport_security);

/// The answer to a request whose pipeline threw `failure`, in the contract's error body:
/// ignition::Error → its status, an unreachable dependency or a passed deadline → 503,
/// anything else → a logged 500 that reveals nothing. The server calls it for every request.
Response failure_response(const Request& request, const std::exception_ptr& failure);

}  // namespace ignition::http
