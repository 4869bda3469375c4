// The three programs as an operator runs them: --help, --version and refused arguments;
// `ignition-api --check-config` (the settings in effect, no secret in its output, one line for a
// bad one) and `ignition-api healthcheck` against a serving instance, a closed port and a silent
// one.

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>

#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

using namespace ignition::testing;

namespace {

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::ranges::count(text, '\n')); }

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A loopback port that accepts connections (the kernel does) and never answers.
struct SilentPort {
  SilentPort() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(fd, 8) == 0);
    socklen_t size = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    port = ntohs(address.sin_port);
  }
  ~SilentPort() { close(fd); }
  int fd = -1;
  std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("every program answers --help and --version, and refuses an unknown argument with 2") {
  for (const std::string program : {"ignition-api", "ignition-migrate", "ignition-admin"}) {
    INFO(program);
    auto help = run_program(program, {"--help"});
    CHECK(help.exit == 0);
    CHECK(help.out.starts_with("usage: " + program));
    auto version = run_program(program, {"--version"});
    CHECK(version.exit == 0);
    CHECK(version.out.starts_with(program + " 0."));
    auto unknown = run_program(program, {"--frobnicate"});
    CHECK(unknown.exit == 2);
    CHECK(contains(unknown.err, "--frobnicate"));
    CHECK(contains(unknown.err, "usage: " + program));
    CHECK(unknown.out.empty());
  }
  // Nothing after a command that takes nothing.
  CHECK(run_program("ignition-api", {"--version", "extra"}).exit == 2);
  CHECK(run_program("ignition-migrate", {"status", "extra"}).exit == 2);
}

TEST_CASE("ignition-api --check-config prints the settings in effect and no secret") {
  const std::map<std::string, std::string> env = {
      {"APP_ENV", "production"},
      {"DATABASE_URL", "postgres://ignition:db-pa55word@db.internal:5432/ignition"},
      {"AUTH_SECRET", "auth-secret-auth-secret-auth-secret-0001"},
      {"METRICS_TOKEN", "metrics-token-value"},
      {"GOOGLE_CLIENT_ID", "google-client-id"},
      {"GOOGLE_CLIENT_SECRET", "google-client-secret-value"},
      {"APP_URL", "https://app.example.com"},
      {"PORT", "9000"},
      {"STORAGE_DIR", "/var/lib/ignition"},
      {"IGNITION_TYPO", "1"}};
  auto checked = run_program("ignition-api", {"--check-config"}, env);
  CHECK(checked.exit == 0);
  CHECK(contains(checked.out, "PORT=9000\n"));
  CHECK(contains(checked.out, "THREADS="));
  CHECK(contains(checked.out, "HTTP_READ_TIMEOUT=10s (default)\n"));
  CHECK(contains(checked.out, "DATABASE_URL=postgres://ignition:***@db.internal:5432/ignition\n"));
  CHECK(contains(checked.out, "AUTH_SECRET=(set)\n"));
  CHECK(contains(checked.out, "GOOGLE_CLIENT_SECRET=(set)\n"));
  for (std::string_view secret : {"db-pa55word", "auth-secret-auth", "metrics-token-value", "google-client-secret"}) {
    INFO(secret);
    CHECK_FALSE(contains(checked.out + checked.err, secret));
  }
  // A variable with the project's prefix that nothing reads is named.
  CHECK(contains(checked.err, "IGNITION_TYPO"));

  auto bad = env;
  bad["HTTP_MIN_RATE"] = "fast";
  auto refused = run_program("ignition-api", {"--check-config"}, bad);
  CHECK(refused.exit == 1);
  CHECK(lines(refused.err) == 1);
  CHECK(contains(refused.err, "HTTP_MIN_RATE"));
  CHECK(refused.out.empty());
  // Production needs its secret.
  bad = env;
  bad.erase("AUTH_SECRET");
  refused = run_program("ignition-api", {"--check-config"}, bad);
  CHECK(refused.exit == 1);
  CHECK(contains(refused.err, "AUTH_SECRET"));
}

TEST_CASE("ignition-api healthcheck: 0 while the instance is ready, 1 within a second otherwise") {
  TestDatabase database("programs_healthcheck");
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()}, {"APP_ENV", "test"}};
  ServerProcess server(env);
  env["PORT"] = std::to_string(server.port());
  auto ready = run_program("ignition-api", {"healthcheck"}, env);
  CHECK(ready.exit == 0);
  CHECK(ready.out == "ready\n");

  // A wildcard address is asked on loopback.
  env["BIND"] = "0.0.0.0";
  CHECK(run_program("ignition-api", {"healthcheck"}, env).exit == 0);
  env.erase("BIND");

  CHECK(server.stop(SIGTERM) == 0);
  auto stopped = run_program("ignition-api", {"healthcheck"}, env);
  CHECK(stopped.exit == 1);
  CHECK(contains(stopped.err, "refused"));

  SilentPort silent;
  env["PORT"] = std::to_string(silent.port);
  auto hung = run_program("ignition-api", {"healthcheck"}, env);
  CHECK(hung.exit == 1);
  CHECK(contains(hung.err, "no answer within a second"));
}
