#pragma once
/// Everything the auth library reads from the environment, validated once.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <ignition/common/env.hpp>

namespace ignition::auth {

enum class SameSite { lax, strict, none };

struct CookieConfig {
  std::string session_name = "session";
  std::optional<std::string> domain;  ///< only when COOKIE_DOMAIN is set: never a guessed default
  bool secure = true;
  SameSite same_site = SameSite::lax;
};

struct SessionPolicy {
  std::chrono::seconds absolute;  ///< from creation
  std::chrono::seconds idle;      ///< since last_active_at
};

/// "10/min" style limit; `per == 0` means off.
struct RateRule {
  std::int64_t limit = 0;
  std::chrono::seconds per{0};
  bool off() const noexcept { return limit == 0; }
};

struct AuthConfig {
  bool production = false;
  Secret secret;                     ///< AUTH_SECRET: signs CSRF tokens
  std::optional<Secret> old_secret;  ///< AUTH_SECRET_OLD: still verifies during a rotation
  std::string app_url;               ///< APP_URL, no trailing slash
  /// AUTH_CALLBACK_BASE_URL (default APP_URL): where providers send the browser back,
  /// + "/auth/{provider}/callback"; the app's origin is expected to route /auth/* here.
  std::string callback_base_url;
  std::vector<std::string> cors_origins;
  CookieConfig cookie;
  SessionPolicy user_sessions{std::chrono::hours(24 * 30), std::chrono::hours(24 * 7)};
  SessionPolicy admin_sessions{std::chrono::hours(12), std::chrono::hours(1)};
  std::vector<std::string> admin_emails;  ///< lower-case
  bool dev_login = false;
  std::chrono::milliseconds session_cache_ttl{30'000};  ///< 0 turns the cache off
  std::chrono::milliseconds cleanup_interval{3'600'000};
  std::vector<std::string> trusted_proxies;  ///< CIDRs
  /// CLIENT_IP_HEADER=cf-connecting-ip: a trusted proxy's `CF-Connecting-IP` names the client
  /// (Cloudflare in front). Otherwise only `X-Forwarded-For` is read: behind another balancer
  /// the header would be the client's own word.
  bool client_ip_from_cf_header = false;
  RateRule rate_auth{10, std::chrono::seconds(60)};
  RateRule rate_admin{100, std::chrono::seconds(60)};
  RateRule rate_api{300, std::chrono::seconds(60)};

  /// Origins allowed to send unsafe requests: APP_URL's origin plus CORS_ORIGINS.
  std::vector<std::string> allowed_origins() const;

  /// Throws ConfigError naming the setting. In production AUTH_SECRET (≥ 32 bytes) and an
  /// https APP_URL are required, cookies must be Secure and DEV_LOGIN is refused. Outside
  /// production a missing AUTH_SECRET is replaced by a random one for this process.
  static AuthConfig from_env(const Env& env, bool production);
};

/// Parses "10/min", "5/s", "100/hour" or "0" (off); nullopt when malformed.
std::optional<RateRule> parse_rate_rule(std::string_view text);
/// "https://app.example.com:8443/x" → "https://app.example.com:8443"; nullopt unless http(s).
std::optional<std::string> origin_of(std::string_view url);

}  // namespace ignition::auth
