// ignition-api: reads the configuration, checks the schema, wires the libraries into
// the HTTP server, and serves until SIGTERM/SIGINT (then drains and exits 0).
// Its other commands (usage below) check the configuration or a running instance, or write the
// OpenAPI document.

#include <sys/resource.h>
#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <ignition/auth/maintenance.hpp>
#include <ignition/common/crypto.hpp>
#include <ignition/common/env.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/log.hpp>
#include <ignition/common/version.hpp>
#include <ignition/db/connection.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/listener.hpp>
#include <ignition/db/migrations.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/guard/layers.hpp>
#include <ignition/http/server.hpp>
#include <ignition/http/standard_middleware.hpp>
#include <ignition/migrations/embedded.hpp>

#include "app_config.hpp"
#include "commands.hpp"
#include "operations.hpp"
#include "routes.hpp"

namespace asio = boost::asio;
using namespace ignition;

namespace {

// Refuses to serve a database whose schema is not exactly this build's: a missing
// migration would otherwise surface as failing requests.
void verify_schema(const db::PoolConfig& config) {
  asio::io_context io;
  auto check = [&]() -> asio::awaitable<void> {
    auto connection = co_await db::Connection::connect(io.get_executor(), config.url, config.connect_timeout);
    co_await db::Migrator(migrations::embedded()).verify(*connection);
  };
  auto done = asio::co_spawn(io, check(), asio::use_future);
  io.run();
  done.get();
}

// Each connection is a descriptor. The soft limit is often 1,024 where the hard one is far
// higher: take the hard one, so that HTTP_MAX_CONNECTIONS decides, and say when it cannot.
void allow_descriptors(std::size_t connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  constexpr std::size_t spare = 256;  // pool, listener, storage, log
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < connections + spare) {
    log::warn("descriptor limit below HTTP_MAX_CONNECTIONS",
              {{"limit", static_cast<std::int64_t>(limit.rlim_cur)},
               {"max_connections", static_cast<std::int64_t>(connections)}});
  }
}

int serve(const api::AppConfig& config) {
  asio::io_context io(static_cast<int>(config.server.threads));
  db::Pool pool(io.get_executor(), config.database);
  auto metrics = std::make_shared<http::Metrics>();
  api::add_pool_metrics(*metrics, pool);

  // Sessions: cached, with revocations from every instance arriving by NOTIFY.
  auth::SessionStore sessions(pool, config.auth);
  db::Listener listener(io.get_executor(), config.database.url, config.database.connect_timeout);
  sessions.attach(listener);
  listener.start();
  auto auth_metrics = std::make_shared<auth::AuthMetrics>();
  metrics->add_source([&sessions, auth_metrics](std::string& out) { auth_metrics->render(out, sessions); });
  // The job and its stop signal share a strand: with several threads, a cancellation emitted
  // while the coroutine runs on another thread is a data race (seen as a crash at shutdown).
  auto maintenance_strand = asio::make_strand(io);
  asio::cancellation_signal stop_maintenance;
  asio::co_spawn(maintenance_strand, auth::session_maintenance(sessions, *auth_metrics, config.auth.cleanup_interval),
                 asio::bind_cancellation_slot(stop_maintenance.slot(), asio::detached));

  // Outbound HTTPS to the identity providers; plain http only to loopback, outside production.
  outbound::ClientConfig client_config;
  client_config.allow_plain_http_loopback = !config.production();
  outbound::Client provider_client(io.get_executor(), client_config);
  std::vector<oidc::Provider> providers;
  for (const auto& p : config.providers) providers.emplace_back(p, provider_client);

  // Object storage: a bucket (its own outbound client: long transfers, ranges of a few MiB)
  // or the local directory.
  std::unique_ptr<outbound::Client> storage_client;
  std::unique_ptr<storage::Store> store;
  if (config.s3) {
    outbound::ClientConfig storage_client_config;
    storage_client_config.allow_plain_http_loopback = !config.production();
    storage_client_config.timeout = std::chrono::seconds(60);
    storage_client_config.max_response_bytes = 2 * config.s3->read_size;
    storage_client = std::make_unique<outbound::Client>(io.get_executor(), storage_client_config);
    store = storage::s3_store(*storage_client, *config.s3);
  } else {
    store = storage::local_store(config.storage_dir);
  }
  log::info("object storage", {{"backend", std::string(store->kind())}});
  auto traffic = std::make_shared<storage::Traffic>();
  store = storage::counted(std::move(store), traffic);
  metrics->add_source([traffic](std::string& out) {
    out +=
        "# HELP ignition_storage_bytes_total Bytes written to and read from object storage.\n"
        "# TYPE ignition_storage_bytes_total counter\n";
    out += "ignition_storage_bytes_total{direction=\"in\"} " + std::to_string(traffic->bytes_in.load()) + "\n";
    out += "ignition_storage_bytes_total{direction=\"out\"} " + std::to_string(traffic->bytes_out.load()) + "\n";
  });
  http::Router router =
      api::make_router({config, pool, sessions, *auth_metrics, *store, metrics, std::move(providers)});

  // Outermost first. The id and the CORS fields come first, so that every answer carries
  // them, errors too (the server turns what the pipeline throws into the error body); the
  // session is read before CSRF, and CSRF before the access gate.
  const guard::TrustedProxies proxies(config.auth.trusted_proxies);
  http::Pipeline pipeline;
  pipeline.add(std::make_shared<http::RequestId>())
      .add(std::make_shared<guard::Cors>(config.auth.cors_origins))
      .add(std::make_shared<guard::ClientIp>(proxies, config.auth.client_ip_from_cf_header))
      .add(std::make_shared<guard::RateLimit>(config.auth, auth_metrics))
      .add(std::make_shared<guard::SessionLayer>(sessions, config.auth, auth_metrics))
      .add(std::make_shared<guard::Csrf>(sessions.csrf_keys(), config.auth.allowed_origins(), auth_metrics))
      .add(std::make_shared<guard::AccessGate>());

  // Caught from before the `listening` line: a stop sent as soon as it appears is a clean stop.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  http::ServerConfig server_config = config.server;
  server_config.default_headers = http::security_headers(config.auth.cookie.secure);
  // A proxy carries many clients' connections: the per-client cap counts the clients, not it.
  server_config.uncapped_peer = [proxies](const asio::ip::address& peer) { return proxies.trusted(peer); };
  allow_descriptors(server_config.max_connections);
  http::Server server(io, std::move(server_config), std::move(router), std::move(pipeline), http::AccessLog(metrics));
  server.start();
  log::info("listening", {{"address", config.server.bind},
                          {"port", server.port()},
                          {"threads", config.server.threads},
                          {"app_env", config.app_env}});

  // Shutdown: stop accepting, let in-flight requests finish, stop the background work;
  // the event loop then runs out of work and returns, so no coroutine is left holding a
  // pooled connection. The deadline only forces the end when draining takes too long.
  asio::steady_timer drain_deadline(io);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log::info("shutting down", {{"signal", signal}});
    listener.stop();
    asio::post(maintenance_strand, [&stop_maintenance] { stop_maintenance.emit(asio::cancellation_type::terminal); });
    drain_deadline.expires_after(config.server.shutdown_timeout);
    drain_deadline.async_wait([&io](boost::system::error_code e) {
      if (!e) {
        log::warn("shutdown deadline passed with requests in flight");
        io.stop();
      }
    });
    server.shutdown([&io, &drain_deadline] { asio::post(io, [&drain_deadline] { drain_deadline.cancel(); }); });
  });

  std::vector<std::jthread> threads;
  for (std::size_t i = 1; i < config.server.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  threads.clear();
  pool.close();
  log::info("stopped");
  return 0;
}

}  // namespace

const char* const usage =
    "usage: ignition-api                  serve (configured by the environment, docs/configuration.md)\n"
    "       ignition-api --check-config   check the configuration; print the settings in effect, secrets hidden\n"
    "       ignition-api healthcheck      exit 0 when this instance's /ready answers 200 within a second\n"
    "       ignition-api --print-openapi  write the OpenAPI document of the routes to stdout\n"
    "       ignition-api --version        this build's version and schema version\n"
    "       ignition-api --help           this text\n";

// Serving, or a command that reads the configuration as serving does.
int run(std::string_view command) {
  const bool serving = command.empty();
  // A command's output is for a person or a probe: the settings' warnings as plain lines.
  if (!serving) log::configure(log::Level::warn, log::Format::text, stderr);
  api::AppConfig config;
  Env env = Env::for_program();
  try {
    config = api::AppConfig::from_env(env);
  } catch (const std::exception& e) {
    std::cerr << "ignition-api: " << e.what() << "\n";
    return 1;
  }
  if (command == "--check-config") return api::print_config(env);
  if (command == "healthcheck") return api::healthcheck(config);
  try {
    log::configure(config.log_level, config.log_format);
    for (const auto& key : api::unused_variables(env)) {
      log::warn("configuration variable is not used by this build", {{"variable", key}});
    }
    verify_schema(config.database);
  } catch (const db::SchemaMismatch& e) {
    std::cerr << "ignition-api: schema mismatch: " << e.what() << "\n";
    return 1;
  } catch (const DependencyUnavailable& e) {
    std::cerr << "ignition-api: cannot reach the database: " << e.what() << "\n";
    return 1;
  }
  return serve(config);
}

int main(int argc, char** argv) {
  const std::string_view command = argc > 1 ? argv[1] : "";
  static constexpr std::string_view commands[] = {"",          "--check-config", "healthcheck", "--print-openapi",
                                                  "--version", "--help"};
  const bool known = std::find(std::begin(commands), std::end(commands), command) != std::end(commands);
  if (!known || argc > 2) {
    std::cerr << "ignition-api: unknown argument " << argv[known ? 2 : 1] << "\n" << usage;
    return 2;
  }
  try {
    if (command == "--help") {
      std::cout << usage;
      return 0;
    }
    if (command == "--version") {
      std::cout << "ignition-api " << version() << " (schema " << migrations::embedded().back().version << ")\n";
      return 0;
    }
    if (command == "--print-openapi") {
      log::configure(log::Level::warn, log::Format::text, stderr);
      api::OfflineRoutes routes;
      std::cout << api::openapi_text(routes.router);
      return 0;
    }
    return run(command);
  } catch (const std::exception& e) {
    std::cerr << "ignition-api: " << e.what() << "\n";
    return 1;
  }
}
