#include "auth.hpp"

#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/guard/cookies.hpp>
#include <ignition/guard/layers.hpp>
#include <ignition/http/response.hpp>

#include "bind.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Field;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Status;
using ignition::http::Verb;

namespace ignition::api {

namespace {

std::chrono::seconds remaining(const auth::Session& session) {
  return std::chrono::duration_cast<std::chrono::seconds>(session.expires_at - coarse_now());
}

}  // namespace

std::string session_cookie(const AuthDeps& d, const std::string& token, const auth::Session& session) {
  return guard::set_cookie(d.config.cookie, d.config.cookie.session_name, token, remaining(session),
                           guard::CookieAccess::http_only);
}

std::string csrf_cookie(const AuthDeps& d, const std::string& csrf_token, const auth::Session& session) {
  return guard::set_cookie(d.config.cookie, guard::csrf_cookie_name, csrf_token, remaining(session),
                           guard::CookieAccess::script_readable);
}

namespace {

// The answer of /auth/session, dev-login and friends: the session document, with the CSRF
// token in the script-readable cookie and the X-CSRF-Token header.
Response session_response(const AuthDeps& d, std::string document, const auth::Session& session,
                          const std::string& csrf) {
  Response res = http::json_text_response(Status::ok, std::move(document));
  res.insert(Field::set_cookie, csrf_cookie(d, csrf, session));
  res.set("X-CSRF-Token", csrf);
  return res;
}

}  // namespace

void clear_cookies(const AuthDeps& d, Response& res) {
  res.insert(Field::set_cookie, guard::set_cookie(d.config.cookie, d.config.cookie.session_name, "",
                                                  std::chrono::seconds(0), guard::CookieAccess::http_only));
  res.insert(Field::set_cookie, guard::set_cookie(d.config.cookie, guard::csrf_cookie_name, "", std::chrono::seconds(0),
                                                  guard::CookieAccess::script_readable));
}

namespace {

asio::awaitable<Response> get_session(AuthDeps d, Request& req) {
  const auto& p = guard::require_principal(req);
  co_return session_response(d, p.document, p.session, p.csrf_token);
}

asio::awaitable<Response> list_sessions(AuthDeps d, Request& req) {
  const auto& p = guard::require_principal(req);
  auto sessions = co_await d.sessions.list(p.user);
  boost::json::array items;
  for (const auto& s : sessions) {
    auto o = auth::to_json(s);
    o["current"] = s.id == p.session.id;
    items.push_back(std::move(o));
  }
  co_return items_response(std::move(items));
}

asio::awaitable<Response> revoke_session(AuthDeps d, Request& req) {
  const auto& p = guard::require_principal(req);
  auto id = Uuid::parse(req.param("id"));
  if (!id) throw Error(ErrorCode::not_found, "no such session");
  bool revoked = co_await d.sessions.revoke(p.user.id, *id);
  if (!revoked) throw Error(ErrorCode::not_found, "no such session");
  d.metrics.revoked(1);
  co_return no_content();
}

asio::awaitable<Response> revoke_others(AuthDeps d, Request& req) {
  const auto& p = guard::require_principal(req);
  auto n = co_await d.sessions.revoke_others(p.user.id, p.session.id);
  d.metrics.revoked(n);
  co_return http::json_response(Status::ok, boost::json::object{{"revoked", n}});
}

asio::awaitable<Response> logout(AuthDeps d, Request& req) {
  // Idempotent: without a valid session there is nothing to end, and still 204.
  if (guard::principal_of(req)) {
    auto token = guard::find_cookie(req.header(Field::cookie), d.config.cookie.session_name);
    std::string value(token.value_or(""));
    const bool ended = co_await d.sessions.end(value);
    if (ended) d.metrics.revoked(1);
  }
  Response res = no_content();
  clear_cookies(d, res);
  co_return res;
}

asio::awaitable<Response> token_health(AuthDeps d, Request& req) {
  const auth::Principal* p = guard::principal_of(req);
  bool compatible = true;
  if (p) {
    // A CSRF cookie from before a key change no longer verifies: "keys changed",
    // as opposed to "logged out".
    if (auto cookie = guard::find_cookie(req.header(Field::cookie), guard::csrf_cookie_name)) {
      compatible = d.csrf.verify(*cookie, p->session.id);
    }
  }
  boost::json::object body;
  body["authenticated"] = p != nullptr;
  body["compatible"] = compatible;
  body["session_expires_at"] = p ? boost::json::value(format_rfc3339(p->session.expires_at)) : nullptr;
  body["key_version"] = d.csrf.key_version();
  co_return http::json_response(Status::ok, body);
}

asio::awaitable<Response> dev_login(AuthDeps d, Request& req) {
  // Always routed, so that without DEV_LOGIN=1 it is a 404 rather than a 405 from the
  // GET /auth/{provider} route beside it.
  if (!d.config.dev_login) throw Error(ErrorCode::not_found, "no such route");
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto email = reader.string("email", true);
  auto name = reader.string("name", false);
  auto role = reader.string("role", false);
  reader.finish(auth::check_dev_sign_in(email.value_or(""), name, role).problems());
  std::string address = *email;
  std::transform(address.begin(), address.end(), address.begin(), [](unsigned char c) { return std::tolower(c); });

  auto tx = co_await db::Transaction::begin(d.pool);
  auto outcome = co_await auth::dev_sign_in(tx, address, name, role, d.config.admin_emails);
  std::string user_agent(req.header(Field::user_agent));
  auto created = co_await d.sessions.create(tx, outcome.user, req.client_ip, user_agent);
  co_await tx.commit();
  d.metrics.sign_in("dev", "success");

  auto csrf = d.csrf.token_for(created.session.id);
  Response res =
      session_response(d, auth::session_document(outcome.user, created.session, csrf), created.session, csrf);
  res.insert(Field::set_cookie, session_cookie(d, created.token, created.session));
  co_return res;
}

}  // namespace

void add_auth_routes(http::Router& router, AuthDeps d) {
  // Every /auth route counts in the sign-in bucket. Logout, token health and dev login answer
  // with or without a session.
  const http::Policy signed_in = http::access::user.limited(http::RateClass::auth);
  const http::Policy any_session = http::access::session.limited(http::RateClass::auth);
  router.add(Verb::get, "/auth/session", signed_in, with_deps(d, get_session));
  router.add(Verb::get, "/auth/sessions", signed_in, with_deps(d, list_sessions));
  router.add(Verb::delete_, "/auth/sessions/{id}", signed_in, with_deps(d, revoke_session));
  router.add(Verb::post, "/auth/sessions/revoke-others", signed_in, with_deps(d, revoke_others));
  router.add(Verb::post, "/auth/logout", any_session, with_deps(d, logout));
  router.add(Verb::get, "/auth/token-health", any_session, with_deps(d, token_health));
  router.add(Verb::post, "/auth/dev-login", any_session, with_deps(d, dev_login));
}

}  // namespace ignition::api
