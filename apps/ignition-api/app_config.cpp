#include "app_config.hpp"

#include <algorithm>
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
  // Far below the pool: an export holds a pooled connection while it reads.
  const auto exports_default = std::clamp<std::int64_t>(static_cast<std::int64_t>(c.database.size) / 4, 1, 2);
  c.exports_at_once = static_cast<std::size_t>(env.integer("EXPORTS_AT_ONCE", exports_default, 1, 64));
  if (env.choice("STORAGE_BACKEND", "fs", {"fs", "s3"}) == "s3") {
    // R2's dashboard names the keys R2_*; either name is accepted.
    const auto either = [&](std::string_view s3, std::string_view r2) {
      if (auto value = env.get(s3)) return *value;
      if (auto value = env.get(r2)) return *value;
      throw ConfigError(std::string(s3) + " (or " + std::string(r2) + ") is required with STORAGE_BACKEND=s3");
    };
    storage::S3Config s3;
    s3.endpoint = env.required("S3_ENDPOINT");
    if (!s3.endpoint.starts_with("https://") && !(s3.endpoint.starts_with("http://") && !c.production()))
      throw ConfigError("S3_ENDPOINT must be an https:// URL");
    s3.bucket = env.required("S3_BUCKET");
    s3.region = env.string("S3_REGION", "auto");
    s3.credentials.access_key_id = either("S3_ACCESS_KEY_ID", "R2_ACCESS_KEY_ID");
    s3.credentials.secret_access_key = Secret(either("S3_SECRET_ACCESS_KEY", "R2_SECRET_ACCESS_KEY"));
    c.s3 = std::move(s3);
  }
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
  static constexpr std::array<std::string_view, 25> prefixes = {
      "ADMIN_",      "APP_", "AUTH_",    "AZURE_AD_", "BIND",    "CLIENT_IP_", "COOKIE_",  "CORS_", "DATABASE_",
      "DB_",         "DEV_", "GOOGLE_",  "HTTP_",     "LOG_",    "METRICS_",   "MIN_AGE",  "PORT",  "R2_",
      "RATE_LIMIT_", "S3_",  "SESSION_", "STORAGE_",  "THREADS", "TRUSTED_",   "IGNITION_"};
  return prefixes;
}

}  // namespace ignition::api
