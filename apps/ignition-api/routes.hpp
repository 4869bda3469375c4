#pragma once
// The route table of ignition-api: every route with its handler and its policy, built from
// the services the handlers use. main() serves it; the route-table test checks and prints it.

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ignition/auth/metrics.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/http/metrics.hpp>
#include <ignition/http/router.hpp>
#include <ignition/oidc/provider.hpp>
#include <ignition/storage/store.hpp>

#include "app_config.hpp"

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

/// Every route, the OpenAPI document's own included (GET /api/v1/openapi.json). Throws
/// std::invalid_argument when the document and the table differ (openapi.hpp).
http::Router make_router(Services services);

/// The OpenAPI document of `router` as served and as `--print-openapi` writes it.
std::string openapi_text(const http::Router& router);

/// The route table built with a configuration of its own and a pool that never connects: what is
/// made from the table alone needs no database (`--print-openapi`, the route-table test).
struct OfflineRoutes {
  OfflineRoutes();
  ~OfflineRoutes();
  OfflineRoutes(const OfflineRoutes&) = delete;
  OfflineRoutes& operator=(const OfflineRoutes&) = delete;

  std::filesystem::path storage_dir;
  boost::asio::io_context io;
  AppConfig config;
  db::Pool pool;
  auth::SessionStore sessions;
  auth::AuthMetrics auth_metrics;
  std::unique_ptr<storage::Store> store;
  http::Router router;
};

}  // namespace ignition::api
