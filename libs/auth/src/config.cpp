#include <ignition/auth/config.hpp>

#include <algorithm>
#include <boost/url/parse.hpp>

#include <ignition/common/crypto.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/log.hpp>

namespace ignition::auth {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

std::optional<RateRule> parse_rate_rule(std::string_view text) {
  if (text == "0") return RateRule{};
  auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::int64_t limit = 0;
  for (char c : text.substr(0, slash)) {
    if (c < '0' || c > '9' || limit > 1'000'000'000) return std::nullopt;
    limit = limit * 10 + (c - '0');
  }
  std::string_view unit = text.substr(slash + 1);
  std::chrono::seconds per{0};
  if (unit == "s" || unit == "sec" || unit == "second")
    per = std::chrono::seconds(1);
  else if (unit == "m" || unit == "min" || unit == "minute")
    per = std::chrono::seconds(60);
  else if (unit == "h" || unit == "hour")
    per = std::chrono::seconds(3600);
  else
    return std::nullopt;
  return RateRule{limit, limit == 0 ? std::chrono::seconds(0) : per};
}

std::optional<std::string> origin_of(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return std::nullopt;
  std::string scheme(parsed->scheme());
  if ((scheme != "http" && scheme != "https") || parsed->host().empty()) return std::nullopt;
  return lower(scheme + "://" + std::string(parsed->encoded_host_and_port()));
}

std::vector<std::string> AuthConfig::allowed_origins() const {
  std::vector<std::string> out = cors_origins;
  if (auto o = origin_of(app_url)) out.push_back(*o);
  return out;
}

namespace {
std::chrono::seconds seconds_of(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::seconds>(ms);
}

// A rule as RATE_LIMIT_* writes it (the defaults are per second, minute or hour).
std::string text_of(RateRule rule) {
  if (rule.off()) return "0";
  const auto per = rule.per.count();
  return std::to_string(rule.limit) + (per == 3600 ? "/hour" : per == 60 ? "/min" : "/s");
}

RateRule rate(const Env& env, std::string_view key, RateRule fallback) {
  const std::string value = env.string(key, text_of(fallback));  // the default shows in --check-config
  auto rule = parse_rate_rule(value);
  if (!rule) throw ConfigError(std::string(key) + " must look like 10/min, 5/s, 100/hour or 0 (got \"" + value + "\")");
  return *rule;
}
}  // namespace

AuthConfig AuthConfig::from_env(const Env& env, bool production) {
  AuthConfig c;
  c.production = production;

  if (auto secret = env.secret("AUTH_SECRET")) {
    if (secret->reveal().size() < 32) throw ConfigError("AUTH_SECRET must be at least 32 bytes long");
    c.secret = *secret;
  } else if (production) {
    throw ConfigError("AUTH_SECRET is required in production (at least 32 bytes)");
  } else {
    // Development: tokens signed with it stop verifying when the process restarts.
    c.secret = Secret(crypto::random_bytes(32));
    log::warn("AUTH_SECRET is not set; using a random one for this process (development only)");
  }
  if (auto old = env.secret("AUTH_SECRET_OLD")) {
    if (old->reveal().size() < 32) throw ConfigError("AUTH_SECRET_OLD must be at least 32 bytes long");
    c.old_secret = *old;
  }

  c.app_url = production ? env.required("APP_URL") : env.string("APP_URL", "http://localhost:3000");
  while (c.app_url.ends_with('/')) c.app_url.pop_back();
  auto app_origin = origin_of(c.app_url);
  if (!app_origin) throw ConfigError("APP_URL must be an absolute http(s) URL (got \"" + c.app_url + "\")");
  if (production && !app_origin->starts_with("https://")) throw ConfigError("APP_URL must use https in production");

  c.callback_base_url = env.string("AUTH_CALLBACK_BASE_URL", c.app_url);
  while (c.callback_base_url.ends_with('/')) c.callback_base_url.pop_back();
  if (!origin_of(c.callback_base_url)) throw ConfigError("AUTH_CALLBACK_BASE_URL must be an absolute http(s) URL");

  for (const auto& origin : env.list("CORS_ORIGINS")) {
    auto normal = origin_of(origin);
    if (!normal || *normal != lower(origin)) {
      throw ConfigError("CORS_ORIGINS must list origins like https://app.example.com (got \"" + origin + "\")");
    }
    c.cors_origins.push_back(*normal);
  }

  c.cookie.session_name = env.string("SESSION_COOKIE_NAME", "session");
  if (c.cookie.session_name.empty() || c.cookie.session_name.find_first_of("=;, \t\"") != std::string::npos) {
    throw ConfigError("SESSION_COOKIE_NAME must be a plain cookie name");
  }
  if (auto domain = env.get("COOKIE_DOMAIN")) c.cookie.domain = *domain;
  c.cookie.secure = env.boolean("COOKIE_SECURE", true);
  if (production && !c.cookie.secure) throw ConfigError("COOKIE_SECURE=false is only allowed outside production");
  std::string same_site = env.choice("COOKIE_SAMESITE", "lax", {"lax", "strict", "none"});
  c.cookie.same_site = same_site == "strict" ? SameSite::strict : same_site == "none" ? SameSite::none : SameSite::lax;
  if (c.cookie.same_site == SameSite::none && !c.cookie.secure) {
    throw ConfigError("COOKIE_SAMESITE=none needs COOKIE_SECURE=true (browsers refuse it otherwise)");
  }

  c.user_sessions.absolute = seconds_of(env.duration("SESSION_TTL", std::chrono::hours(24 * 30)));
  c.user_sessions.idle = seconds_of(env.duration("SESSION_IDLE_TTL", std::chrono::hours(24 * 7)));
  c.admin_sessions.absolute = seconds_of(env.duration("ADMIN_SESSION_TTL", std::chrono::hours(12)));
  c.admin_sessions.idle = seconds_of(env.duration("ADMIN_SESSION_IDLE_TTL", std::chrono::hours(1)));

  for (const auto& email : env.list("ADMIN_EMAILS")) c.admin_emails.push_back(lower(email));
  c.dev_login = env.boolean("DEV_LOGIN", false);
  if (production && c.dev_login) throw ConfigError("DEV_LOGIN=1 is refused when APP_ENV=production");

  c.session_cache_ttl = env.get("SESSION_CACHE_TTL") == "0" ? std::chrono::milliseconds(0)
                                                            : env.duration("SESSION_CACHE_TTL", c.session_cache_ttl);
  c.cleanup_interval = env.duration("SESSION_CLEANUP_INTERVAL", c.cleanup_interval);
  c.trusted_proxies = env.list("TRUSTED_PROXIES");
  c.client_ip_from_cf_header =
      env.choice("CLIENT_IP_HEADER", "x-forwarded-for", {"x-forwarded-for", "cf-connecting-ip"}) == "cf-connecting-ip";
  c.rate_auth = rate(env, "RATE_LIMIT_AUTH", c.rate_auth);
  c.rate_admin = rate(env, "RATE_LIMIT_ADMIN", c.rate_admin);
  c.rate_api = rate(env, "RATE_LIMIT_API", c.rate_api);
  return c;
}

}  // namespace ignition::auth
