#pragma once
/// The request guards of the pipeline, outermost first:
/// Cors → ClientIp → RateLimit → SessionLayer → Csrf → AccessGate.
/// Each reads what the matched route declared (http::Policy on the request), never the path;
/// a request no route matched carries no policy and passes them untouched (it answers 404).

#include <memory>
#include <string>
#include <vector>

#include <ignition/auth/config.hpp>
#include <ignition/auth/metrics.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/auth/tokens.hpp>
#include <ignition/guard/client_ip.hpp>
#include <ignition/guard/rate_limit.hpp>
#include <ignition/http/middleware.hpp>

namespace ignition::guard {

/// CORS for the configured origins only, with credentials and never a wildcard.
/// Preflight (OPTIONS with Access-Control-Request-Method) is answered here, before
/// any session work.
class Cors final : public http::Middleware {
 public:
  explicit Cors(std::vector<std::string> origins) : origins_(std::move(origins)) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  std::vector<std::string> origins_;
};

/// Sets `request.client_ip` (TRUSTED_PROXIES rules); a trusted proxy's `CF-Connecting-IP` is
/// read only when `from_cf_header` (CLIENT_IP_HEADER=cf-connecting-ip).
class ClientIp final : public http::Middleware {
 public:
  ClientIp(TrustedProxies proxies, bool from_cf_header)
      : proxies_(std::move(proxies)), from_cf_header_(from_cf_header) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  TrustedProxies proxies_;
  bool from_cf_header_;
};

/// Per client IP and the route's rate class: auth and feedback (RATE_LIMIT_AUTH, each in a
/// bucket of its own), admin (RATE_LIMIT_ADMIN), api (RATE_LIMIT_API). 429 with Retry-After
/// and RateLimit-* headers; the headers are on every limited response, errors included.
class RateLimit final : public http::Middleware {
 public:
  RateLimit(const auth::AuthConfig& config, std::shared_ptr<auth::AuthMetrics> metrics)
      : config_(config), metrics_(std::move(metrics)) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  const auth::AuthConfig& config_;
  std::shared_ptr<auth::AuthMetrics> metrics_;
  RateLimiter limiter_;
};

/// Attaches the Principal of a valid session cookie on every route but open ones (never
/// rejects by itself).
class SessionLayer final : public http::Middleware {
 public:
  SessionLayer(auth::SessionStore& store, const auth::AuthConfig& config, std::shared_ptr<auth::AuthMetrics> metrics)
      : store_(store), config_(config), metrics_(std::move(metrics)) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  boost::asio::awaitable<http::Response> attach_loaded(http::Request& request, http::Next next);
  auth::SessionStore& store_;
  const auth::AuthConfig& config_;
  std::shared_ptr<auth::AuthMetrics> metrics_;  // times each validation
};

/// Unsafe methods on a route with CSRF on (the default): an `Origin` header must be an allowed
/// origin, and with a session `X-CSRF-Token` must equal the `csrf_token` cookie and be valid for
/// the session. Otherwise 403 csrf_failed.
class Csrf final : public http::Middleware {
 public:
  Csrf(const auth::CsrfKeys& keys, std::vector<std::string> allowed_origins, std::shared_ptr<auth::AuthMetrics> metrics)
      : keys_(keys), origins_(std::move(allowed_origins)), metrics_(std::move(metrics)) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  const auth::CsrfKeys& keys_;
  std::vector<std::string> origins_;
  std::shared_ptr<auth::AuthMetrics> metrics_;
};

/// The route's access level: a user route without a session is 401; an admin route answers
/// 404 to anyone but an admin, as if the area did not exist. The role comes from the database
/// (via the validated session), never a cookie.
class AccessGate final : public http::Middleware {
 public:
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;
};

/// The signed-in principal, or null.
const auth::Principal* principal_of(const http::Request& request);
/// The signed-in principal; throws Error(unauthorized) when there is none.
const auth::Principal& require_principal(const http::Request& request);

/// Name of the script-readable CSRF cookie.
inline constexpr const char* csrf_cookie_name = "csrf_token";

}  // namespace ignition::guard
