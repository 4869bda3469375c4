#include "routes.hpp"

#include <unistd.h>

#include <ignition/common/crypto.hpp>
#include <ignition/common/env.hpp>

#include "handlers/admin.hpp"
#include "handlers/auth.hpp"
#include "handlers/blobs.hpp"
#include "handlers/domains.hpp"
#include "handlers/sign_in.hpp"
#include "handlers/users.hpp"
#include "openapi.hpp"
#include "operations.hpp"

namespace ignition::api {

http::Router make_router(Services s) {
  http::Router router;
  const AuthDeps auth_deps{s.pool, s.sessions, s.config.auth, s.sessions.csrf_keys(), s.auth_metrics};
  add_operations_routes(router, {s.pool, s.store, s.metrics, s.config.metrics_token});
  add_auth_routes(router, auth_deps);
  add_sign_in_routes(router, auth_deps, std::move(s.providers));
  const DomainDeps domain_deps{s.pool};
  add_focus_routes(router, domain_deps);
  add_ideas_routes(router, domain_deps);
  add_gamification_routes(router, domain_deps);
  add_habits_routes(router, domain_deps);
  add_quests_routes(router, domain_deps);
  add_goals_routes(router, domain_deps);
  add_calendar_routes(router, domain_deps);
  add_planner_routes(router, domain_deps);
  add_infobase_routes(router, domain_deps);
  add_feedback_routes(router, domain_deps);
  add_market_routes(router, domain_deps);
  add_today_routes(router, domain_deps);
  add_learn_routes(router, domain_deps);
  add_onboarding_routes(router, domain_deps);
  add_books_routes(router, domain_deps);
  add_exercise_routes(router, domain_deps);
  add_programs_routes(router, domain_deps);
  add_users_routes(router, auth_deps, s.store, s.config.min_age, s.config.exports_at_once);
  add_admin_routes(router, auth_deps, s.store);
  const blobs::Deps blob_deps{s.pool, s.store, s.config.upload_limits};
  // Download links are signed with a key of their own, derived from AUTH_SECRET.
  const auto url_key = crypto::hmac_sha256(s.config.auth.secret.reveal(), "ignition blob download urls");
  add_blobs_routes(router, BlobsDeps{blob_deps, std::string(crypto::as_view(url_key))});
  add_tracks_routes(router, blob_deps);
  // Last: the document describes every route of the table, its own included.
  auto document = std::make_shared<std::string>();
  add_reference_routes(router, document);
  *document = openapi_text(router);
  return router;
}

std::string openapi_text(const http::Router& router) {
  return openapi::pretty(openapi::document(router, openapi::fragments()));
}

OfflineRoutes::OfflineRoutes()
    : storage_dir(std::filesystem::temp_directory_path() / ("ignition-offline-" + std::to_string(::getpid()))),
      config(AppConfig::from_env(Env::from_map({{"DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"},
                                                {"AUTH_SECRET", std::string(32, 's')},
                                                {"STORAGE_DIR", storage_dir.string()}}))),
      pool(io.get_executor(), config.database), sessions(pool, config.auth), store(storage::local_store(storage_dir)),
      router(make_router({config, pool, sessions, auth_metrics, *store, std::make_shared<http::Metrics>(), {}})) {}

OfflineRoutes::~OfflineRoutes() {
  std::error_code ignored;
  std::filesystem::remove_all(storage_dir, ignored);
}

}  // namespace ignition::api
