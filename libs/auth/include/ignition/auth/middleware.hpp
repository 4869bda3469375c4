#pragma once
/// The auth layers of the pipeline, outermost first:
/// Cors → ClientIp → RateLimit → SessionLayer → Csrf → AdminGate.

#include <memory>
#include <string>
#include <vector>

#include <ignition/auth/client_ip.hpp>
#include <ignition/auth/config.hpp>
#include <ignition/auth/metrics.hpp>
#include <ignition/auth/rate_limit.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/auth/tokens.hpp>
#include <ignition/http/middleware.hpp>

namespace ignition::auth {

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

/// Sets `request.client_ip` (TRUSTED_PROXIES rules).
class ClientIp final : public http::Middleware {
 public:
  explicit ClientIp(TrustedProxies proxies) : proxies_(std::move(proxies)) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  TrustedProxies proxies_;
};

/// Per client IP and route class: /auth/* (RATE_LIMIT_AUTH), /api/v1/admin/*
/// (RATE_LIMIT_ADMIN), other /api/v1/* (RATE_LIMIT_API). 429 with Retry-After and
/// RateLimit-* headers; the headers are on every limited response, errors included.
class RateLimit final : public http::Middleware {
 public:
  RateLimit(const AuthConfig& config, std::shared_ptr<AuthMetrics> metrics)
      : config_(config), metrics_(std::move(metrics)) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  const AuthConfig& config_;
  std::shared_ptr<AuthMetrics> metrics_;
  RateLimiter limiter_;
};

/// Attaches the Principal of a valid session cookie (never rejects by itself).
class SessionLayer final : public http::Middleware {
 public:
  SessionLayer(SessionStore& store, const AuthConfig& config) : store_(store), config_(config) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  boost::asio::awaitable<http::Response> attach_loaded(http::Request& request, http::Next next);
  SessionStore& store_;
  const AuthConfig& config_;
};

/// Unsafe methods on /api/v1/* and /auth/* with a session need `X-CSRF-Token` equal to
/// the `csrf_token` cookie and valid for the session; an `Origin` header must be an
/// allowed origin. Otherwise 403 csrf_failed.
class Csrf final : public http::Middleware {
 public:
  Csrf(const CsrfKeys& keys, std::vector<std::string> allowed_origins, std::shared_ptr<AuthMetrics> metrics)
      : keys_(keys), origins_(std::move(allowed_origins)), metrics_(std::move(metrics)) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;

 private:
  const CsrfKeys& keys_;
  std::vector<std::string> origins_;
  std::shared_ptr<AuthMetrics> metrics_;
};

/// /api/v1/admin/* needs an admin session; anyone else gets 404 as if the area did not
/// exist. The role comes from the database (via the validated session), never a cookie.
class AdminGate final : public http::Middleware {
 public:
  boost::asio::awaitable<http::Response> handle(http::Request& request, http::Next next) override;
};

/// The signed-in principal, or null.
const Principal* principal_of(const http::Request& request);
/// The signed-in principal; throws Error(unauthorized) when there is none.
const Principal& require_principal(const http::Request& request);

/// Name of the script-readable CSRF cookie.
inline constexpr const char* csrf_cookie_name = "csrf_token";

}  // namespace ignition::auth
