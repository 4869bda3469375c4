#include <ignition/oidc/provider.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <mutex>

#include <ignition/common/error.hpp>
#include <ignition/common/log.hpp>
#include <ignition/oidc/jwt.hpp>

namespace asio = boost::asio;
namespace json = boost::json;

namespace ignition::oidc {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto discovery_ttl = std::chrono::hours(24);
constexpr auto jwks_ttl = std::chrono::hours(24);
// An attacker can send tokens with made-up key ids; each may cost at most this much traffic.
constexpr auto jwks_refetch_interval = std::chrono::seconds(30);
constexpr std::string_view google_issuer = "https://accounts.google.com";
constexpr std::size_t max_error_detail = 120;

struct Discovery {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
};

[[noreturn]] void fail(const char* code, std::string detail) { throw SignInError(code, std::move(detail)); }

std::string without_trailing_slash(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

std::string ascii_lower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::optional<std::string> nonempty_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string() || v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}

// Google has sent email_verified as the string "true" in the past.
bool claim_is_true(const json::object& claims, std::string_view key) {
  const auto* v = claims.if_contains(key);
  return v && ((v->is_bool() && v->get_bool()) || (v->is_string() && v->get_string() == "true"));
}

// A GET whose answer must be 200. Transport failures and error statuses both mean the
// provider cannot be used right now.
asio::awaitable<std::string> fetch_body(outbound::Client& client, std::string url, const char* what) {
  outbound::NameValueList headers{{"Accept", "application/json"}};
  try {
    auto response = co_await client.get(std::move(url), std::move(headers));
    if (response.status != 200) {
      fail("provider_unavailable", std::string(what) + " answered HTTP " + std::to_string(response.status));
    }
    co_return std::move(response.body);
  } catch (const outbound::ClientError& e) {
    fail("provider_unavailable", std::string(what) + ": " + e.what());
  }
}

Discovery parse_discovery(std::string_view body, const std::string& configured_issuer) {
  auto document = parse_object(body);
  if (!document) fail("provider_unavailable", "discovery document is not a JSON object");
  auto field = [&](std::string_view name) {
    auto value = nonempty_string(*document, name);
    if (!value) fail("provider_unavailable", "discovery document lacks '" + std::string(name) + "'");
    return *value;
  };
  Discovery d{field("issuer"), field("authorization_endpoint"), field("token_endpoint"), field("jwks_uri")};
  // OIDC Discovery §4.3: the document must be the configured issuer's. Microsoft's
  // multi-tenant endpoints (/common, /organizations) name a {tenantid} template instead.
  if (without_trailing_slash(d.issuer) != without_trailing_slash(configured_issuer) &&
      d.issuer.find("{tenantid}") == std::string::npos) {
    fail("provider_unavailable", "discovery names issuer '" + d.issuer + "', configured '" + configured_issuer + "'");
  }
  return d;
}

std::vector<std::string> accepted_issuers(const Discovery& d) {
  std::vector<std::string> issuers{d.issuer};
  // Google documents both spellings for the `iss` of its ID tokens.
  if (d.issuer == google_issuer) issuers.emplace_back("accounts.google.com");
  return issuers;
}

std::string id_token_from(const outbound::ClientResponse& response) {
  auto document = parse_object(response.body);
  if (response.status != 200) {
    std::string error = document ? nonempty_string(*document, "error").value_or("") : "";
    if (error.size() > max_error_detail) error.resize(max_error_detail);
    fail("token_exchange_failed",
         "token endpoint answered HTTP " + std::to_string(response.status) + (error.empty() ? "" : " " + error));
  }
  if (!document) fail("token_exchange_failed", "token response is not a JSON object");
  auto id_token = nonempty_string(*document, "id_token");
  if (!id_token) fail("token_exchange_failed", "token response has no id_token");
  return *id_token;
}

Identity to_identity(const std::string& provider, const json::object& claims) {
  Identity id;
  id.provider = provider;
  if (provider == "microsoft") {
    // tid + oid is Microsoft's stable, tenant-scoped user id; `sub` is per-application and the
    // email can change or be reassigned.
    auto tid = nonempty_string(claims, "tid");
    auto oid = nonempty_string(claims, "oid");
    if (!tid || !oid) fail("invalid_token", "Microsoft token without 'tid' and 'oid'");
    id.account_id = *tid + ":" + *oid;
    id.email_verified = claim_is_true(claims, "xms_edov");
  } else {
    auto sub = nonempty_string(claims, "sub");
    if (!sub) fail("invalid_token", "token without 'sub'");
    id.account_id = *sub;
    id.email_verified = claim_is_true(claims, "email_verified");
  }
  auto email = nonempty_string(claims, "email");
  if (!email || email->find('@') == std::string::npos) fail("email_missing", "token carries no email address");
  id.email = ascii_lower(*email);
  id.name = nonempty_string(claims, "name");
  id.picture = nonempty_string(claims, "picture");
  return id;
}

}  // namespace

std::vector<ProviderConfig> providers_from_env(const Env& env) {
  std::vector<ProviderConfig> out;
  auto secret_for = [&env](const char* id_key, const char* secret_key) {
    auto secret = env.secret(secret_key);
    if (!secret) throw ConfigError(std::string(secret_key) + " is required when " + id_key + " is set");
    return *secret;
  };
  if (auto client_id = env.get("GOOGLE_CLIENT_ID")) {
    out.push_back(ProviderConfig{"google", "Google", env.string("GOOGLE_ISSUER", google_issuer), *client_id,
                                 secret_for("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")});
  }
  if (auto client_id = env.get("AZURE_AD_CLIENT_ID")) {
    const auto tenant = env.string("AZURE_AD_TENANT_ID", "common");
    const auto issuer = env.string("AZURE_AD_ISSUER", "https://login.microsoftonline.com/" + tenant + "/v2.0");
    out.push_back(ProviderConfig{"microsoft", "Microsoft", issuer, *client_id,
                                 secret_for("AZURE_AD_CLIENT_ID", "AZURE_AD_CLIENT_SECRET")});
  }
  return out;
}

// The state shared by copies of a Provider. The coroutines are static members taking the
// Impl by shared_ptr, so a request keeps its caches alive; the mutex guards the cached data
// only and is never held across a co_await.
struct Provider::Impl {
  Impl(ProviderConfig c, outbound::Client& h) : config(std::move(c)), client(h) {}

  const ProviderConfig config;
  outbound::Client& client;

  std::mutex mutex;
  std::optional<Discovery> discovery;
  Clock::time_point discovered_at;
  std::shared_ptr<const JwkSet> jwks;
  Clock::time_point jwks_fetched_at;
  std::optional<Clock::time_point> last_refetch;
  bool refetching = false;  // the slot's refetch is still on its way

  // Takes the one refetch slot of the current interval, if it is free.
  bool claim_refetch() {
    std::lock_guard lock(mutex);
    const auto now = Clock::now();
    if (last_refetch && now - *last_refetch < jwks_refetch_interval) return false;
    last_refetch = now;
    refetching = true;
    return true;
  }
  bool refetch_pending() {
    std::lock_guard lock(mutex);
    return refetching;
  }
  void refetch_done() {
    std::lock_guard lock(mutex);
    refetching = false;
  }

  static asio::awaitable<Discovery> discover(std::shared_ptr<Impl> self);
  static asio::awaitable<std::shared_ptr<const JwkSet>> key_set(std::shared_ptr<Impl> self, std::string uri,
                                                                bool force);
  static asio::awaitable<Jwk> signing_key(std::shared_ptr<Impl> self, std::string uri, std::optional<std::string> kid);
  static asio::awaitable<std::string> exchange_code(std::shared_ptr<Impl> self, std::string token_endpoint,
                                                    std::string code, std::string verifier, std::string redirect_uri);
  static asio::awaitable<std::string> authorization_url(std::shared_ptr<Impl> self, std::string state,
                                                        std::string nonce, std::string challenge,
                                                        std::string redirect_uri);
  static asio::awaitable<Identity> complete(std::shared_ptr<Impl> self, std::string code, std::string verifier,
                                            std::string nonce, std::string redirect_uri);
};

asio::awaitable<Discovery> Provider::Impl::discover(std::shared_ptr<Impl> self) {
  std::optional<Discovery> cached;
  {
    std::lock_guard lock(self->mutex);
    if (self->discovery && Clock::now() - self->discovered_at < discovery_ttl) cached = self->discovery;
  }
  if (cached) co_return *cached;
  auto url = without_trailing_slash(self->config.issuer) + "/.well-known/openid-configuration";
  auto body = co_await fetch_body(self->client, std::move(url), "discovery");
  auto fresh = parse_discovery(body, self->config.issuer);
  {
    std::lock_guard lock(self->mutex);
    self->discovery = fresh;
    self->discovered_at = Clock::now();
  }
  co_return fresh;
}

asio::awaitable<std::shared_ptr<const JwkSet>> Provider::Impl::key_set(std::shared_ptr<Impl> self, std::string uri,
                                                                       bool force) {
  std::shared_ptr<const JwkSet> cached;
  {
    std::lock_guard lock(self->mutex);
    if (!force && self->jwks && Clock::now() - self->jwks_fetched_at < jwks_ttl) cached = self->jwks;
  }
  if (cached) co_return cached;
  auto body = co_await fetch_body(self->client, std::move(uri), "JWKS");
  auto fresh = std::make_shared<const JwkSet>(JwkSet::parse(body));
  {
    std::lock_guard lock(self->mutex);
    self->jwks = fresh;
    self->jwks_fetched_at = Clock::now();
  }
  co_return fresh;
}

asio::awaitable<Jwk> Provider::Impl::signing_key(std::shared_ptr<Impl> self, std::string uri,
                                                 std::optional<std::string> kid) {
  auto keys = co_await key_set(self, uri, false);
  if (const auto* key = keys->find(kid)) co_return *key;
  // An unknown kid usually means the provider rotated its keys since the last fetch.
  if (!self->claim_refetch()) {
    // This interval's refetch is taken. Sign-ins that meet a rotated key together all see the
    // new kid: while that refetch is on its way (at most the client's timeout), its keys are
    // waited for, not refused. (A short poll: this happens once per key rotation.)
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (int i = 0; i < 1000 && self->refetch_pending(); ++i) {
      pause.expires_after(std::chrono::milliseconds(10));
      co_await pause.async_wait(asio::use_awaitable);
    }
    auto latest = co_await key_set(self, uri, false);
    if (const auto* key = latest->find(kid)) co_return *key;
    fail("invalid_signature", "unknown key id (JWKS refetched recently)");
  }
  struct Done {
    Impl& impl;
    ~Done() { impl.refetch_done(); }
  } done{*self};
  log::info("oidc jwks refetch", {{"provider", self->config.id}, {"reason", "unknown kid"}});
  auto fresh = co_await key_set(self, uri, true);
  if (const auto* key = fresh->find(kid)) co_return *key;
  fail("invalid_signature", "unknown key id");
}

asio::awaitable<std::string> Provider::Impl::exchange_code(std::shared_ptr<Impl> self, std::string token_endpoint,
                                                           std::string code, std::string verifier,
                                                           std::string redirect_uri) {
  outbound::NameValueList form{{"grant_type", "authorization_code"},
                               {"code", std::move(code)},
                               {"redirect_uri", std::move(redirect_uri)},
                               {"client_id", self->config.client_id},
                               {"client_secret", self->config.client_secret.reveal()},
                               {"code_verifier", std::move(verifier)}};
  outbound::NameValueList headers{{"Accept", "application/json"}};
  try {
    auto response = co_await self->client.post_form(std::move(token_endpoint), std::move(form), std::move(headers));
    co_return id_token_from(response);
  } catch (const outbound::ClientError& e) {
    fail("provider_unavailable", std::string("token endpoint: ") + e.what());
  }
}

asio::awaitable<std::string> Provider::Impl::authorization_url(std::shared_ptr<Impl> self, std::string state,
                                                               std::string nonce, std::string challenge,
                                                               std::string redirect_uri) {
  auto endpoints = co_await discover(self);
  outbound::NameValueList params{{"response_type", "code"},
                                 {"client_id", self->config.client_id},
                                 {"redirect_uri", std::move(redirect_uri)},
                                 {"scope", "openid email profile"},
                                 {"state", std::move(state)},
                                 {"nonce", std::move(nonce)},
                                 {"code_challenge", std::move(challenge)},
                                 {"code_challenge_method", "S256"}};
  const char separator = endpoints.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
  co_return endpoints.authorization_endpoint + separator + outbound::form_urlencode(params);
}

asio::awaitable<Identity> Provider::Impl::complete(std::shared_ptr<Impl> self, std::string code, std::string verifier,
                                                   std::string nonce, std::string redirect_uri) {
  auto endpoints = co_await discover(self);
  auto id_token = co_await exchange_code(self, endpoints.token_endpoint, std::move(code), std::move(verifier),
                                         std::move(redirect_uri));
  auto jws = Jws::parse(id_token);
  // Refuse `none`/HS256 before a refetch could be triggered by such a token.
  check_algorithm(jws);
  auto kid = jws.kid();
  auto key = co_await signing_key(self, endpoints.jwks_uri, std::move(kid));
  verify_signature(jws, key);
  ClaimRules rules;
  rules.issuers = accepted_issuers(endpoints);
  rules.client_id = self->config.client_id;
  rules.nonce = std::move(nonce);
  check_claims(jws.payload, rules);
  co_return to_identity(self->config.id, jws.payload);
}

Provider::Provider(ProviderConfig config, outbound::Client& client) {
  if (config.id.empty() || config.issuer.empty() || config.client_id.empty()) {
    throw ConfigError("OpenID Connect provider '" + config.id + "' needs an id, an issuer and a client id");
  }
  impl_ = std::make_shared<Impl>(std::move(config), client);
}

const ProviderConfig& Provider::config() const noexcept { return impl_->config; }

// The public members are plain functions handing the Impl to a coroutine by value, so the
// coroutine never refers to this Provider object (which may be moved or destroyed).
asio::awaitable<std::string> Provider::authorization_url(std::string state, std::string nonce,
                                                         std::string code_challenge, std::string redirect_uri) {
  return Impl::authorization_url(impl_, std::move(state), std::move(nonce), std::move(code_challenge),
                                 std::move(redirect_uri));
}

asio::awaitable<Identity> Provider::complete(std::string code, std::string code_verifier, std::string nonce,
                                             std::string redirect_uri) {
  return Impl::complete(impl_, std::move(code), std::move(code_verifier), std::move(nonce), std::move(redirect_uri));
}

}  // namespace ignition::oidc
