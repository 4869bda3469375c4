#pragma once
// The operational routes: /health, /ready, /metrics.

#include <memory>
#include <optional>

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

/// Publishes the pool's gauges on /metrics.
void add_pool_metrics(http::Metrics& metrics, const db::Pool& pool);

}  // namespace ignition::api
