#pragma once
// The /auth/* routes: sessions, logout, token health, dev login, OIDC sign-in.

#include <ignition/auth/config.hpp>
#include <ignition/auth/metrics.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/auth/tokens.hpp>
#include <ignition/http/router.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::api {

struct AuthDeps {
  db::Pool& pool;
  auth::SessionStore& sessions;
  const auth::AuthConfig& config;
  const auth::CsrfKeys& csrf;
  auth::AuthMetrics& metrics;
};

void add_auth_routes(http::Router& router, AuthDeps deps);

/// Set-Cookie values for a session: the HttpOnly session cookie and the script-readable
/// CSRF cookie, both living as long as the session.
std::string session_cookie(const AuthDeps& deps, const std::string& token, const auth::Session& session);
std::string csrf_cookie(const AuthDeps& deps, const std::string& csrf_token, const auth::Session& session);
/// Set-Cookie values that remove both cookies (logout, account deletion).
void clear_cookies(const AuthDeps& deps, http::Response& res);

}  // namespace ignition::api
