#include "operations.hpp"

#include <fmt/format.h>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include <ignition/common/crypto.hpp>
#include <ignition/common/embedded.hpp>
#include <ignition/common/log.hpp>
#include <ignition/db/error.hpp>
#include <ignition/http/response.hpp>

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace ignition::api {

namespace reference {
/// The reference page's files (reference/): the page, its script, and Swagger UI's bundle and
/// style sheet from npm.
std::span<const EmbeddedFile> files();
}  // namespace reference

namespace {
// A load balancer wants a quick answer; a database slower than this is not ready.
constexpr auto ready_check_timeout = std::chrono::seconds(2);

const db::Statement schema_version{"ops_schema_version", "SELECT coalesce(max(version), 0) FROM schema_migrations"};

void log_failed_check(const std::exception& e) {
  log::warn("readiness check failed", {{"check", "database"}, {"error", e.what()}});
}

// The schema version, or the reason the database is not usable. Failure is a value:
// `||` below waits for the first *success*, and a refused connection must not wait
// for the timer. Cancellation (the request's deadline) is not a database failure and
// propagates.
asio::awaitable<std::variant<int, std::string>> check_database(db::Pool& pool) {
  try {
    auto result = co_await pool.execute(schema_version);
    co_return result.one().get<int>(0);
  } catch (const DependencyUnavailable& e) {
    log_failed_check(e);
  } catch (const db::Error& e) {
    log_failed_check(e);
  }
  co_return std::string("unreachable");
}

asio::awaitable<http::Response> ready(db::Pool& pool, storage::Store& store) {
  asio::steady_timer timer(co_await asio::this_coro::executor, ready_check_timeout);
  auto outcome = co_await (check_database(pool) || timer.async_wait(asio::use_awaitable));
  boost::json::object checks;
  boost::json::object body;
  bool ok = false;
  // `||` flattens the alternatives: int (version), string (failure), monostate (timer).
  if (auto* version = std::get_if<int>(&outcome)) {
    checks["database"] = "ok";
    body["schema_version"] = *version;
    ok = true;
  } else if (auto* failure = std::get_if<std::string>(&outcome)) {
    checks["database"] = *failure;
  } else {
    checks["database"] = "timeout";
  }
  // Uploads and downloads need the store as much as the database.
  bool stored = false;
  try {
    stored = co_await store.reachable();
  } catch (const std::exception& e) {
    log::warn("readiness check of storage failed", {{"error", e.what()}});
  }
  checks["storage"] = stored ? "ok" : "unreachable";
  ok = ok && stored;
  body["status"] = ok ? "ok" : "unavailable";
  body["checks"] = std::move(checks);
  co_return http::json_response(ok ? http::Status::ok : http::Status::service_unavailable, body);
}

// What Swagger UI needs: scripts, a style sheet and images from this origin (data: for its icons
// and the page's empty favicon) and fetches of the document and of "Try it out" to it. Nothing
// inline, nothing from elsewhere.
constexpr std::string_view reference_page_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
constexpr std::string_view reference_page = "index.html";

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "text/javascript; charset=utf-8";
}

const EmbeddedFile* reference_file(std::string_view name) {
  for (const auto& file : reference::files()) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

http::Response reference_response(const EmbeddedFile& file) {
  http::Response res(http::Status::ok);
  res.set(http::Field::content_type, content_type_of(file.name));
  res.body() = file.text;
  return res;
}
}  // namespace

void add_operations_routes(http::Router& router, OperationsDeps deps) {
  // For probes and scrapers: no session; /metrics asks for its own bearer token when one is set.
  const http::Policy policy = http::access::open;
  router.add(http::Verb::get, "/health", policy, [](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::json_response(http::Status::ok, boost::json::object{{"status", "ok"}});
  });
  router.add(http::Verb::get, "/ready", policy,
             [&pool = deps.pool, &store = deps.store](http::Request&) { return ready(pool, store); });
  router.add(
      http::Verb::get, "/metrics", policy,
      [metrics = deps.metrics, token = deps.metrics_token](http::Request& req) -> asio::awaitable<http::Response> {
        if (token) {
          std::string expected = "Bearer " + token->reveal();
          if (!crypto::constant_time_equal(req.header(http::Field::authorization), expected)) {
            throw Error(ErrorCode::unauthorized, "metrics need the bearer token");
          }
        }
        http::Response res(http::Status::ok);
        res.set(http::Field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = metrics->render();
        co_return res;
      });
}

void add_reference_routes(http::Router& router, std::shared_ptr<const std::string> document) {
  // No session, but counted like the rest of /api/v1: the document is a few hundred KiB.
  const http::Policy policy = http::access::open.limited(http::RateClass::api);
  router.add(http::Verb::get, "/api/v1/openapi.json", policy,
             [document = std::move(document)](http::Request&) -> asio::awaitable<http::Response> {
               http::Response res(http::Status::ok);
               res.set(http::Field::content_type, "application/json; charset=utf-8");
               res.body() = *document;
               co_return res;
             });
  router.add(http::Verb::get, "/api/v1/docs", policy, [](http::Request&) -> asio::awaitable<http::Response> {
    auto res = reference_response(*reference_file(reference_page));
    res.set("Content-Security-Policy", reference_page_policy);
    co_return res;
  });
  // The page's assets change only with the build: an hour in the browser's cache.
  router.add(http::Verb::get, "/api/v1/docs/{file}", policy, [](http::Request& req) -> asio::awaitable<http::Response> {
    const auto* file = reference_file(req.param("file"));
    if (file == nullptr || file->name == reference_page) throw Error(ErrorCode::not_found, "no such file");
    auto res = reference_response(*file);
    res.set(http::Field::cache_control, "public, max-age=3600");
    co_return res;
  });
}

void add_pool_metrics(http::Metrics& metrics, const db::Pool& pool) {
  metrics.add_source([&pool](std::string& out) {
    auto s = pool.stats();
    out += "# HELP db_pool_connections Database connections by state.\n# TYPE db_pool_connections gauge\n";
    out += fmt::format("db_pool_connections{{state=\"in_use\"}} {}\n", s.in_use);
    out += fmt::format("db_pool_connections{{state=\"idle\"}} {}\n", s.idle);
    out += fmt::format("db_pool_connections{{state=\"open\"}} {}\n", s.size);
    out += "# HELP db_pool_max_connections Pool size limit.\n# TYPE db_pool_max_connections gauge\n";
    out += fmt::format("db_pool_max_connections {}\n", s.max_size);
    out += "# HELP db_pool_waiting Requests waiting for a connection.\n# TYPE db_pool_waiting gauge\n";
    out += fmt::format("db_pool_waiting {}\n", s.waiting);
    out +=
        "# HELP db_pool_acquire_timeouts_total Acquires that hit the deadline.\n"
        "# TYPE db_pool_acquire_timeouts_total counter\n";
    out += fmt::format("db_pool_acquire_timeouts_total {}\n", s.acquire_timeouts);
    out +=
        "# HELP db_pool_connections_opened_total Connections opened.\n"
        "# TYPE db_pool_connections_opened_total counter\n";
    out += fmt::format("db_pool_connections_opened_total {}\n", s.connections_opened);
    out +=
        "# HELP db_pool_connections_dropped_total Broken or closed connections discarded.\n"
        "# TYPE db_pool_connections_dropped_total counter\n";
    out += fmt::format("db_pool_connections_dropped_total {}\n", s.connections_dropped);
    pool.timings().render(out);
  });
}

}  // namespace ignition::api
