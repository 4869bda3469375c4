#pragma once
// The operational routes: /health, /ready, /metrics; the reference of the API.

#include <memory>
#include <optional>
#include <string>

#include <ignition/common/env.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/http/metrics.hpp>
#include <ignition/http/router.hpp>
#include <ignition/storage/store.hpp>

namespace ignition::api {

struct OperationsDeps {
  db::Pool& pool;
  storage::Store& store;
  std::shared_ptr<http::Metrics> metrics;
  std::optional<Secret> metrics_token;
};

void add_operations_routes(http::Router& router, OperationsDeps deps);

/// GET /api/v1/openapi.json answers `document`, which the caller fills once the table is whole;
/// GET /api/v1/docs is the page that renders it for people (Swagger UI).
void add_reference_routes(http::Router& router, std::shared_ptr<const std::string> document);

/// Publishes the pool's gauges on /metrics.
void add_pool_metrics(http::Metrics& metrics, const db::Pool& pool);

}  // namespace ignition::api
