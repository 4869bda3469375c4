#include "sign_in.hpp"

#include <algorithm>
#include <array>

#include <ignition/common/crypto.hpp>
#include <ignition/common/log.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/guard/cookies.hpp>
#include <ignition/guard/layers.hpp>
#include <ignition/http/response.hpp>

#include "bind.hpp"
#include "query.hpp"

namespace asio = boost::asio;
using ignition::http::Field;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Status;
using ignition::http::Verb;

namespace ignition::api {

namespace {
constexpr auto state_lifetime = std::chrono::minutes(10);
// Binds a pending sign-in to the browser that started it (against login CSRF: an
// attacker's callback URL does not work in a victim's browser).
constexpr const char* state_cookie = "oauth_state";
constexpr const char* state_cookie_path = "/auth";

const db::Statement save_state{
    "signin_save_state",
    "INSERT INTO oauth_states (state_hash, provider, nonce, code_verifier, redirect_to, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::float8))"};
// One use: the row is gone whatever happens next. Bound to the provider that issued it.
const db::Statement take_state{"signin_take_state",
                               "DELETE FROM oauth_states WHERE state_hash = $1 AND provider = $2 "
                               "RETURNING nonce, code_verifier, redirect_to, expires_at > now()"};

struct SignInDeps {
  AuthDeps auth;
  std::shared_ptr<std::vector<oidc::Provider>> providers;

  oidc::Provider* find(std::string_view id) const {
    for (auto& p : *providers) {
      if (p.config().id == id) return &p;
    }
    return nullptr;
  }
  std::string callback_url(std::string_view provider) const {
    return auth.config.callback_base_url + "/auth/" + std::string(provider) + "/callback";
  }
};

Response redirect(const std::string& location) {
  Response res(Status::found);
  res.set(Field::location, location);
  return res;
}

// A provider's own error, as one of the codes OAuth 2.0 (RFC 6749, 4.1.2.1) and OpenID Connect
// (Core, 3.1.2.6) define, else "provider_error". The value comes from whoever sent the browser
// here: it must not become a new metric series, nor put its words on the sign-in page.
std::string error_code_from(const std::string& provider_error) {
  static constexpr std::array<std::string_view, 16> known{"access_denied",
                                                          "invalid_request",
                                                          "unauthorized_client",
                                                          "unsupported_response_type",
                                                          "invalid_scope",
                                                          "server_error",
                                                          "temporarily_unavailable",
                                                          "interaction_required",
                                                          "login_required",
                                                          "account_selection_required",
                                                          "consent_required",
                                                          "invalid_request_uri",
                                                          "invalid_request_object",
                                                          "request_not_supported",
                                                          "request_uri_not_supported",
                                                          "registration_not_supported"};
  return std::find(known.begin(), known.end(), provider_error) == known.end() ? "provider_error" : provider_error;
}

// The oauth_state cookie is Lax whatever the session cookies are: the provider sends the browser
// back from its own site, and a Strict cookie would not come along.
auth::CookieConfig state_cookie_config(const auth::CookieConfig& config) {
  auto lax = config;
  lax.same_site = auth::SameSite::lax;
  return lax;
}

asio::awaitable<Response> list_providers(SignInDeps d, Request&) {
  boost::json::array items;
  for (const auto& p : *d.providers) items.push_back({{"id", p.config().id}, {"name", p.config().name}});
  co_return http::json_response(Status::ok, boost::json::object{{"providers", std::move(items)}});
}

asio::awaitable<Response> start(SignInDeps d, Request& req) {
  std::string provider_id(req.param("provider"));
  oidc::Provider* provider = d.find(provider_id);
  if (!provider) throw Error(ErrorCode::not_found, "no such sign-in provider");
  std::string target = safe_redirect_target(query_param(req.query, "redirect_to"));

  std::string state = crypto::base64url_encode(crypto::random_bytes(32));
  std::string nonce = crypto::base64url_encode(crypto::random_bytes(24));
  std::string verifier = oidc::pkce_verifier();
  std::string challenge = oidc::pkce_challenge(verifier);
  std::string callback = d.callback_url(provider_id);
  std::string url;
  try {
    url = co_await provider->authorization_url(state, nonce, challenge, callback);
  } catch (const oidc::SignInError& e) {
    log::warn("sign-in could not start",
              {{"request_id", req.request_id}, {"provider", provider_id}, {"reason", e.code()}});
    url.clear();
  }
  if (url.empty()) {
    d.auth.metrics.sign_in(provider_id, "provider_unavailable");
    co_return redirect(d.auth.config.app_url + "/auth/signin?error=provider_unavailable");
  }

  db::Bytes state_hash{auth::token_hash(state)};
  auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(state_lifetime).count();
  co_await d.auth.pool.execute(save_state, state_hash, provider_id, nonce, verifier, target, lifetime);

  Response res = redirect(url);
  res.insert(Field::set_cookie, guard::set_cookie(state_cookie_config(d.auth.config.cookie), state_cookie, state,
                                                  std::chrono::duration_cast<std::chrono::seconds>(state_lifetime),
                                                  guard::CookieAccess::http_only, state_cookie_path));
  co_return res;
}

// Everything the callback needs to decide, or the failure code to redirect with.
struct Completed {
  std::string error;  // empty on success
  std::string token;
  auth::Session session;
  std::string redirect_to;
};

asio::awaitable<Completed> complete(const SignInDeps& d, Request& req, const std::string& provider_id,
                                    oidc::Provider& provider) {
  Completed out;
  auto state = query_param(req.query, "state");
  auto code = query_param(req.query, "code");
  auto provider_error = query_param(req.query, "error");
  auto cookie = guard::find_cookie(req.header(Field::cookie), state_cookie);
  if (!state || state->empty()) {
    out.error = provider_error ? error_code_from(*provider_error) : "invalid_state";
    co_return out;
  }
  db::Bytes state_hash{auth::token_hash(*state)};
  auto taken = co_await d.auth.pool.execute(take_state, state_hash, provider_id);
  if (provider_error) {
    // The user said no (or the provider failed): a normal outcome, not a 400.
    out.error = error_code_from(*provider_error);
    co_return out;
  }
  if (taken.empty() || !cookie || !crypto::constant_time_equal(*cookie, *state)) {
    out.error = "invalid_state";  // unknown, used before, another provider's, or another browser's
    co_return out;
  }
  auto row = taken.one();
  if (!row.get<bool>(3)) {
    out.error = "state_expired";
    co_return out;
  }
  if (!code || code->empty()) {
    out.error = "missing_code";
    co_return out;
  }
  std::string nonce = row.get<std::string>(0);
  std::string verifier = row.get<std::string>(1);
  out.redirect_to = row.get<std::string>(2);

  oidc::Identity identity;
  try {
    identity = co_await provider.complete(*code, verifier, nonce, d.callback_url(provider_id));
  } catch (const oidc::SignInError& e) {
    log::info("sign-in refused", {{"request_id", req.request_id}, {"provider", provider_id}, {"reason", e.code()}});
    out.error = e.code();
  }
  if (!out.error.empty()) co_return out;
  // Google accounts always need a verified email; Microsoft's unverified ones may
  // still sign in to an account already linked by tid+oid (auth::sign_in decides).
  if (provider_id == "google" && !identity.email_verified) {
    out.error = "email_not_verified";
    co_return out;
  }

  auth::ExternalIdentity who{identity.provider,       identity.account_id, identity.email,
                             identity.email_verified, identity.name,       identity.picture};
  // Two first sign-ins of one person at once (two tabs, or Google and Microsoft) both find no
  // user and both insert one: the later insert fails on the unique email. Its second attempt
  // finds the user the first one made.
  for (int attempt = 1;; ++attempt) {
    try {
      auto tx = co_await db::Transaction::begin(d.auth.pool);
      auto outcome = co_await auth::sign_in(tx, who, d.auth.config.admin_emails);
      std::string user_agent(req.header(Field::user_agent));
      auto created = co_await d.auth.sessions.create(tx, outcome.user, req.client_ip, user_agent);
      co_await tx.commit();
      out.token = created.token;
      out.session = created.session;
      co_return out;
    } catch (const auth::SignInRefused& e) {
      out.error = e.code();
      co_return out;
    } catch (const db::UniqueViolation&) {
      if (attempt == 2) throw;
    }
  }
}

asio::awaitable<Response> callback(SignInDeps d, Request& req) {
  std::string provider_id(req.param("provider"));
  oidc::Provider* provider = d.find(provider_id);
  if (!provider) throw Error(ErrorCode::not_found, "no such sign-in provider");
  Completed done;
  // Whatever fails, the browser goes back to the app with a reason (the contract), and the
  // transaction that failed left nothing behind.
  try {
    done = co_await complete(d, req, provider_id, *provider);
  } catch (const DependencyUnavailable&) {
    done.error = "unavailable";
  } catch (const std::exception& e) {
    log::error("sign-in failed", {{"request_id", req.request_id}, {"provider", provider_id}, {"error", e.what()}});
    done.error = "server_error";
  }
  const auto& config = d.auth.config;
  d.auth.metrics.sign_in(provider_id, done.error.empty() ? "success" : done.error);
  Response res = redirect(done.error.empty() ? config.app_url + done.redirect_to
                                             : config.app_url + "/auth/signin?error=" + done.error);
  res.insert(Field::set_cookie,
             guard::set_cookie(state_cookie_config(config.cookie), state_cookie, "", std::chrono::seconds(0),
                               guard::CookieAccess::http_only, state_cookie_path));
  if (done.error.empty()) {
    res.insert(Field::set_cookie, session_cookie(d.auth, done.token, done.session));
    res.insert(Field::set_cookie, csrf_cookie(d.auth, d.auth.csrf.token_for(done.session.id), done.session));
  }
  co_return res;
}
}  // namespace

std::string safe_redirect_target(const std::optional<std::string>& requested) {
  const std::string fallback = "/today";
  if (!requested || requested->empty() || requested->size() > 512) return fallback;
  const std::string& t = *requested;
  if (t.front() != '/' || t.starts_with("//") || t.starts_with("/\\")) return fallback;
  for (unsigned char c : t) {
    // No spaces, controls, backslashes, nor bytes past ASCII (a Location is ASCII; they would
    // come from a decoded %xx, and need not even be UTF-8).
    if (c < 0x21 || c >= 0x7f || c == '\\') return fallback;
  }
  return t;
}

void add_sign_in_routes(http::Router& router, AuthDeps deps, std::vector<oidc::Provider> providers) {
  SignInDeps d{deps, std::make_shared<std::vector<oidc::Provider>>(std::move(providers))};
  // Before any session exists; the callback is protected by its one-use `state`.
  const http::Policy policy = http::access::open.limited(http::RateClass::auth);
  router.add(Verb::get, "/auth/providers", policy, with_deps(d, list_providers));
  router.add(Verb::get, "/auth/{provider}", policy, with_deps(d, start));
  router.add(Verb::get, "/auth/{provider}/callback", policy, with_deps(d, callback));
}

}  // namespace ignition::api
