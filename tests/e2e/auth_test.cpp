// End-to-end: sessions, cookies, CSRF, CORS and rate limits through the real server.

#include <catch2/catch.hpp>

#include <signal.h>

#include <boost/json/parse.hpp>
#include <thread>

#include <ignition/auth/tokens.hpp>
#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

#include "session_client.hpp"

using namespace ignition::testing;
using namespace std::chrono_literals;

namespace {
const std::string secret = "test-secret-test-secret-test-secret-0001";
const std::string older_secret = "test-secret-older-older-older-older-0002";

std::map<std::string, std::string> auth_env(const std::string& url) {
  return {{"DATABASE_URL", url},    {"APP_ENV", "test"},     {"THREADS", "2"},
          {"DEV_LOGIN", "1"},       {"AUTH_SECRET", secret}, {"APP_URL", "https://app.example.com"},
          {"RATE_LIMIT_AUTH", "0"}, {"RATE_LIMIT_API", "0"}, {"CORS_ORIGINS", "https://admin.example.com"}};
}

int session_status(std::uint16_t port, const std::string& cookie) {
  return http_request(port, "GET", "/auth/session", {{"Cookie", cookie}}).status;
}

long cache_hits(std::uint16_t port) {
  const std::string metrics = http_request(port, "GET", "/metrics").body;
  const std::string name = "\nauth_session_cache_hits_total ";
  const auto at = metrics.find(name);
  return at == std::string::npos ? -1 : std::stol(metrics.substr(at + name.size()));
}

// Asks for the session until the instance answers it from its cache (the cache is bypassed
// until the instance listens for revocations, which it starts doing just after start-up).
void until_cached(std::uint16_t port, const Login& login) {
  const auto started = std::chrono::steady_clock::now();
  const long before = cache_hits(port);
  while (cache_hits(port) == before && std::chrono::steady_clock::now() - started < 5s) {
    REQUIRE(with_session(port, "GET", "/auth/session", login).status == 200);
  }
  REQUIRE(cache_hits(port) > before);
}
}  // namespace

TEST_CASE("dev login sets the session and CSRF cookies with secure defaults") {
  TestDatabase database("auth_e2e");
  ServerProcess server(auth_env(database.url()));
  auto r = http_request(server.port(), "POST", "/auth/dev-login", {{"Content-Type", "application/json"}},
                        R"({"email":"Ada@Example.com","name":"Ada"})");
  REQUIRE(r.status == 200);
  auto body = json_of(r);
  CHECK(body.at("user").as_object().at("email").as_string() == "ada@example.com");
  CHECK(body.at("user").as_object().at("role").as_string() == "user");
  CHECK(body.at("csrf_token").as_string() == r.header("x-csrf-token"));

  std::string session_cookie = r.set_cookie("session");
  CHECK_THAT(session_cookie,
             Catch::Matches(R"(session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=259\d{4})"));
  CHECK_THAT(session_cookie, !Catch::Contains("Domain="));  // never a guessed domain
  std::string csrf_cookie = r.set_cookie("csrf_token");
  CHECK_THAT(csrf_cookie, !Catch::Contains("HttpOnly"));  // scripts read it
  CHECK_THAT(csrf_cookie, Catch::Contains("Secure; SameSite=Lax"));
  CHECK(r.cookie_value("csrf_token") == r.header("x-csrf-token"));
  CHECK_FALSE(r.header("strict-transport-security").empty());  // cookies are Secure

  Login l{r.cookie_value("session"), r.cookie_value("csrf_token"), "", ""};
  auto session = with_session(server.port(), "GET", "/auth/session", l);
  CHECK(session.status == 200);
  CHECK(session.header("cache-control") == "no-store");
  CHECK(json_of(session).at("user").as_object().at("name").as_string() == "Ada");
  // The token is never stored, only its hash.
  CHECK(database.scalar("SELECT count(*) FROM sessions WHERE token_hash = sha256('" + l.token + "'::bytea)") == "1");
  CHECK(database.scalar("SELECT count(*) FROM sessions WHERE encode(token_hash, 'escape') LIKE '%" + l.token + "%'") ==
        "0");

  auto bad = http_request(server.port(), "POST", "/auth/dev-login", {{"Content-Type", "application/json"}},
                          R"({"email":"not-an-email","extra":1})");
  CHECK(bad.status == 400);
  CHECK(json_of(bad).at("code").as_string() == "validation_failed");
  CHECK(json_of(bad).at("fields").as_object().contains("extra"));
  CHECK(http_request(server.port(), "POST", "/auth/dev-login", {{"Content-Type", "text/plain"}}, "{}").status == 400);
}

TEST_CASE("anything but a live session cookie is a 401") {
  TestDatabase database("auth_e2e");
  ServerProcess server(auth_env(database.url()));
  auto port = server.port();
  auto ada = dev_login(port, "ada@example.com");
  CHECK(session_status(port, "session=" + ada.token) == 200);

  CHECK(session_status(port, "") == 401);
  CHECK(session_status(port, "session=garbage") == 401);
  CHECK(session_status(port, "session=" + ada.session_id) == 401);  // an id is not a token
  CHECK(session_status(port, "authjs.session-token=legacy-value") == 401);
  CHECK(session_status(port, "passion-os.session-token=legacy-value") == 401);

  auto expired = dev_login(port, "ada@example.com");
  database.scalar(
      "UPDATE sessions SET expires_at = now() - interval '1 second', created_at = now() - interval '1 day', "
      "last_active_at = now() - interval '1 day' WHERE id = '" +
      expired.session_id + "'");
  CHECK(session_status(port, "session=" + expired.token) == 401);

  auto revoked = dev_login(port, "ada@example.com");
  CHECK(
      with_session(port, "DELETE", "/auth/sessions/" + revoked.session_id, ada, {{"X-CSRF-Token", ada.csrf}}).status ==
      204);
  CHECK(session_status(port, "session=" + revoked.token) == 401);

  auto body = json_of(http_request(port, "GET", "/auth/session"));
  CHECK(body.at("code").as_string() == "unauthorized");

  CHECK(server.stop(SIGTERM) == 0);
  std::string log = server.output();
  CHECK_THAT(log, Catch::Contains(R"("level":"info","msg":"session not found")"));
  CHECK_THAT(log, Catch::Contains(R"("legacy_name":"authjs.session-token")"));
  CHECK_THAT(log, !Catch::Contains(ada.token));  // no token in the logs
  CHECK_THAT(log, !Catch::Contains("legacy-value"));
}

TEST_CASE("a made-up session cookie is looked up only on the app's routes") {
  TestDatabase database("auth_e2e");
  ServerProcess server(auth_env(database.url()));
  auto port = server.port();
  const std::string cookie = "session=made-up-token-made-up-token-made-up-token";
  // Health checks and unknown paths: no rate limit counts them, so they look up nothing.
  for (int i = 0; i < 3; ++i) {
    CHECK(http_request(port, "GET", "/health", {{"Cookie", cookie}}).status == 200);
    CHECK(http_request(port, "GET", "/no/such/path", {{"Cookie", cookie}}).status == 404);
  }
  CHECK(session_status(port, cookie) == 401);
  CHECK(server.stop(SIGTERM) == 0);
  const std::string log = server.output();
  const std::string line = R"("msg":"session not found")";
  std::size_t lookups = 0;
  for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++lookups;
  CHECK(lookups == 1);  // /auth/session's only
}

TEST_CASE("unsafe requests need the session's CSRF token; an old key still verifies during rotation") {
  TestDatabase database("auth_e2e");
  auto env = auth_env(database.url());
  env["AUTH_SECRET"] = secret;
  env["AUTH_SECRET_OLD"] = older_secret;
  ServerProcess server(env);
  auto port = server.port();
  auto ada = dev_login(port, "ada@example.com");
  auto bob = dev_login(port, "bob@example.com");
  const std::string target = "/auth/sessions/revoke-others";

  auto missing = with_session(port, "POST", target, ada);
  CHECK(missing.status == 403);
  CHECK(json_of(missing).at("code").as_string() == "csrf_failed");
  CHECK(with_session(port, "POST", target, ada, {{"X-CSRF-Token", "wrong"}}).status == 403);
  // Bob's valid token, sent as both cookie and header, is not Ada's.
  Login ada_with_bobs = ada;
  ada_with_bobs.csrf = bob.csrf;
  CHECK(with_session(port, "POST", target, ada_with_bobs, {{"X-CSRF-Token", bob.csrf}}).status == 403);
  // Header and cookie must agree.
  CHECK(with_session(port, "POST", target, ada, {{"X-CSRF-Token", bob.csrf}}).status == 403);
  // A token signed with a key the server does not know.
  ignition::Uuid session_id = *ignition::Uuid::parse(ada.session_id);
  ignition::auth::CsrfKeys unknown(ignition::Secret(std::string(40, 'u')), std::nullopt);
  Login forged = ada;
  forged.csrf = unknown.token_for(session_id);
  CHECK(with_session(port, "POST", target, forged, {{"X-CSRF-Token", forged.csrf}}).status == 403);
  // An allowed token from a foreign origin.
  CHECK(with_session(port, "POST", target, ada, {{"X-CSRF-Token", ada.csrf}, {"Origin", "https://evil.example"}})
            .status == 403);

  // Valid: the current key, and the previous one (rotation logs nobody out).
  CHECK(with_session(port, "POST", target, ada, {{"X-CSRF-Token", ada.csrf}, {"Origin", "https://app.example.com"}})
            .status == 200);
  ignition::auth::CsrfKeys old_keys(ignition::Secret(older_secret), std::nullopt);
  Login rotated = ada;
  rotated.csrf = old_keys.token_for(session_id);
  auto ok = with_session(port, "POST", target, rotated, {{"X-CSRF-Token", rotated.csrf}});
  CHECK(ok.status == 200);
  CHECK(json_of(ok).at("revoked").as_int64() == 0);

  // Without a session the route answers 401 before any CSRF check.
  CHECK(http_request(port, "POST", target, {{"X-CSRF-Token", ada.csrf}}).status == 401);
  CHECK_THAT(http_request(port, "GET", "/metrics").body, Catch::Contains("auth_csrf_rejections_total 6"));
}

TEST_CASE("session management: list, revoke one, revoke others, logout") {
  TestDatabase database("auth_e2e");
  ServerProcess server(auth_env(database.url()));
  auto port = server.port();
  auto first = dev_login(port, "ada@example.com");
  auto second = dev_login(port, "ada@example.com");
  auto third = dev_login(port, "ada@example.com");
  auto bob = dev_login(port, "bob@example.com");

  auto list = json_of(with_session(port, "GET", "/auth/sessions", first));
  auto& items = list.at("items").as_array();
  CHECK(items.size() == 3);
  int current = 0;
  for (auto& item : items) {
    if (item.as_object().at("current").as_bool()) {
      ++current;
      CHECK(item.as_object().at("id").as_string() == first.session_id);
    }
  }
  CHECK(current == 1);

  std::map<std::string, std::string> csrf{{"X-CSRF-Token", first.csrf}};
  CHECK(with_session(port, "DELETE", "/auth/sessions/" + bob.session_id, first, csrf).status == 404);  // not hers
  CHECK(with_session(port, "DELETE", "/auth/sessions/not-a-uuid", first, csrf).status == 404);
  CHECK(with_session(port, "DELETE", "/auth/sessions/" + second.session_id, first, csrf).status == 204);
  CHECK(with_session(port, "DELETE", "/auth/sessions/" + second.session_id, first, csrf).status == 404);  // twice

  auto others = with_session(port, "POST", "/auth/sessions/revoke-others", first, csrf);
  CHECK(json_of(others).at("revoked").as_int64() == 1);
  CHECK(session_status(port, "session=" + third.token) == 401);
  CHECK(session_status(port, "session=" + bob.token) == 200);

  auto out = with_session(port, "POST", "/auth/logout", first, csrf);
  CHECK(out.status == 204);
  CHECK_THAT(out.set_cookie("session"), Catch::Contains("Max-Age=0"));
  CHECK_THAT(out.set_cookie("csrf_token"), Catch::Contains("Max-Age=0"));
  CHECK(session_status(port, "session=" + first.token) == 401);
  CHECK(http_request(port, "POST", "/auth/logout").status == 204);  // idempotent without a session
}

TEST_CASE("token health tells logged out from keys changed, and is never a 401") {
  TestDatabase database("auth_e2e");
  ServerProcess server(auth_env(database.url()));
  auto ada = dev_login(server.port(), "ada@example.com");
  auto anonymous = json_of(http_request(server.port(), "GET", "/auth/token-health"));
  CHECK_FALSE(anonymous.at("authenticated").as_bool());
  CHECK(anonymous.at("session_expires_at").is_null());
  auto healthy = json_of(with_session(server.port(), "GET", "/auth/token-health", ada));
  CHECK(healthy.at("authenticated").as_bool());
  CHECK(healthy.at("compatible").as_bool());
  Login stale = ada;
  stale.csrf = "signed-by-a-key-long-gone";
  auto changed = json_of(with_session(server.port(), "GET", "/auth/token-health", stale));
  CHECK(changed.at("authenticated").as_bool());
  CHECK_FALSE(changed.at("compatible").as_bool());
  CHECK(changed.at("key_version").as_string() == healthy.at("key_version").as_string());
}

TEST_CASE("sessions survive a restart and revocations reach a second instance within a second") {
  TestDatabase database("auth_e2e");
  auto env = auth_env(database.url());
  Login ada;
  {
    ServerProcess first(env);
    ada = dev_login(first.port(), "ada@example.com");
    CHECK(first.stop(SIGTERM) == 0);
  }
  ServerProcess a(env);
  ServerProcess b(env);
  CHECK(session_status(a.port(), ada.cookie()) == 200);  // survived the restart
  auto other = dev_login(a.port(), "ada@example.com");
  until_cached(b.port(), ada);  // b answers from its cache: only the notice can tell it
  CHECK(with_session(a.port(), "POST", "/auth/sessions/revoke-others", other, {{"X-CSRF-Token", other.csrf}}).status ==
        200);
  auto started = std::chrono::steady_clock::now();
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() - started < 1s) {
    status = session_status(b.port(), ada.cookie());
    if (status == 200) std::this_thread::sleep_for(10ms);
  }
  CHECK(status == 401);
}

TEST_CASE("a change to the user shows in /auth/session at once here and within a second on another instance") {
  TestDatabase database("auth_e2e");
  auto env = auth_env(database.url());
  ServerProcess a(env);
  ServerProcess b(env);
  auto ada = dev_login(a.port(), "ada@example.com");
  auto user_on = [&](std::uint16_t port) {
    auto r = with_session(port, "GET", "/auth/session", ada);
    REQUIRE(r.status == 200);
    return json_of(r).at("user").as_object();
  };
  until_cached(a.port(), ada);
  until_cached(b.port(), ada);
  CHECK(user_on(a.port()).at("name").is_null());
  CHECK(user_on(b.port()).at("tos_accepted_version").is_null());

  REQUIRE(call(a.port(), ada, "PATCH", "/api/v1/me", R"({"name":"Ada Lovelace"})").status == 200);
  CHECK(user_on(a.port()).at("name") == "Ada Lovelace");  // the instance that made the change
  REQUIRE(call(a.port(), ada, "POST", "/api/v1/me/accept-tos", R"({"version":"2026-11"})").status == 200);
  CHECK(user_on(a.port()).at("tos_accepted_version") == "2026-11");

  auto started = std::chrono::steady_clock::now();
  auto seen = user_on(b.port());
  while (seen.at("tos_accepted_version").is_null() && std::chrono::steady_clock::now() - started < 1s) {
    std::this_thread::sleep_for(10ms);
    seen = user_on(b.port());
  }
  CHECK(seen.at("name") == "Ada Lovelace");
  CHECK(seen.at("tos_accepted_version") == "2026-11");
  CHECK(with_session(b.port(), "GET", "/auth/session", ada).status == 200);  // still signed in
}

TEST_CASE("/metrics times session checks, each statement and the waits for a connection") {
  TestDatabase database("auth_e2e");
  ServerProcess server(auth_env(database.url()));
  const Login ada = dev_login(server.port(), "ada@example.com");
  REQUIRE(with_session(server.port(), "GET", "/auth/session", ada).status == 200);
  until_cached(server.port(), ada);
  const std::string metrics = http_request(server.port(), "GET", "/metrics").body;
  const auto count = [&metrics](const std::string& series) {
    const auto at = metrics.find("\n" + series + " ");
    return at == std::string::npos ? -1L : std::stol(metrics.substr(at + series.size() + 2));
  };
  CHECK(count(R"(auth_session_validation_duration_seconds_count{source="cache"})") >= 1);
  CHECK(count(R"(auth_session_validation_duration_seconds_count{source="database"})") >= 1);
  CHECK(count(R"(db_query_duration_seconds_count{statement="auth_session_validate"})") >= 1);
  CHECK(count(R"(db_query_duration_seconds_count{statement="auth_session_insert"})") == 1);
  CHECK(count("db_pool_acquire_duration_seconds_count") >= 2);
  CHECK_THAT(metrics, Catch::Contains(R"(db_pool_acquire_duration_seconds_bucket{le="+Inf"})"));
}

TEST_CASE("the 11th auth request in a minute is refused with 429 and rate headers") {
  TestDatabase database("auth_e2e");
  auto env = auth_env(database.url());
  env["RATE_LIMIT_AUTH"] = "10/min";
  ServerProcess server(env);
  for (int i = 0; i < 10; ++i) {
    auto r = http_request(server.port(), "GET", "/auth/token-health");
    REQUIRE(r.status == 200);
    CHECK(r.header("ratelimit-remaining") == std::to_string(9 - i));
  }
  auto refused = http_request(server.port(), "GET", "/auth/token-health");
  CHECK(refused.status == 429);
  CHECK(json_of(refused).at("code").as_string() == "rate_limited");
  CHECK(refused.header("ratelimit-limit") == "10");
  CHECK(refused.header("ratelimit-remaining") == "0");
  int retry = std::stoi(refused.header("retry-after"));
  CHECK(retry > 0);
  CHECK(retry <= 60);
  CHECK(http_request(server.port(), "GET", "/health").status == 200);  // not limited
  CHECK_THAT(http_request(server.port(), "GET", "/metrics").body,
             Catch::Contains("http_rate_limit_rejections_total 1"));
}

TEST_CASE("CORS answers configured origins only, with credentials and never a wildcard") {
  TestDatabase database("auth_e2e");
  ServerProcess server(auth_env(database.url()));
  auto preflight = http_request(server.port(), "OPTIONS", "/auth/logout",
                                {{"Origin", "https://admin.example.com"}, {"Access-Control-Request-Method", "POST"}});
  CHECK(preflight.status == 204);
  CHECK(preflight.header("access-control-allow-origin") == "https://admin.example.com");
  CHECK(preflight.header("access-control-allow-credentials") == "true");
  CHECK_THAT(preflight.header("access-control-allow-headers"), Catch::Contains("X-CSRF-Token"));

  auto foreign = http_request(server.port(), "OPTIONS", "/auth/logout",
                              {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  CHECK(foreign.header("access-control-allow-origin").empty());
  auto simple = http_request(server.port(), "GET", "/auth/session", {{"Origin", "https://admin.example.com"}});
  CHECK(simple.status == 401);
  CHECK(simple.header("access-control-allow-origin") == "https://admin.example.com");  // errors too
  auto other = http_request(server.port(), "GET", "/auth/session", {{"Origin", "https://evil.example"}});
  CHECK(other.header("access-control-allow-origin").empty());
}

TEST_CASE("dev login exists only when DEV_LOGIN=1 and never in production") {
  TestDatabase database("auth_e2e");
  auto env = auth_env(database.url());
  env.erase("DEV_LOGIN");
  {
    ServerProcess server(env);
    CHECK(http_request(server.port(), "POST", "/auth/dev-login", {{"Content-Type", "application/json"}},
                       R"({"email":"a@example.com"})")
              .status == 404);
  }
  env["DEV_LOGIN"] = "1";
  env["APP_ENV"] = "production";
  auto [code, output] = run_server_expecting_exit(env);
  CHECK(code == 1);
  CHECK_THAT(output, Catch::Contains("DEV_LOGIN"));
  CHECK_THAT(output, !Catch::Contains(secret));
}

TEST_CASE("the cleanup job deletes expired sessions in the background") {
  TestDatabase database("auth_e2e");
  auto env = auth_env(database.url());
  env["SESSION_CLEANUP_INTERVAL"] = "1s";
  ServerProcess server(env);
  auto live = dev_login(server.port(), "live@example.com");
  auto old = dev_login(server.port(), "old@example.com");
  database.scalar(
      "UPDATE sessions SET created_at = now() - interval '40 days', last_active_at = now() - interval '40 days', "
      "expires_at = now() - interval '10 days' WHERE id = '" +
      old.session_id + "'");
  std::string left;
  for (int i = 0; i < 50; ++i) {
    left = database.scalar("SELECT count(*) FROM sessions");
    if (left == "1") break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(left == "1");
  CHECK(session_status(server.port(), live.cookie()) == 200);
}
