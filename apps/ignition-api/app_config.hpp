#pragma once
// Everything ignition-api reads from the environment, parsed and validated once.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <filesystem>

#include <ignition/auth/config.hpp>
#include <ignition/blobs/content.hpp>
#include <ignition/common/env.hpp>
#include <ignition/common/log.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/http/server.hpp>
#include <ignition/oidc/provider.hpp>
#include <ignition/storage/store.hpp>

namespace ignition::api {

struct AppConfig {
  std::string app_env;  // development | test | production
  log::Level log_level = log::Level::info;
  log::Format log_format = log::Format::json;
  std::optional<Secret> metrics_token;
  http::ServerConfig server;
  db::PoolConfig database;
  auth::AuthConfig auth;
  std::vector<oidc::ProviderConfig> providers;
  int min_age = 13;                     // MIN_AGE: /api/v1/me/verify-age
  std::size_t exports_at_once = 2;      // EXPORTS_AT_ONCE: user exports reading the database at once
                                        // (default DB_POOL_SIZE / 4, between 1 and 2)
  std::filesystem::path storage_dir;    // STORAGE_DIR (STORAGE_BACKEND=fs)
  std::optional<storage::S3Config> s3;  // STORAGE_BACKEND=s3: S3_* (or R2_* keys)
  blobs::Limits upload_limits;          // STORAGE_MAX_{IMAGE,DOCUMENT,AUDIO}_BYTES

  bool production() const { return app_env == "production"; }

  /// Throws ConfigError naming the first bad setting.
  static AppConfig from_env(const Env& env);
};

/// Variable prefixes that belong to this project: a set variable starting with one of
/// them that nothing read is reported at start-up (a typo is never silently ignored).
std::span<const std::string_view> config_prefixes();
/// Variables of other tools that match a prefix but are not ours (e.g. HTTP_PROXY).
bool is_foreign_variable(std::string_view name);

}  // namespace ignition::api
