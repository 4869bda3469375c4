#include "app_config.hpp"

#include <array>

#include <ignition/common/error.hpp>

namespace ignition::api {

AppConfig AppConfig::from_env(const Env& env) {
  AppConfig c;
  c.app_env = env.choice("APP_ENV", "development", {"development", "test", "production"});
  std::string level = env.choice("LOG_LEVEL", "info", {"debug", "info", "warn", "error"});
  log::parse_level(level, c.log_level);
  c.log_format = env.choice("LOG_FORMAT", "json", {"json", "text"}) == "text" ? log::Format::text : log::Format::json;
  c.metrics_token = env.secret("METRICS_TOKEN");
  c.server = http::ServerConfig::from_env(env, c.production());
  c.database = db::PoolConfig::from_env(env);
  c.auth = auth::AuthConfig::from_env(env, c.production());
  c.providers = oidc::providers_from_env(env);
  c.min_age = static_cast<int>(env.integer("MIN_AGE", 13, 0, 120));
  // Only the local store is built; asking for S3 must not quietly store files elsewhere.
  if (env.choice("STORAGE_BACKEND", "fs", {"fs", "s3"}) == "s3")
    throw ConfigError("STORAGE_BACKEND=s3 is not available in this build (the S3 store is not built yet); use fs");
  c.storage_dir = env.string("STORAGE_DIR", "storage");
  constexpr std::int64_t max_limit = 1LL << 34;
  const blobs::Limits defaults;
  c.upload_limits.image = static_cast<std::uint64_t>(
      env.integer("STORAGE_MAX_IMAGE_BYTES", static_cast<std::int64_t>(defaults.image), 1, max_limit));
  c.upload_limits.document = static_cast<std::uint64_t>(
      env.integer("STORAGE_MAX_DOCUMENT_BYTES", static_cast<std::int64_t>(defaults.document), 1, max_limit));
  c.upload_limits.audio = static_cast<std::uint64_t>(
      env.integer("STORAGE_MAX_AUDIO_BYTES", static_cast<std::int64_t>(defaults.audio), 1, max_limit));
  return c;
}

bool is_foreign_variable(std::string_view name) {
  // Standard variables of other tools that happen to share a prefix with ours.
  return name == "HTTP_PROXY";
}

std::span<const std::string_view> config_prefixes() {
  static constexpr std::array<std::string_view, 24> prefixes = {
      "ADMIN_", "APP_",        "AUTH_",   "AZURE_AD_", "BIND",     "COOKIE_",  "CORS_",    "DATABASE_",
      "DB_",    "DEV_",        "GOOGLE_", "HTTP_",     "LOG_",     "METRICS_", "MIN_AGE",  "PORT",
      "R2_",    "RATE_LIMIT_", "S3_",     "SESSION_",  "STORAGE_", "THREADS",  "TRUSTED_", "IGNITION_"};
  return prefixes;
}

}  // namespace ignition::api
