#pragma once
// The route table of ignition-api: every route with its handler and its policy, built from
// the services the handlers use. main() serves it; the route-table test checks and prints it.

#include <memory>
#include <vector>

#include <ignition/auth/metrics.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/http/metrics.hpp>
#include <ignition/http/router.hpp>
#include <ignition/oidc/provider.hpp>
#include <ignition/storage/store.hpp>

#include "app_config.hpp"

namespace ignition::db {
class Pool;
}

namespace ignition::api {

struct Services {
  const AppConfig& config;
  db::Pool& pool;
  auth::SessionStore& sessions;
  auth::AuthMetrics& auth_metrics;
  storage::Store& store;
  std::shared_ptr<http::Metrics> metrics;
  std::vector<oidc::Provider> providers;
};

http::Router make_router(Services services);

}  // namespace ignition::api
