// End-to-end: /api/v1/admin/* through the real server and Postgres — hidden from
// everyone but admins, every change audited in its own transaction, the catalogues.

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

#include "session_client.hpp"

using namespace ignition::testing;

namespace {

std::map<std::string, std::string> admin_env(const std::string& url) {
  return {{"DATABASE_URL", url},
          {"APP_ENV", "test"},
          {"THREADS", "2"},
          {"DEV_LOGIN", "1"},
          {"AUTH_SECRET", "test-secret-test-secret-test-secret-0001"},
          {"APP_URL", "https://app.example.com"},
          {"RATE_LIMIT_AUTH", "0"},
          {"RATE_LIMIT_API", "0"},
          {"RATE_LIMIT_ADMIN", "0"}};
}

struct Route {
  std::string method;
  std::string path;
  std::string body;
};

const std::string some_id = "00000000-0000-4000-8000-000000000001";

std::vector<Route> admin_routes() {
  std::vector<Route> routes = {
      {"GET", "/api/v1/admin/users", ""},
      {"GET", "/api/v1/admin/users/" + some_id, ""},
      {"PATCH", "/api/v1/admin/users/" + some_id, R"({"role":"admin"})"},
      {"DELETE", "/api/v1/admin/users/" + some_id, ""},
      {"POST", "/api/v1/admin/users/" + some_id + "/sessions/revoke", ""},
      {"POST", "/api/v1/admin/users/" + some_id + "/wallet/adjust", R"({"coins":5,"reason":"r"})"},
      {"GET", "/api/v1/admin/stats", ""},
      {"GET", "/api/v1/admin/audit-log", ""},
      {"GET", "/api/v1/admin/feedback", ""},
      {"PATCH", "/api/v1/admin/feedback/" + some_id, R"({"status":"closed"})"},
      {"POST", "/api/v1/admin/sessions/cleanup", ""},
  };
  for (const std::string c :
       {"quests", "market-items", "achievements", "learn/topics", "learn/lessons", "onboarding/steps"}) {
    const std::string base = "/api/v1/admin/" + c;
    routes.push_back({"GET", base, ""});
    routes.push_back({"POST", base, "{}"});
    routes.push_back({"GET", base + "/" + some_id, ""});
    routes.push_back({"PATCH", base + "/" + some_id, "{}"});
    routes.push_back({"DELETE", base + "/" + some_id, ""});
  }
  return routes;
}

std::string audit_count(const TestDatabase& db, const std::string& action) {
  return db.scalar("SELECT count(*) FROM admin_audit_log WHERE action = '" + action + "'");
}

}  // namespace

TEST_CASE("admin routes answer 404 to users and strangers, exactly like a route that does not exist") {
  TestDatabase database("admin_hidden");
  ServerProcess server(admin_env(database.url()));
  const auto port = server.port();
  const Login user = dev_login(port, "user@example.com");
  const Login admin = dev_login(port, "boss@example.com", "admin");
  const auto missing = call(port, user, "GET", "/api/v1/admin/no-such-thing");
  REQUIRE(missing.status == 404);
  // A wrong method does not give the area away either: 404 to a user, 405 to an admin.
  CHECK(call(port, user, "PUT", "/api/v1/admin/stats").status == 404);
  CHECK(call(port, admin, "PUT", "/api/v1/admin/stats").status == 405);

  for (const auto& route : admin_routes()) {
    auto r = call(port, user, route.method, route.path, route.body);
    INFO(route.method << " " << route.path << " → " << r.status << " " << r.body);
    CHECK(r.status == 404);
    CHECK(r.body.find("\"code\":\"not_found\"") != std::string::npos);
    if (route.method == "GET") CHECK(http_request(port, "GET", route.path).status == 404);
    // An admin's browser still needs its CSRF token for every change.
    if (route.method != "GET") {
      std::map<std::string, std::string> headers{{"Cookie", "session=" + admin.token},
                                                 {"Content-Type", "application/json"}};
      CHECK(http_request(port, route.method, route.path, headers, route.body).status == 403);
    }
  }
  CHECK(database.scalar("SELECT count(*) FROM admin_audit_log") == "0");
}

TEST_CASE("admin: users are found, promoted with their sessions revoked, credited, and deleted — each audited") {
  TestDatabase database("admin_users");
  ServerProcess server(admin_env(database.url()));
  const auto port = server.port();
  const Login admin = dev_login(port, "boss@example.com", "admin");
  const Login alice = dev_login(port, "alice@example.com");
  dev_login(port, "bob_100%@example.com");

  auto found = json_of(call(port, admin, "GET", "/api/v1/admin/users?q=ALICE")).at("items").as_array();
  REQUIRE(found.size() == 1);
  CHECK(found[0].at("id").as_string() == alice.user_id);
  // LIKE's wildcards are taken literally.
  CHECK(json_of(call(port, admin, "GET", "/api/v1/admin/users?q=100%25")).at("items").as_array().size() == 1);
  CHECK(json_of(call(port, admin, "GET", "/api/v1/admin/users?q=_")).at("items").as_array().size() == 1);
  CHECK(json_of(call(port, admin, "GET", "/api/v1/admin/users")).at("items").as_array().size() == 3);

  const std::string path = "/api/v1/admin/users/" + alice.user_id;
  auto viewed = json_of(call(port, admin, "GET", path));
  CHECK(viewed.at("email").as_string() == "alice@example.com");
  CHECK(viewed.at("active_sessions").as_int64() == 1);
  CHECK(viewed.at("wallet").at("coins").as_int64() == 0);
  CHECK(call(port, admin, "GET", "/api/v1/admin/users/" + some_id).status == 404);

  // Promotion revokes the user's sessions; the audit row holds before and after.
  CHECK(call(port, admin, "PATCH", path, R"({"role":"root"})").status == 400);
  auto promoted = call(port, admin, "PATCH", path, R"({"role":"admin"})");
  REQUIRE(promoted.status == 200);
  CHECK(json_of(promoted).at("role").as_string() == "admin");
  CHECK(call(port, alice, "GET", "/api/v1/me").status == 401);
  CHECK(database.scalar("SELECT before->>'role' || '>' || (after->>'role') || ' by ' || actor FROM admin_audit_log"
                        " WHERE action = 'user.role_changed'") == "user>admin by user:boss@example.com");
  CHECK(database.scalar("SELECT count(*) FROM admin_audit_log WHERE request_id <> '' AND ip IS NOT NULL") == "1");

  // Wallet adjustments: a ledger row with the reason; never below zero, and a refused one
  // leaves no trace at all.
  auto credited = call(port, admin, "POST", path + "/wallet/adjust", R"({"coins":30,"xp":120,"reason":"outage"})");
  REQUIRE(credited.status == 200);
  CHECK(json_of(credited).at("coins").as_int64() == 30);
  CHECK(json_of(credited).at("level").as_int64() == 2);
  CHECK(database.scalar("SELECT reason FROM points_ledger WHERE user_id = '" + alice.user_id + "'") == "outage");
  auto overdrawn = call(port, admin, "POST", path + "/wallet/adjust", R"({"coins":-31,"reason":"oops"})");
  CHECK(overdrawn.status == 409);
  CHECK(overdrawn.body.find("insufficient_funds") != std::string::npos);
  CHECK(call(port, admin, "POST", path + "/wallet/adjust", R"({"coins":-30,"reason":"clawback"})").status == 200);
  CHECK(database.scalar("SELECT coins || '=' || (SELECT sum(coins) FROM points_ledger WHERE user_id = w.user_id)"
                        " FROM user_wallet w WHERE user_id = '" +
                        alice.user_id + "'") == "0=0");
  CHECK(audit_count(database, "wallet.adjusted") == "2");
  CHECK(call(port, admin, "POST", path + "/wallet/adjust", R"({"reason":"nothing"})").status == 400);

  // Revoking sessions, then deleting: the audit rows outlive the user.
  const Login again = dev_login(port, "alice@example.com");
  auto revoked = call(port, admin, "POST", path + "/sessions/revoke");
  REQUIRE(revoked.status == 200);
  CHECK(json_of(revoked).at("revoked").as_int64() == 1);
  CHECK(call(port, again, "GET", "/api/v1/me").status == 401);
  CHECK(call(port, admin, "DELETE", path).status == 204);
  CHECK(call(port, admin, "DELETE", path).status == 404);
  CHECK(database.scalar("SELECT count(*) FROM users WHERE id = '" + alice.user_id + "'") == "0");
  CHECK(audit_count(database, "user.deleted") == "1");

  // The audit log, newest first, in pages.
  auto first = json_of(call(port, admin, "GET", "/api/v1/admin/audit-log?limit=2"));
  REQUIRE(first.at("items").as_array().size() == 2);
  CHECK(first.at("items").as_array()[0].at("action").as_string() == "user.deleted");
  const std::string cursor(first.at("next_cursor").as_string());
  auto rest = json_of(call(port, admin, "GET", "/api/v1/admin/audit-log?limit=100&cursor=" + cursor));
  CHECK(rest.at("items").as_array().size() == 3);  // 5 audited changes in all
  CHECK(rest.at("next_cursor").is_null());
  CHECK(call(port, admin, "GET", "/api/v1/admin/audit-log?cursor=abc").status == 400);

  auto stats = json_of(call(port, admin, "GET", "/api/v1/admin/stats"));
  CHECK(stats.at("users").as_int64() == 2);
  CHECK(stats.at("admins").as_int64() == 1);
  CHECK(stats.at("sign_ins_today").as_int64() == 2);  // alice's went with her
  CHECK(stats.at("rows_per_table").as_object().contains("focus_sessions"));
}

TEST_CASE("admin: an action whose audit row cannot be written does not happen") {
  TestDatabase database("admin_audit_fail");
  ServerProcess server(admin_env(database.url()));
  const auto port = server.port();
  const Login admin = dev_login(port, "boss@example.com", "admin");
  const Login alice = dev_login(port, "alice@example.com");
  // The audit insert of these actions now fails inside their transactions.
  database.scalar(
      "ALTER TABLE admin_audit_log ADD CONSTRAINT refuse_for_test CHECK (action NOT IN"
      " ('user.role_changed', 'wallet.adjusted', 'universal_quests.created', 'user.deleted'))");

  const std::string path = "/api/v1/admin/users/" + alice.user_id;
  CHECK(call(port, admin, "PATCH", path, R"({"role":"admin"})").status == 500);
  CHECK(database.scalar("SELECT role FROM users WHERE id = '" + alice.user_id + "'") == "user");
  CHECK(call(port, alice, "GET", "/api/v1/me").status == 200);  // sessions not revoked either

  CHECK(call(port, admin, "POST", path + "/wallet/adjust", R"({"coins":10,"reason":"r"})").status == 500);
  CHECK(database.scalar("SELECT count(*) FROM points_ledger") == "0");

  const std::string quests = database.scalar("SELECT count(*) FROM universal_quests");
  CHECK(call(port, admin, "POST", "/api/v1/admin/quests", R"({"title":"Unaudited"})").status == 500);
  CHECK(database.scalar("SELECT count(*) FROM universal_quests") == quests);

  CHECK(call(port, admin, "DELETE", path).status == 500);
  CHECK(database.scalar("SELECT count(*) FROM users WHERE id = '" + alice.user_id + "'") == "1");
  CHECK(database.scalar("SELECT count(*) FROM admin_audit_log") == "0");
}

TEST_CASE("admin: every catalogue is created, read, changed and deleted through one set of rules") {
  TestDatabase database("admin_catalogues");
  ServerProcess server(admin_env(database.url()));
  const auto port = server.port();
  const Login admin = dev_login(port, "boss@example.com", "admin");
  const std::string topic = database.scalar("SELECT id FROM learn_topics ORDER BY sort_order LIMIT 1");
  const std::string flow = database.scalar("SELECT id FROM onboarding_flows WHERE is_active");
  REQUIRE(!topic.empty());
  REQUIRE(!flow.empty());

  struct Case {
    std::string path, table, create, patch, field, value;
  };
  const std::vector<Case> cases = {
      {"quests", "universal_quests", R"({"title":"Drink water","target":8})", R"({"title":"Hydrate"})", "title",
       "Hydrate"},
      {"market-items", "market_items", R"({"key":"tea","name":"Tea","category":"treats","cost_coins":5})",
       R"({"name":"Green tea"})", "name", "Green tea"},
      {"achievements", "achievement_definitions",
       R"({"key":"ideas_5","name":"Ideas","category":"ideas","trigger_type":"count","trigger_config":{"event":"idea","count":5}})",
       R"({"reward_coins":15})", "reward_coins", "15"},
      {"learn/topics", "learn_topics", R"({"key":"mixing","name":"Mixing","category":"production"})",
       R"({"icon":"sliders"})", "icon", "sliders"},
      {"learn/lessons", "learn_lessons", R"({"topic_id":")" + topic + R"(","key":"mixing_1","title":"Gain staging"})",
       R"({"difficulty":"advanced"})", "difficulty", "advanced"},
      {"onboarding/steps", "onboarding_steps",
       R"({"flow_id":")" + flow + R"(","step_order":50,"step_type":"explain","title":"Bonus","options":["a","b"]})",
       R"({"title":"Extra"})", "title", "Extra"},
  };
  for (const auto& c : cases) {
    const std::string base = "/api/v1/admin/" + c.path;
    INFO(base);
    const auto before = json_of(call(port, admin, "GET", base)).at("items").as_array().size();
    auto created = call(port, admin, "POST", base, c.create);
    INFO(created.body);
    REQUIRE(created.status == 201);
    const std::string id(json_of(created).at("id").as_string());
    CHECK(json_of(call(port, admin, "GET", base)).at("items").as_array().size() == before + 1);
    CHECK(call(port, admin, "GET", base + "/" + id).status == 200);

    auto patched = call(port, admin, "PATCH", base + "/" + id, c.patch);
    REQUIRE(patched.status == 200);
    const auto patched_object = json_of(patched);
    const auto& value = patched_object.at(c.field);
    CHECK((value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value)) == c.value);

    CHECK(call(port, admin, "POST", base, R"({"surprise":1})").status == 400);  // unknown and missing fields
    CHECK(call(port, admin, "DELETE", base + "/" + id).status == 204);
    CHECK(call(port, admin, "GET", base + "/" + id).status == 404);
    CHECK(database.scalar("SELECT count(*) FROM admin_audit_log WHERE target_id = '" + id + "'") == "3");
  }

  // What Postgres refuses comes back in the catalogue's words.
  CHECK(call(port, admin, "POST", "/api/v1/admin/market-items",
             R"({"key":"tea","name":"Tea","category":"treats","cost_coins":5})")
            .status == 201);
  CHECK(call(port, admin, "POST", "/api/v1/admin/market-items",
             R"({"key":"tea","name":"Tea again","category":"treats","cost_coins":5})")
            .status == 409);
  auto orphan = call(port, admin, "POST", "/api/v1/admin/learn/lessons",
                     R"({"topic_id":"00000000-0000-4000-8000-000000000009","key":"x","title":"x"})");
  CHECK(orphan.status == 400);
  CHECK(json_of(orphan).at("fields").as_object().contains("topic_id"));
  CHECK(call(port, admin, "PATCH", "/api/v1/admin/quests/" + some_id, R"({"title":"x"})").status == 404);
  CHECK(call(port, admin, "PATCH", "/api/v1/admin/market-items/" + some_id, R"({"name":null})").status == 400);

  // An achievement someone has earned cannot be deleted from under them.
  const Login alice = dev_login(port, "alice@example.com");
  const std::string first_focus = database.scalar("SELECT id FROM achievement_definitions WHERE key = 'first_focus'");
  database.scalar("INSERT INTO user_achievements (user_id, achievement_key) VALUES ('" + alice.user_id +
                  "', 'first_focus')");
  CHECK(call(port, admin, "DELETE", "/api/v1/admin/achievements/" + first_focus).status == 409);

  // A user's own market item is not part of the shared catalogue.
  const std::string own = database.scalar(
      "INSERT INTO market_items (key, name, category, cost_coins, is_global, created_by_user_id) VALUES ('own', 'Nap',"
      " 'custom', 0, false, '" +
      alice.user_id + "') RETURNING id");
  CHECK(call(port, admin, "GET", "/api/v1/admin/market-items/" + own).status == 404);
}

TEST_CASE("admin: feedback triage and expired-session cleanup") {
  TestDatabase database("admin_feedback");
  ServerProcess server(admin_env(database.url()));
  const auto port = server.port();
  const Login admin = dev_login(port, "boss@example.com", "admin");
  const Login alice = dev_login(port, "alice@example.com");
  REQUIRE(call(port, alice, "POST", "/api/v1/feedback", R"({"kind":"bug","message":"the timer froze"})").status == 201);
  auto open = json_of(call(port, admin, "GET", "/api/v1/admin/feedback?status=new")).at("items").as_array();
  REQUIRE(open.size() == 1);
  const std::string id(open[0].at("id").as_string());
  CHECK(call(port, admin, "PATCH", "/api/v1/admin/feedback/" + id, R"({"status":"done"})").status == 400);
  auto triaged = call(port, admin, "PATCH", "/api/v1/admin/feedback/" + id, R"({"status":"triaged"})");
  REQUIRE(triaged.status == 200);
  CHECK(json_of(triaged).at("status").as_string() == "triaged");
  CHECK(json_of(call(port, admin, "GET", "/api/v1/admin/feedback?status=new")).at("items").as_array().empty());
  CHECK(call(port, admin, "GET", "/api/v1/admin/feedback?status=bogus").status == 400);

  database.scalar(
      "UPDATE sessions SET created_at = now() - interval '40 days', last_active_at = now() - interval "
      "'40 days', expires_at = now() - interval '1 day' WHERE user_id = '" +
      alice.user_id + "'");
  auto cleaned = call(port, admin, "POST", "/api/v1/admin/sessions/cleanup");
  REQUIRE(cleaned.status == 200);
  CHECK(json_of(cleaned).at("deleted").as_int64() >= 1);
  CHECK(database.scalar("SELECT count(*) FROM sessions WHERE user_id = '" + alice.user_id + "'") == "0");
  CHECK(audit_count(database, "sessions.cleanup") == "1");
  CHECK(audit_count(database, "feedback.status_changed") == "1");
}
