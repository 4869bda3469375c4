#include <ignition/guard/layers.hpp>

#include <algorithm>
#include <chrono>

#include <ignition/common/crypto.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/histogram.hpp>
#include <ignition/common/log.hpp>
#include <ignition/guard/cookies.hpp>
#include <ignition/http/response.hpp>

namespace asio = boost::asio;
using ignition::http::Field;
using ignition::http::Verb;

namespace ignition::guard {

namespace {
using http::Access;
using http::RateClass;

bool allowed(const std::vector<std::string>& origins, std::string_view origin) {
  return std::find(origins.begin(), origins.end(), origin) != origins.end();
}

// Cookies the old Auth.js app set. They are ignored (DEC-001: everyone signs in again).
constexpr std::array<std::string_view, 4> legacy_cookies = {"authjs.session-token", "__Secure-authjs.session-token",
                                                            "passion-os.session-token",
                                                            "__Secure-passion-os.session-token"};
}  // namespace

const auth::Principal* principal_of(const http::Request& request) {
  return static_cast<const auth::Principal*>(request.principal.get());
}

const auth::Principal& require_principal(const http::Request& request) {
  const auth::Principal* p = principal_of(request);
  if (!p) throw Error(ErrorCode::unauthorized, "sign in first");
  return *p;
}

// Its fields go on whatever response the request gets, so the layer needs no frame of its own.
asio::awaitable<http::Response> Cors::handle(http::Request& request, http::Next next) {
  std::string_view origin = request.header(Field::origin);
  bool listed = !origin.empty() && allowed(origins_, origin);
  auto& fields = request.response_fields;
  fields.set(Field::vary, "Origin");
  if (listed) {
    fields.set(Field::access_control_allow_origin, origin);
    fields.set(Field::access_control_allow_credentials, "true");
  }
  if (request.method() == Verb::options && !request.header(Field::access_control_request_method).empty()) {
    // Preflight: answered here, without touching the session.
    if (listed) {
      fields.set(Field::access_control_allow_methods, "GET, HEAD, POST, PUT, PATCH, DELETE");
      fields.set(Field::access_control_allow_headers, "Content-Type, X-CSRF-Token, X-Request-Id");
      fields.set(Field::access_control_max_age, "600");
    }
    return http::answer(http::Response(listed ? http::Status::no_content : http::Status::forbidden));
  }
  if (listed) {
    fields.set(Field::access_control_expose_headers,
               "X-Request-Id, X-CSRF-Token, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset");
  }
  return next(request);
}

namespace {
// Every X-Forwarded-For line, in order, as one list: a proxy may add a line of its own rather
// than append to the one the client sent. `joined` holds the text when there are several.
std::string_view forwarded_for(const http::Request& request, std::string& joined) {
  auto [first, last] = request.message.equal_range("X-Forwarded-For");
  if (first == last) return {};
  if (std::next(first) == last) return first->value();
  for (auto it = first; it != last; ++it) joined.append(joined.empty() ? "" : ", ").append(it->value());
  return joined;
}
}  // namespace

// ClientIp, RateLimit, Csrf and AccessGate act before the rest only: they hand over the rest's
// awaitable instead of awaiting it in a coroutine frame of their own (one frame less per request
// each). Their errors are thrown as the caller starts them, inside the server's try.
asio::awaitable<http::Response> ClientIp::handle(http::Request& request, http::Next next) {
  std::string joined;
  const std::string_view cf_connecting_ip = from_cf_header_ ? request.header("CF-Connecting-IP") : std::string_view{};
  request.client_ip = proxies_.client_ip(request.peer, forwarded_for(request, joined), cf_connecting_ip);
  return next(request);
}

namespace {
// The rule of a rate class; null when it is not limited. Feedback (anyone signed in can write to
// the team) is limited like sign-in, in a bucket of its own.
const auth::RateRule* rule_of(const auth::AuthConfig& config, RateClass rate) {
  switch (rate) {
    case RateClass::auth:
    case RateClass::feedback: return &config.rate_auth;
    case RateClass::admin: return &config.rate_admin;
    case RateClass::api: return &config.rate_api;
    case RateClass::none: return nullptr;
  }
  return nullptr;
}
}  // namespace

// The RateLimit-* fields go on whatever answers the request, an error included; a refusal is
// thrown like any error.
asio::awaitable<http::Response> RateLimit::handle(http::Request& request, http::Next next) {
  const RateClass rate = request.policy ? request.policy->rate() : RateClass::none;
  const auth::RateRule* rule = rule_of(config_, rate);
  if (!rule || rule->off()) return next(request);
  const auto decision = limiter_.check(rate_key(http::to_string(rate), request.client_ip), *rule);
  auto& fields = request.response_fields;
  fields.set("RateLimit-Limit", std::to_string(decision.limit));
  fields.set("RateLimit-Remaining", std::to_string(decision.remaining));
  fields.set("RateLimit-Reset", std::to_string(decision.reset.count()));
  if (!decision.allowed) {
    metrics_->rate_limited();
    fields.set(Field::retry_after, std::to_string(decision.reset.count()));
    throw Error(ErrorCode::rate_limited, "too many requests; try again later");
  }
  return next(request);
}

namespace {
void attach(http::Request& request, auth::PrincipalPtr principal) {
  request.user_id = principal->user_id;
  request.principal = std::move(principal);
}
}  // namespace

// A cached session is attached without a coroutine frame of this layer's own (the app's most
// frequent requests take this way); loading one from Postgres suspends in attach_loaded.
asio::awaitable<http::Response> SessionLayer::handle(http::Request& request, http::Next next) {
  // Open routes and unknown paths read no session: there (health checks, 404s, some not rate
  // limited) a made-up cookie would cost a database query each.
  if (!request.policy || request.policy->access() == Access::open) return next(request);
  auto token = find_cookie(request.header(Field::cookie), config_.cookie.session_name);
  if (token && !token->empty()) {
    const auto start = std::chrono::steady_clock::now();
    if (auto principal = store_.cached(*token)) {
      metrics_->session_validated(auth::AuthMetrics::from_cache, seconds_since(start));
      attach(request, std::move(principal));
      return next(request);
    }
  }
  return attach_loaded(request, next);
}

asio::awaitable<http::Response> SessionLayer::attach_loaded(http::Request& request, http::Next next) {
  std::string_view cookies = request.header(Field::cookie);
  if (auto token = find_cookie(cookies, config_.cookie.session_name); token && !token->empty()) {
    std::string value(*token);
    const auto start = std::chrono::steady_clock::now();
    auto principal = co_await store_.validate(value);  // not in the condition: GCC 12 (docs/style.md)
    metrics_->session_validated(auth::AuthMetrics::from_database, seconds_since(start));
    if (principal) {
      attach(request, std::move(principal));
    } else {
      log::info("session not found", {{"request_id", request.request_id}});
    }
  } else {
    for (auto name : legacy_cookies) {
      if (find_cookie(cookies, name)) {
        log::info("session not found", {{"request_id", request.request_id}, {"legacy_name", name}});
        break;
      }
    }
  }
  co_return co_await next(request);
}

asio::awaitable<http::Response> Csrf::handle(http::Request& request, http::Next next) {
  if (request.policy && request.policy->csrf() && http::unsafe(request.method())) {
    std::string_view origin = request.header(Field::origin);
    if (!origin.empty() && !allowed(origins_, origin)) {
      metrics_->csrf_rejected();
      throw Error(ErrorCode::csrf_failed, "request origin is not allowed");
    }
    // Without a session there is nothing to protect; the route answers 401 (or, for
    // dev-login and logout, does its session-less work).
    if (const auth::Principal* p = principal_of(request)) {
      std::string_view header = request.header("X-CSRF-Token");
      auto cookie = find_cookie(request.header(Field::cookie), csrf_cookie_name);
      // The current key's token is the session's own (derived at load); an older key's
      // is still checked during a rotation.
      bool ok = !header.empty() && cookie && crypto::constant_time_equal(header, *cookie) &&
                (crypto::constant_time_equal(header, p->csrf_token) || keys_.verify(header, p->session.id));
      if (!ok) {
        metrics_->csrf_rejected();
        throw Error(ErrorCode::csrf_failed, "missing or invalid CSRF token");
      }
    }
  }
  return next(request);
}

asio::awaitable<http::Response> AccessGate::handle(http::Request& request, http::Next next) {
  if (!request.policy) return next(request);
  switch (request.policy->access()) {
    case Access::open:
    case Access::session: break;
    case Access::user: require_principal(request); break;
    case Access::admin: {
      const auth::Principal* p = principal_of(request);
      // 404, not 401/403: the admin area does not reveal that it exists.
      if (!p || !p->user.is_admin()) throw Error(ErrorCode::not_found, "no such route");
      break;
    }
  }
  return next(request);
}

}  // namespace ignition::guard
