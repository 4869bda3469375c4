// End-to-end: the /api/v1 domain routes through the real server and a real Postgres —
// ownership (another user's object answers 404 on every route), authentication and
// CSRF on every route, paging, and the money-like rules.

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <future>
#include <set>
#include <thread>

#include <ignition/common/uuid.hpp>
#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

#include "session_client.hpp"

using namespace ignition::testing;

namespace {

std::map<std::string, std::string> domain_env(const std::string& url) {
  return {{"DATABASE_URL", url},
          {"APP_ENV", "test"},
          {"THREADS", "2"},
          {"DEV_LOGIN", "1"},
          {"AUTH_SECRET", "test-secret-test-secret-test-secret-0001"},
          {"APP_URL", "https://app.example.com"},
          {"RATE_LIMIT_AUTH", "0"},
          {"RATE_LIMIT_API", "0"}};
}

std::string id_of(const HttpResult& r) { return std::string(json_of(r).at("id").as_string()); }

// Creates an object and returns its id, insisting on 201.
std::string create(std::uint16_t port, const Login& l, const std::string& path, const std::string& body) {
  auto r = call(port, l, "POST", path, body);
  INFO(path << " → " << r.status << " " << r.body);
  REQUIRE(r.status == 201);
  return id_of(r);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

struct Route {
  std::string method;
  std::string path;  // {id}, {mid}, {date} are filled in from the owner's objects
  std::string body;
};

// Every route of the domains that touches one object. Later domains extend this table.
const std::vector<Route> object_routes = {
    {"GET", "/api/v1/focus/{focus}", ""},
    {"POST", "/api/v1/focus/{focus}/pause", ""},
    {"POST", "/api/v1/focus/{focus}/resume", ""},
    {"POST", "/api/v1/focus/{focus}/complete", ""},
    {"POST", "/api/v1/focus/{focus}/abandon", ""},
    {"GET", "/api/v1/ideas/{idea}", ""},
    {"PATCH", "/api/v1/ideas/{idea}", R"({"title":"mine now"})"},
    {"DELETE", "/api/v1/ideas/{idea}", ""},
    {"GET", "/api/v1/habits/{habit}", ""},
    {"PATCH", "/api/v1/habits/{habit}", R"({"name":"mine now"})"},
    {"DELETE", "/api/v1/habits/{habit}", ""},
    {"POST", "/api/v1/habits/{habit}/log", R"({"date":"2026-01-02"})"},
    {"DELETE", "/api/v1/habits/{habit}/log/2026-01-01", ""},
    {"GET", "/api/v1/habits/{habit}/logs", ""},
    {"POST", "/api/v1/quests/{quest}/progress", R"({"amount":1})"},
    {"POST", "/api/v1/quests/{quest}/complete", ""},
    {"GET", "/api/v1/goals/{goal}", ""},
    {"PATCH", "/api/v1/goals/{goal}", R"({"title":"mine now"})"},
    {"DELETE", "/api/v1/goals/{goal}", ""},
    {"GET", "/api/v1/goals/{goal}/milestones", ""},
    {"POST", "/api/v1/goals/{goal}/milestones", R"({"title":"step"})"},
    {"PATCH", "/api/v1/goals/{goal}/milestones/{milestone_id}", R"({"is_completed":true})"},
    {"DELETE", "/api/v1/goals/{goal}/milestones/{milestone_id}", ""},
    {"GET", "/api/v1/calendar/events/{event}", ""},
    {"PATCH", "/api/v1/calendar/events/{event}", R"({"title":"mine now"})"},
    {"DELETE", "/api/v1/calendar/events/{event}", ""},
    {"POST", "/api/v1/market/items/{private_item}/purchase", ""},
    {"POST", "/api/v1/market/purchases/{purchase}/redeem", ""},
    {"GET", "/api/v1/books/{book}", ""},
    {"PATCH", "/api/v1/books/{book}", R"({"rating":5})"},
    {"DELETE", "/api/v1/books/{book}", ""},
    {"POST", "/api/v1/books/{book}/sessions", R"({"pages":5})"},
    {"GET", "/api/v1/programs/{program}", ""},
    {"PATCH", "/api/v1/programs/{program}", R"({"name":"mine now"})"},
    {"DELETE", "/api/v1/programs/{program}", ""},
    {"GET", "/api/v1/programs/{program}/weeks", ""},
    {"GET", "/api/v1/programs/{program}/weeks/{week}", ""},
    {"POST", "/api/v1/programs/{program}/weeks", R"({"name":"extra"})"},
    {"PATCH", "/api/v1/programs/{program}/weeks/{week}", R"({"is_deload":true})"},
    {"DELETE", "/api/v1/programs/{program}/weeks/{week}", ""},
    {"GET", "/api/v1/exercises/{exercise}", ""},
    {"PATCH", "/api/v1/exercises/{exercise}", R"({"name":"mine now"})"},
    {"DELETE", "/api/v1/exercises/{exercise}", ""},
    {"GET", "/api/v1/workouts/{workout}", ""},
    {"PATCH", "/api/v1/workouts/{workout}", R"({"name":"mine now"})"},
    {"DELETE", "/api/v1/workouts/{workout}", ""},
    {"POST", "/api/v1/workouts/{workout}/sessions", R"({"sets":[]})"},
    {"GET", "/api/v1/infobase/{entry}", ""},
    {"PATCH", "/api/v1/infobase/{entry}", R"({"title":"mine now"})"},
    {"DELETE", "/api/v1/infobase/{entry}", ""},
};

// Routes on the user's own collections (no object id).
const std::vector<Route> collection_routes = {
    {"GET", "/api/v1/focus", ""},
    {"POST", "/api/v1/focus", R"({"mode":"focus","duration_seconds":1500})"},
    {"GET", "/api/v1/focus/active", ""},
    {"GET", "/api/v1/focus/stats", ""},
    {"GET", "/api/v1/ideas", ""},
    {"POST", "/api/v1/ideas", R"({"title":"t"})"},
    {"GET", "/api/v1/habits", ""},
    {"POST", "/api/v1/habits", R"({"name":"n"})"},
    {"GET", "/api/v1/quests", ""},
    {"POST", "/api/v1/quests", R"({"title":"t"})"},
    {"GET", "/api/v1/goals", ""},
    {"POST", "/api/v1/goals", R"({"title":"t"})"},
    {"GET", "/api/v1/calendar/events", ""},
    {"POST", "/api/v1/calendar/events", R"({"title":"t","starts_at":"2026-01-01T10:00:00Z"})"},
    {"GET", "/api/v1/daily-plan/2026-01-01", ""},
    {"PUT", "/api/v1/daily-plan/2026-01-01", R"({"items":[]})"},
    {"GET", "/api/v1/wallet", ""},
    {"GET", "/api/v1/wallet/ledger", ""},
    {"GET", "/api/v1/achievements", ""},
    {"GET", "/api/v1/activity", ""},
    {"GET", "/api/v1/today", ""},
    {"GET", "/api/v1/programs", ""},
    {"POST", "/api/v1/programs", R"({"name":"p"})"},
    {"GET", "/api/v1/books", ""},
    {"POST", "/api/v1/books", R"({"title":"t"})"},
    {"GET", "/api/v1/exercises", ""},
    {"POST", "/api/v1/exercises", R"({"name":"n","category":"strength"})"},
    {"GET", "/api/v1/workouts", ""},
    {"POST", "/api/v1/workouts", R"({"name":"n"})"},
    {"GET", "/api/v1/exercise/records", ""},
    {"GET", "/api/v1/onboarding", ""},
    {"POST", "/api/v1/onboarding/steps/00000000-0000-4000-8000-000000000000/complete", ""},
    {"POST", "/api/v1/onboarding/skip", ""},
    {"POST", "/api/v1/onboarding/reset", ""},
    {"GET", "/api/v1/learn/topics", ""},
    {"GET", "/api/v1/learn/topics/00000000-0000-4000-8000-000000000000/lessons", ""},
    {"GET", "/api/v1/learn/dashboard", ""},
    {"POST", "/api/v1/learn/lessons/00000000-0000-4000-8000-000000000000/complete", ""},
    {"GET", "/api/v1/market/items", ""},
    {"GET", "/api/v1/market/purchases", ""},
    {"GET", "/api/v1/infobase", ""},
    {"GET", "/api/v1/infobase?q=note", ""},
    {"POST", "/api/v1/infobase", R"({"title":"t","content":"c"})"},
    {"POST", "/api/v1/feedback", R"({"kind":"idea","message":"m"})"},
    {"GET", "/api/v1/me", ""},
    {"PATCH", "/api/v1/me", R"({"name":"n"})"},
    {"DELETE", "/api/v1/me", ""},
    {"GET", "/api/v1/me/settings", ""},
    {"PUT", "/api/v1/me/settings", R"({"theme":"dark"})"},
    {"POST", "/api/v1/me/accept-tos", R"({"version":"2026-01"})"},
    {"POST", "/api/v1/me/verify-age", R"({"birth_date":"1990-01-01"})"},
    {"GET", "/api/v1/me/export", ""},
};

std::map<std::string, std::string> make_objects(TestDatabase& database, std::uint16_t port, const Login& a) {
  std::map<std::string, std::string> ids;
  // A reward only A can see (a user's own market item), bought once.
  ids["private_item"] = database.scalar(
      "INSERT INTO market_items (key, name, category, cost_coins, is_global, created_by_user_id) VALUES ('own-" +
      a.user_id + "', 'Movie night', 'custom', 0, false, '" + a.user_id + "') RETURNING id");
  ids["purchase"] = create(port, a, "/api/v1/market/items/" + ids["private_item"] + "/purchase", "");
  ids["focus"] = create(port, a, "/api/v1/focus", R"({"mode":"focus","duration_seconds":1500})");
  ids["idea"] = create(port, a, "/api/v1/ideas", R"({"title":"secret plan","tags":["x"]})");
  ids["habit"] = create(port, a, "/api/v1/habits", R"({"name":"read"})");
  REQUIRE(call(port, a, "POST", "/api/v1/habits/" + ids["habit"] + "/log", R"({"date":"2026-01-01"})").status == 201);
  ids["quest"] = create(port, a, "/api/v1/quests", R"({"title":"my quest","target":3})");
  ids["goal"] = create(port, a, "/api/v1/goals", R"({"title":"run a marathon"})");
  ids["milestone_id"] = create(port, a, "/api/v1/goals/" + ids["goal"] + "/milestones", R"({"title":"10k"})");
  ids["program"] = create(port, a, "/api/v1/programs", R"({"name":"Strength","duration_weeks":8})");
  ids["week"] = create(port, a, "/api/v1/programs/" + ids["program"] + "/weeks", R"({"name":"Base"})");
  ids["book"] = create(port, a, "/api/v1/books", R"({"title":"Dune","total_pages":600})");
  ids["exercise"] = create(port, a, "/api/v1/exercises", R"({"name":"Zercher squat","category":"strength"})");
  ids["workout"] = create(port, a, "/api/v1/workouts", R"({"name":"Leg day"})");
  REQUIRE(call(port, a, "POST", "/api/v1/workouts/" + ids["workout"] + "/sessions",
               R"({"sets":[{"exercise_id":")" + ids["exercise"] + R"(","reps":5,"weight_kg":80}]})")
              .status == 201);
  ids["entry"] = create(port, a, "/api/v1/infobase", R"({"title":"private note","content":"only mine"})");
  ids["event"] = create(port, a, "/api/v1/calendar/events",
                        R"({"title":"dentist","starts_at":"2026-01-05T09:00:00Z","ends_at":"2026-01-05T10:00:00Z"})");
  return ids;
}

std::string fill(const std::string& path, const std::map<std::string, std::string>& ids) {
  std::string out = path;
  for (const auto& [name, id] : ids) out = replace_all(out, "{" + name + "}", id);
  return out;
}

}  // namespace

TEST_CASE("user B gets 404 from every route that touches user A's object, and A's data is unchanged") {
  TestDatabase database("domains_owner");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const Login b = dev_login(port, "bob@example.com");
  const auto ids = make_objects(database, port, a);

  for (const auto& route : object_routes) {
    const std::string target = fill(route.path, ids);
    auto r = call(port, b, route.method, target, route.body);
    INFO(route.method << " " << target << " → " << r.status << " " << r.body);
    CHECK(r.status == 404);
    CHECK(r.body.find("\"code\":\"not_found\"") != std::string::npos);
  }
  // A malformed id is a 404 as well, never a 400 or 500.
  for (const auto& route : object_routes) {
    std::map<std::string, std::string> bad;
    for (const auto& [name, id] : ids) bad[name] = "not-a-uuid";
    const std::string target = fill(route.path, bad);
    auto r = call(port, a, route.method, target, route.body);
    INFO(route.method << " " << target);
    CHECK(r.status == 404);
  }
  // Nothing of A's was changed or removed by B's attempts.
  CHECK(json_of(call(port, a, "GET", "/api/v1/ideas/" + ids.at("idea"))).at("title").as_string() == "secret plan");
  CHECK(call(port, a, "GET", "/api/v1/focus/" + ids.at("focus")).status == 200);
  CHECK(json_of(call(port, a, "GET", "/api/v1/focus/" + ids.at("focus"))).at("status").as_string() == "active");
  CHECK(call(port, a, "GET", "/api/v1/habits/" + ids.at("habit")).status == 200);
  CHECK(database.scalar("SELECT count(*) FROM habit_logs") == "1");
  CHECK(call(port, a, "GET", "/api/v1/goals/" + ids.at("goal")).status == 200);
  CHECK(call(port, a, "GET", "/api/v1/calendar/events/" + ids.at("event")).status == 200);
  // B's lists do not show A's rows.
  for (const std::string list : {"/api/v1/focus", "/api/v1/ideas", "/api/v1/habits", "/api/v1/goals",
                                 "/api/v1/calendar/events", "/api/v1/activity"}) {
    auto r = call(port, b, "GET", list);
    INFO(list);
    CHECK(r.status == 200);
    CHECK(json_of(r).at("items").as_array().empty());
  }
  // Deleting A leaves no row of A's in any user-owned table (found from the schema).
  database.scalar("DELETE FROM users WHERE id = '" + a.user_id + "'");
  CHECK(database.scalar("SELECT sum((xpath('/row/n/text()', query_to_xml(format("
                        "'SELECT count(*) AS n FROM %I WHERE user_id = %L', table_name, '" +
                        a.user_id +
                        "'), false, true, '')))[1]::text::integer) FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND column_name = 'user_id'") == "0");
}

TEST_CASE("every domain route needs a session (401) and every unsafe one a CSRF token (403)") {
  TestDatabase database("domains_auth");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const auto ids = make_objects(database, port, a);
  std::vector<Route> routes = object_routes;
  routes.insert(routes.end(), collection_routes.begin(), collection_routes.end());
  for (const auto& route : routes) {
    const std::string target = fill(route.path, ids);
    std::map<std::string, std::string> json{{"Content-Type", "application/json"}};
    auto anonymous = http_request(port, route.method, target, json, route.body);
    INFO(route.method << " " << target << " → " << anonymous.status);
    CHECK(anonymous.status == 401);
    if (route.method != "GET") {
      json["Cookie"] = "session=" + a.token;  // a session, but no CSRF cookie or header
      auto forged = http_request(port, route.method, target, json, route.body);
      CHECK(forged.status == 403);
      CHECK(forged.body.find("csrf_failed") != std::string::npos);
    }
  }
}

TEST_CASE("ideas: validation names the fields, filters by tag and favorite, PATCH and DELETE") {
  TestDatabase database("domains_ideas");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");

  auto bad =
      call(port, a, "POST", "/api/v1/ideas", R"({"title":"","tags":["a","b","c","d","e","f","g","h","i","j","k"]})");
  CHECK(bad.status == 400);
  auto problems = json_of(bad).at("fields").as_object();
  CHECK(problems.contains("title"));
  CHECK(problems.contains("tags"));
  CHECK(call(port, a, "POST", "/api/v1/ideas", R"({"title":"x","colour":"red"})").status == 400);
  CHECK(call(port, a, "POST", "/api/v1/ideas", R"({"title":)").status == 400);
  CHECK(
      call(port, a, "POST", "/api/v1/ideas", std::string(R"({"title":"x","body":")") + std::string(20'001, 'b') + "\"}")
          .status == 400);

  auto created =
      call(port, a, "POST", "/api/v1/ideas", R"({"title":"Synth pad","body":"warm","tags":["music","sound"]})");
  REQUIRE(created.status == 201);
  auto idea = json_of(created);
  CHECK(idea.at("is_favorite").as_bool() == false);
  CHECK(idea.at("tags").as_array().size() == 2);
  CHECK(idea.at("created_at").as_string().ends_with("Z"));
  create(port, a, "/api/v1/ideas", R"({"title":"Garden","tags":["home"],"is_favorite":true})");

  auto music = json_of(call(port, a, "GET", "/api/v1/ideas?tag=music")).at("items").as_array();
  REQUIRE(music.size() == 1);
  CHECK(music[0].at("title").as_string() == "Synth pad");
  auto favorites = json_of(call(port, a, "GET", "/api/v1/ideas?favorite=true")).at("items").as_array();
  REQUIRE(favorites.size() == 1);
  CHECK(favorites[0].at("title").as_string() == "Garden");
  CHECK(call(port, a, "GET", "/api/v1/ideas?favorite=maybe").status == 400);

  const std::string path = "/api/v1/ideas/" + std::string(idea.at("id").as_string());
  auto patched = call(port, a, "PATCH", path, R"({"body":null,"is_favorite":true})");
  REQUIRE(patched.status == 200);
  CHECK(json_of(patched).at("body").is_null());
  CHECK(json_of(patched).at("title").as_string() == "Synth pad");
  CHECK(json_of(patched).at("is_favorite").as_bool());
  CHECK(call(port, a, "PATCH", path, R"({"title":null})").status == 400);
  CHECK(call(port, a, "DELETE", path).status == 204);
  CHECK(call(port, a, "DELETE", path).status == 404);
  CHECK(call(port, a, "GET", path).status == 404);
}

TEST_CASE("paging 120 ideas by 50 while more are added neither repeats nor skips a row") {
  TestDatabase database("domains_paging");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  std::set<std::string> original;
  for (int i = 0; i < 120; ++i)
    original.insert(create(port, a, "/api/v1/ideas", R"({"title":"idea )" + std::to_string(i) + "\"}"));

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto r = call(port, a, "GET", "/api/v1/ideas?limit=50" + (cursor.empty() ? "" : "&cursor=" + cursor));
    REQUIRE(r.status == 200);
    auto body = json_of(r);
    for (const auto& item : body.at("items").as_array()) seen.emplace_back(item.at("id").as_string());
    cursor = body.at("next_cursor").is_null() ? "" : std::string(body.at("next_cursor").as_string());
    // Rows added while paging are newer than every page boundary: they never shift a page.
    create(port, a, "/api/v1/ideas", R"({"title":"added while paging"})");
    ++pages;
  } while (!cursor.empty() && pages < 10);
  CHECK(pages == 3);
  CHECK(seen.size() == 120);
  CHECK(std::set<std::string>(seen.begin(), seen.end()) == original);

  CHECK(call(port, a, "GET", "/api/v1/ideas?limit=0").status == 400);
  CHECK(call(port, a, "GET", "/api/v1/ideas?limit=101").status == 400);
  CHECK(call(port, a, "GET", "/api/v1/ideas?cursor=bogus").status == 400);
}

TEST_CASE("focus: one running session, legal transitions, an accurate paused total, paid once") {
  TestDatabase database("domains_focus");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");

  CHECK(call(port, a, "POST", "/api/v1/focus", R"({"mode":"focus","duration_seconds":59})").status == 400);
  CHECK(call(port, a, "POST", "/api/v1/focus", R"({"mode":"nap","duration_seconds":600})").status == 400);
  auto started = call(port, a, "POST", "/api/v1/focus", R"({"mode":"focus","duration_seconds":1800})");
  REQUIRE(started.status == 201);
  const std::string id = id_of(started);
  CHECK(json_of(started).at("status").as_string() == "active");
  CHECK(call(port, a, "POST", "/api/v1/focus", R"({"mode":"short_break","duration_seconds":300})").status == 409);
  CHECK(json_of(call(port, a, "GET", "/api/v1/focus/active")).at("id").as_string() == id);

  const std::string base = "/api/v1/focus/" + id;
  CHECK(call(port, a, "POST", base + "/resume").status == 409);  // not paused
  REQUIRE(call(port, a, "POST", base + "/pause").status == 200);
  CHECK(call(port, a, "POST", base + "/pause").status == 409);
  // Started 25 minutes ago and paused for the last 5 of them: 20 minutes focused.
  database.scalar(
      "UPDATE focus_sessions SET started_at = now() - interval '25 minutes', "
      "paused_at = now() - interval '5 minutes' WHERE id = '" +
      id + "'");
  auto resumed = call(port, a, "POST", base + "/resume");
  REQUIRE(resumed.status == 200);
  CHECK(json_of(resumed).at("total_paused_seconds").as_int64() == 300);
  auto completed = call(port, a, "POST", base + "/complete");
  REQUIRE(completed.status == 200);
  CHECK(json_of(completed).at("status").as_string() == "completed");
  CHECK(json_of(completed).at("xp_awarded").as_int64() == 20);
  CHECK(json_of(completed).at("coins_awarded").as_int64() == 4);
  CHECK(call(port, a, "POST", base + "/complete").status == 409);
  CHECK(call(port, a, "POST", base + "/abandon").status == 409);

  // The ledger has exactly one focus row for it, and the wallet equals the ledger.
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE idempotency_key = 'focus:" + id + "'") == "1");
  auto wallet = json_of(call(port, a, "GET", "/api/v1/wallet"));
  CHECK(std::to_string(wallet.at("coins").as_int64()) == database.scalar("SELECT sum(coins) FROM points_ledger"));
  CHECK(std::to_string(wallet.at("xp").as_int64()) == database.scalar("SELECT sum(xp) FROM points_ledger"));
  CHECK(wallet.at("coins").as_int64() >= 4);
  // The first completed focus session unlocks "first_focus" once.
  auto achievements = json_of(call(port, a, "GET", "/api/v1/achievements")).at("items").as_array();
  bool first_focus = false;
  for (const auto& item : achievements)
    if (item.at("key").as_string() == "first_focus") first_focus = !item.at("unlocked_at").is_null();
  CHECK(first_focus);

  // Breaks pay nothing; an abandoned session pays nothing.
  auto brk = call(port, a, "POST", "/api/v1/focus", R"({"mode":"short_break","duration_seconds":300})");
  REQUIRE(brk.status == 201);
  auto brk_done = call(port, a, "POST", "/api/v1/focus/" + id_of(brk) + "/complete");
  CHECK(json_of(brk_done).at("xp_awarded").as_int64() == 0);
  auto gone = create(port, a, "/api/v1/focus", R"({"mode":"focus","duration_seconds":600})");
  CHECK(json_of(call(port, a, "POST", "/api/v1/focus/" + gone + "/abandon")).at("status").as_string() == "abandoned");
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE event_type = 'focus_complete'") == "1");

  auto stats = json_of(call(port, a, "GET", "/api/v1/focus/stats"));
  CHECK(stats.at("focus_sessions_completed").as_int64() == 1);
  CHECK(stats.at("sessions_abandoned").as_int64() == 1);
  CHECK(stats.at("xp_earned").as_int64() == 20);
  auto feed = json_of(call(port, a, "GET", "/api/v1/activity")).at("items").as_array();
  CHECK(feed.size() >= 4);
}

TEST_CASE("quests: progress is capped at the target and 20 concurrent completions pay once") {
  TestDatabase database("domains_quests");
  ServerProcess server(domain_env(database.url()));
  database.scalar("DELETE FROM universal_quests");  // this test brings its own catalogue
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const std::string universal = database.scalar(
      "INSERT INTO universal_quests (title, type, xp_reward, coin_reward, target) "
      "VALUES ('Log three habits', 'daily', 30, 15, 3) RETURNING id");

  // Completing before the progress reaches the target is refused and pays nothing.
  auto early = call(port, a, "POST", "/api/v1/quests/" + universal + "/complete");
  CHECK(early.status == 409);
  CHECK(json_of(early).at("error").as_string() == "the quest's progress has not reached its target");
  auto progressed = call(port, a, "POST", "/api/v1/quests/" + universal + "/progress", R"({"amount":2})");
  REQUIRE(progressed.status == 200);
  CHECK(json_of(progressed).at("progress").as_int64() == 2);
  CHECK(json_of(progressed).at("kind").as_string() == "universal");
  CHECK(call(port, a, "POST", "/api/v1/quests/" + universal + "/complete").status == 409);
  CHECK(database.scalar("SELECT count(*) FROM points_ledger") == "0");
  auto capped = call(port, a, "POST", "/api/v1/quests/" + universal + "/progress", R"({"amount":5})");
  CHECK(json_of(capped).at("progress").as_int64() == 3);
  CHECK(call(port, a, "POST", "/api/v1/quests/" + universal + "/progress", R"({"amount":0})").status == 400);

  std::vector<std::future<int>> racers;
  for (int i = 0; i < 20; ++i) {
    racers.push_back(std::async(
        std::launch::async, [&] { return call(port, a, "POST", "/api/v1/quests/" + universal + "/complete").status; }));
  }
  int ok = 0;
  int conflict = 0;
  for (auto& r : racers) {
    const int status = r.get();
    ok += status == 200;
    conflict += status == 409;
  }
  CHECK(ok == 1);
  CHECK(conflict == 19);
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE event_type = 'quest_complete'") == "1");
  auto wallet = json_of(call(port, a, "GET", "/api/v1/wallet"));
  CHECK(std::to_string(wallet.at("coins").as_int64()) == database.scalar("SELECT sum(coins) FROM points_ledger"));

  // An own quest pays XP only, and also once.
  const std::string own = create(port, a, "/api/v1/quests", R"({"title":"Clean the desk"})");
  auto done = call(port, a, "POST", "/api/v1/quests/" + own + "/complete");
  REQUIRE(done.status == 200);
  CHECK(json_of(done).at("status").as_string() == "completed");
  CHECK(json_of(done).at("coin_reward").as_int64() == 0);
  CHECK(call(port, a, "POST", "/api/v1/quests/" + own + "/complete").status == 409);
  auto all = json_of(call(port, a, "GET", "/api/v1/quests")).at("items").as_array();
  CHECK(all.size() == 2);
}

TEST_CASE("rewards a user declares alone are paid for three a day, own quests and goals each") {
  TestDatabase database("domains_declared_rewards");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  // Four own quests done and four goals completed (each by its only milestone) in one day.
  for (int i = 0; i < 4; ++i) {
    const std::string quest = create(port, a, "/api/v1/quests", R"({"title":"q"})");
    CHECK(call(port, a, "POST", "/api/v1/quests/" + quest + "/complete").status == 200);
    const std::string goal = create(port, a, "/api/v1/goals", R"({"title":"g"})");
    const std::string milestone = create(port, a, "/api/v1/goals/" + goal + "/milestones", R"({"title":"m"})");
    auto ticked =
        call(port, a, "PATCH", "/api/v1/goals/" + goal + "/milestones/" + milestone, R"({"is_completed":true})");
    CHECK(ticked.status == 200);
    CHECK(json_of(call(port, a, "GET", "/api/v1/goals/" + goal)).at("status").as_string() == "completed");
  }
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE event_type = 'own_quest_complete'") == "3");
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE event_type = 'goal_complete'") == "3");
  // Three goals' coins plus the first-goal achievement's; own quests pay none.
  auto wallet = json_of(call(port, a, "GET", "/api/v1/wallet"));
  CHECK(std::to_string(wallet.at("coins").as_int64()) == database.scalar("SELECT sum(coins) FROM points_ledger"));
  CHECK(database.scalar("SELECT sum(coins) FROM points_ledger WHERE event_type = 'goal_complete'") == "30");
  CHECK(database.scalar("SELECT sum(xp) FROM points_ledger WHERE event_type = 'own_quest_complete'") == "30");

  // Yesterday's rewards do not count against today's cap.
  database.scalar("UPDATE points_ledger SET created_at = created_at - interval '1 day' RETURNING 1");
  const std::string quest = create(port, a, "/api/v1/quests", R"({"title":"q"})");
  CHECK(call(port, a, "POST", "/api/v1/quests/" + quest + "/complete").status == 200);
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE event_type = 'own_quest_complete'") == "4");
}

TEST_CASE("habits: one log a day, streaks across a skipped day, today in the user's time zone") {
  TestDatabase database("domains_habits");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  // A zone whose calendar is on another date than UTC right now (UTC+14 from 11:00 UTC,
  // UTC−11 before), so "today" is proven to be the user's day and not the server's.
  const std::string zone = database.scalar(
      "SELECT CASE WHEN extract(hour FROM now() AT TIME ZONE 'UTC') >= 11 THEN 'Pacific/Kiritimati' "
      "ELSE 'Pacific/Pago_Pago' END");
  database.scalar("INSERT INTO user_settings (user_id, settings) VALUES ('" + a.user_id + "', '{\"timezone\":\"" +
                  zone + "\"}')");
  const std::string today = database.scalar("SELECT (now() AT TIME ZONE '" + zone + "')::date::text");
  REQUIRE(today != database.scalar("SELECT (now() AT TIME ZONE 'UTC')::date::text"));
  auto day = [&](int offset) {
    return database.scalar("SELECT ('" + today + "'::date + " + std::to_string(offset) + ")::text");
  };
  const std::string habit = create(port, a, "/api/v1/habits", R"({"name":"Meditate 🧘","reminder_time":"07:30"})");
  const std::string logs = "/api/v1/habits/" + habit + "/log";

  // Five days ago, four, three; skip two days ago; yesterday and today (no date = today).
  for (int offset : {-5, -4, -3, -1}) {
    REQUIRE(call(port, a, "POST", logs, R"({"date":")" + day(offset) + "\"}").status == 201);
  }
  auto logged = call(port, a, "POST", logs, "");
  REQUIRE(logged.status == 201);
  auto result = json_of(logged);
  CHECK(result.at("log").at("date").as_string() == today);
  CHECK_FALSE(result.at("log").as_object().contains("log_date"));
  CHECK(result.at("habit").at("current_streak").as_int64() == 2);
  CHECK(result.at("habit").at("longest_streak").as_int64() == 3);
  CHECK(result.at("habit").at("reminder_time").as_string() == "07:30");

  CHECK(call(port, a, "POST", logs, "").status == 409);                               // today again
  CHECK(call(port, a, "POST", logs, R"({"date":")" + day(1) + "\"}").status == 400);  // the future
  CHECK(call(port, a, "POST", logs, R"({"date":"2026-02-30"})").status == 400);

  // Filling the gap joins the runs; removing today shortens the current streak.
  REQUIRE(call(port, a, "POST", logs, R"({"date":")" + day(-2) + "\"}").status == 201);
  auto joined = json_of(call(port, a, "GET", "/api/v1/habits/" + habit));
  CHECK(joined.at("current_streak").as_int64() == 6);
  CHECK(joined.at("longest_streak").as_int64() == 6);
  CHECK(call(port, a, "DELETE", logs + "/" + today).status == 204);
  CHECK(call(port, a, "DELETE", logs + "/" + today).status == 404);
  auto after = json_of(call(port, a, "GET", "/api/v1/habits/" + habit));
  CHECK(after.at("current_streak").as_int64() == 5);  // yesterday still counts

  auto range = json_of(call(port, a, "GET", "/api/v1/habits/" + habit + "/logs?from=" + day(-3) + "&to=" + day(-1)));
  CHECK(range.at("items").as_array().size() == 3);
  CHECK(range.at("items").as_array()[0].at("date").as_string() == day(-1));
}

TEST_CASE("goals: progress follows the milestones and completing them all completes the goal, paid once") {
  TestDatabase database("domains_goals");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  CHECK(call(port, a, "POST", "/api/v1/goals", R"({"title":"x","target_date":"2026-13-01"})").status == 400);
  const std::string goal = create(port, a, "/api/v1/goals", R"({"title":"Learn piano","target_date":"2027-06-01"})");
  const std::string milestones = "/api/v1/goals/" + goal + "/milestones";
  const std::string first = create(port, a, milestones, R"({"title":"Scales"})");
  const std::string second = create(port, a, milestones, R"({"title":"First piece"})");
  create(port, a, milestones, R"({"title":"Recital"})");
  auto progress = [&] { return json_of(call(port, a, "GET", "/api/v1/goals/" + goal)); };
  CHECK(progress().at("progress").as_int64() == 0);

  REQUIRE(call(port, a, "PATCH", milestones + "/" + first, R"({"is_completed":true})").status == 200);
  CHECK(progress().at("progress").as_int64() == 33);
  CHECK(progress().at("status").as_string() == "active");
  // Complete the second and drop the third: all that is left is done.
  REQUIRE(call(port, a, "PATCH", milestones + "/" + second, R"({"is_completed":true})").status == 200);
  auto items = json_of(call(port, a, "GET", milestones)).at("items").as_array();
  REQUIRE(items.size() == 3);
  const std::string third(items[2].at("id").as_string());
  REQUIRE(call(port, a, "DELETE", milestones + "/" + third).status == 204);
  auto done = progress();
  CHECK(done.at("progress").as_int64() == 100);
  CHECK(done.at("status").as_string() == "completed");
  CHECK(!done.at("completed_at").is_null());

  // Reopening and completing again does not pay twice.
  REQUIRE(call(port, a, "PATCH", milestones + "/" + second, R"({"is_completed":false})").status == 200);
  CHECK(progress().at("status").as_string() == "active");
  REQUIRE(call(port, a, "PATCH", milestones + "/" + second, R"({"is_completed":true})").status == 200);
  CHECK(progress().at("status").as_string() == "completed");
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE idempotency_key = 'goal:" + goal + "'") == "1");
  CHECK(call(port, a, "DELETE", "/api/v1/goals/" + goal).status == 204);
  CHECK(database.scalar("SELECT count(*) FROM goal_milestones") == "0");
}

TEST_CASE("calendar: ends_at is never before starts_at, and the list is an overlap query") {
  TestDatabase database("domains_calendar");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  auto backwards = call(port, a, "POST", "/api/v1/calendar/events",
                        R"({"title":"x","starts_at":"2026-01-05T10:00:00Z","ends_at":"2026-01-05T09:00:00Z"})");
  CHECK(backwards.status == 400);
  CHECK(json_of(backwards).at("fields").as_object().contains("ends_at"));
  const std::string morning =
      create(port, a, "/api/v1/calendar/events",
             R"({"title":"Standup","starts_at":"2026-01-05T09:00:00Z","ends_at":"2026-01-05T09:15:00Z"})");
  create(port, a, "/api/v1/calendar/events",
         R"({"title":"Holiday","starts_at":"2026-01-06T00:00:00Z","all_day":true,"recurrence_rule":"FREQ=YEARLY"})");
  create(port, a, "/api/v1/calendar/events",
         R"({"title":"Trip","starts_at":"2026-01-04T18:00:00Z","ends_at":"2026-01-07T12:00:00Z"})");

  auto in = [&](const std::string& from, const std::string& to) {
    auto r = call(port, a, "GET", "/api/v1/calendar/events?from=" + from + "&to=" + to);
    REQUIRE(r.status == 200);
    std::set<std::string> titles;
    const auto body = json_of(r);
    for (const auto& e : body.at("items").as_array()) titles.emplace(e.at("title").as_string());
    return titles;
  };
  CHECK(in("2026-01-05T09:10:00Z", "2026-01-05T09:20:00Z") == std::set<std::string>{"Standup", "Trip"});
  CHECK(in("2026-01-06T00:00:00Z", "2026-01-06T23:59:59Z") == std::set<std::string>{"Holiday", "Trip"});
  CHECK(in("2026-01-08T00:00:00Z", "2026-01-09T00:00:00Z").empty());

  // PATCH checks the pair as it will be stored.
  auto moved = call(port, a, "PATCH", "/api/v1/calendar/events/" + morning, R"({"starts_at":"2026-01-05T10:00:00Z"})");
  CHECK(moved.status == 400);
  auto fixed = call(port, a, "PATCH", "/api/v1/calendar/events/" + morning, R"({"ends_at":null})");
  REQUIRE(fixed.status == 200);
  CHECK(json_of(fixed).at("ends_at").is_null());
}

TEST_CASE("daily plan: one per user and day, items kept in order") {
  TestDatabase database("domains_plan");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const Login b = dev_login(port, "bob@example.com");
  auto empty = call(port, a, "GET", "/api/v1/daily-plan/2026-03-01");
  REQUIRE(empty.status == 200);
  CHECK(json_of(empty).at("items").as_array().empty());
  CHECK(call(port, a, "GET", "/api/v1/daily-plan/2026-02-30").status == 404);
  CHECK(call(port, a, "PUT", "/api/v1/daily-plan/2026-03-01", R"({"items":[{"done":true}]})").status == 400);

  const std::string plan =
      R"({"items":[{"title":"Write"},{"title":"Gym","time":"18:00"},{"title":"Read","done":true}]})";
  REQUIRE(call(port, a, "PUT", "/api/v1/daily-plan/2026-03-01", plan).status == 200);
  REQUIRE(call(port, a, "PUT", "/api/v1/daily-plan/2026-03-01", plan).status == 200);  // same day again: replaced
  CHECK(database.scalar("SELECT count(*) FROM daily_plans") == "1");
  auto got = json_of(call(port, a, "GET", "/api/v1/daily-plan/2026-03-01")).at("items").as_array();
  REQUIRE(got.size() == 3);
  CHECK(got[0].at("title").as_string() == "Write");
  CHECK(got[1].at("time").as_string() == "18:00");
  CHECK(got[2].at("done").as_bool());
  // Bob's day is his own.
  CHECK(json_of(call(port, b, "GET", "/api/v1/daily-plan/2026-03-01")).at("items").as_array().empty());
}

TEST_CASE("me: profile, settings with a real time zone, terms, age without keeping the birth date") {
  TestDatabase database("users_me");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");

  auto me = json_of(call(port, a, "GET", "/api/v1/me"));
  CHECK(me.at("email").as_string() == "alice@example.com");
  CHECK(!me.contains("user_id"));
  auto renamed = call(port, a, "PATCH", "/api/v1/me", R"({"name":"Alice 🚀"})");
  REQUIRE(renamed.status == 200);
  CHECK(json_of(renamed).at("name").as_string() == "Alice 🚀");
  CHECK(call(port, a, "PATCH", "/api/v1/me", R"({"email":"x@example.com"})").status == 400);

  CHECK(json_of(call(port, a, "GET", "/api/v1/me/settings")).empty());
  auto bad_zone = call(port, a, "PUT", "/api/v1/me/settings", R"({"timezone":"Mars/Olympus"})");
  CHECK(bad_zone.status == 400);
  CHECK(json_of(bad_zone).at("fields").as_object().contains("timezone"));
  auto stored = call(port, a, "PUT", "/api/v1/me/settings", R"({"timezone":"Europe/Berlin","theme":"dark"})");
  REQUIRE(stored.status == 200);
  CHECK(json_of(call(port, a, "GET", "/api/v1/me/settings")).at("timezone").as_string() == "Europe/Berlin");
  const std::string big = R"({"notes":")" + std::string(17 * 1024, 'x') + "\"}";
  CHECK(call(port, a, "PUT", "/api/v1/me/settings", big).status == 413);
  CHECK(call(port, a, "PUT", "/api/v1/me/settings", "[1,2]").status == 400);

  auto tos = json_of(call(port, a, "POST", "/api/v1/me/accept-tos", R"({"version":"2026-01"})"));
  CHECK(tos.at("tos_accepted_version").as_string() == "2026-01");
  CHECK(!tos.at("tos_accepted_at").is_null());

  const std::string today = database.scalar("SELECT current_date::text");
  const std::string twelve = database.scalar("SELECT (current_date - interval '12 years')::date::text");
  auto young = call(port, a, "POST", "/api/v1/me/verify-age", R"({"birth_date":")" + twelve + "\"}");
  CHECK(young.status == 400);
  CHECK(json_of(young).at("fields").as_object().contains("birth_date"));
  CHECK(call(port, a, "POST", "/api/v1/me/verify-age", R"({"birth_date":")" + today + "\"}").status == 400);
  auto adult = call(port, a, "POST", "/api/v1/me/verify-age", R"({"birth_date":"1990-05-17"})");
  REQUIRE(adult.status == 200);
  CHECK(json_of(adult).at("age_verified").as_bool());
  // The birth date is nowhere in the database.
  CHECK(database.scalar("SELECT count(*) FROM users u WHERE row_to_json(u)::text LIKE '%1990-05-17%'") == "0");
}

TEST_CASE("export has every row the user owns in every user-owned table; delete leaves none and ends the session") {
  TestDatabase database("users_rights");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const Login b = dev_login(port, "bob@example.com");
  make_objects(database, port, a);
  make_objects(database, port, b);
  REQUIRE(call(port, a, "PUT", "/api/v1/me/settings", R"({"theme":"dark"})").status == 200);
  REQUIRE(call(port, a, "PUT", "/api/v1/daily-plan/2026-03-01", R"({"items":[{"title":"x"}]})").status == 200);
  // More rows than one fetch of the streamed export (500) carries.
  database.scalar("INSERT INTO ideas (user_id, title) SELECT '" + a.user_id +
                  "', 'idea ' || i FROM generate_series(1, 1200) i");

  auto exported = call(port, a, "GET", "/api/v1/me/export");
  REQUIRE(exported.status == 200);
  CHECK(exported.header("content-disposition").find("attachment") != std::string::npos);
  CHECK(exported.header("content-length") == std::to_string(exported.body.size()));  // spooled whole first
  auto document = json_of(exported);
  CHECK(document.at("user").at("email").as_string() == "alice@example.com");
  const auto& tables = document.at("tables").as_object();
  // Every table with a user_id column is in the export, with exactly the user's rows.
  const std::string owned = database.scalar(
      "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.columns "
      "WHERE table_schema = 'public' AND column_name = 'user_id'");
  std::string listed;
  for (const auto& [name, rows] : tables) {
    listed += (listed.empty() ? "" : ",") + std::string(name);
    INFO(name);
    CHECK(std::to_string(rows.as_array().size()) ==
          database.scalar("SELECT count(*) FROM " + std::string(name) + " WHERE user_id = '" + a.user_id + "'"));
    for (const auto& row : rows.as_array()) CHECK(row.at("user_id").as_string() == a.user_id);
  }
  CHECK(listed == owned);
  CHECK(tables.at("focus_sessions").as_array().size() == 1);
  CHECK(tables.at("ideas").as_array().size() == 1201);
  CHECK(tables.at("daily_plans").as_array().size() == 1);
  CHECK(tables.at("sessions").as_array().size() == 1);
  // Credentials stay out.
  CHECK(exported.body.find("token_hash") == std::string::npos);
  CHECK(exported.body.find(a.token) == std::string::npos);

  CHECK(call(port, a, "DELETE", "/api/v1/me").status == 204);
  CHECK(call(port, a, "GET", "/api/v1/me").status == 401);
  CHECK(database.scalar("SELECT count(*) FROM users WHERE id = '" + a.user_id + "'") == "0");
  CHECK(database.scalar("SELECT sum((xpath('/row/n/text()', query_to_xml(format("
                        "'SELECT count(*) AS n FROM %I WHERE user_id = %L', table_name, '" +
                        a.user_id +
                        "'), false, true, '')))[1]::text::integer) FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND column_name = 'user_id'") == "0");
  // Bob is untouched.
  CHECK(call(port, b, "GET", "/api/v1/me").status == 200);
  CHECK(json_of(call(port, b, "GET", "/api/v1/ideas")).at("items").as_array().size() == 1);
}

namespace {
// Reads one answer whose body has a Content-Length from a raw socket: head and body.
std::string read_answer(int fd) {
  std::string in;
  char buffer[65536];
  std::size_t total = std::string::npos;
  while (in.size() < total) {
    const auto n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    in.append(buffer, static_cast<std::size_t>(n));
    const auto blank = in.find("\r\n\r\n");
    const auto length_at = in.find("Content-Length: ");
    if (total == std::string::npos && blank != std::string::npos && length_at < blank)
      total = blank + 4 + std::stoull(in.substr(length_at + 16));
  }
  return in;
}
}  // namespace

TEST_CASE("exports are read from the database at once: slow readers hold no pooled connection") {
  TestDatabase database("users_export_limits");
  auto env = domain_env(database.url());
  env["DB_POOL_SIZE"] = "2";
  ServerProcess server(env);
  const auto port = server.port();
  // Four users, each with an export (about 6 MB) larger than the socket buffers on its way.
  std::vector<Login> readers;
  for (int i = 0; i < 4; ++i) {
    readers.push_back(dev_login(port, "reader" + std::to_string(i) + "@example.com"));
    database.scalar("INSERT INTO ideas (user_id, title, body) SELECT '" + readers.back().user_id +
                    "', 'idea', repeat('x', 2000) FROM generate_series(1, 3000)");
  }
  // Each asks for its export and reads nothing for now. Before, each export kept a pooled
  // connection until its client had read the last byte: two of them took the whole pool.
  std::vector<int> sockets;
  for (const auto& reader : readers) {
    const int fd = connect_loopback(port, 4096);
    const std::string request = "GET /api/v1/me/export HTTP/1.1\r\nHost: a\r\nCookie: " + reader.cookie() + "\r\n\r\n";
    REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    sockets.push_back(fd);
  }
  // Each answer's head comes once its export is whole in the spool; the bodies wait unread.
  for (const int fd : sockets) {
    char head[12];
    REQUIRE(recv(fd, head, sizeof head, MSG_WAITALL) == sizeof head);
    CHECK(std::string(head, sizeof head) == "HTTP/1.1 200");
  }
  const Login other = dev_login(port, "other@example.com");
  for (int i = 0; i < 20; ++i) {
    CHECK(http_request(port, "GET", "/ready").status == 200);
    CHECK(call(port, other, "GET", "/api/v1/ideas").status == 200);
  }
  // One export per user at a time: a second one while the first is being sent waits its turn.
  auto again = call(port, readers[0], "GET", "/api/v1/me/export");
  CHECK(again.status == 429);
  CHECK(again.header("retry-after") == "10");
  CHECK(json_of(again).at("code").as_string() == "rate_limited");
  // Every held export is whole when its reader comes back for it.
  for (const int fd : sockets) {
    const std::string answer = read_answer(fd);
    close(fd);
    const auto document = boost::json::parse(answer.substr(answer.find("\r\n\r\n") + 4)).as_object();
    CHECK(document.at("tables").at("ideas").as_array().size() == 3000);
  }
  // The turn goes with the sent export.
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    status = call(port, readers[0], "GET", "/api/v1/me/export").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(status == 200);
}

TEST_CASE("infobase: own and system entries, ranked full-text search, system entries are read-only") {
  TestDatabase database("domains_infobase");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const Login b = dev_login(port, "bob@example.com");
  const std::string system = database.scalar(
      "INSERT INTO infobase_entries (title, content) VALUES ('Getting started', 'How focus sessions work') "
      "RETURNING id");
  const std::string in_title =
      create(port, a, "/api/v1/infobase", R"({"title":"Compressor settings","content":"ratio and attack"})");
  const std::string in_body =
      create(port, a, "/api/v1/infobase", R"({"title":"Mixing notes","content":"a compressor on the bus"})");
  create(port, a, "/api/v1/infobase", R"({"title":"Groceries","content":"milk, bread"})");
  create(port, b, "/api/v1/infobase", R"({"title":"Bob's compressor","content":"compressor compressor"})");

  auto found = json_of(call(port, a, "GET", "/api/v1/infobase?q=compressor")).at("items").as_array();
  REQUIRE(found.size() == 2);                        // Bob's entry is not Alice's to find
  CHECK(found[0].at("id").as_string() == in_title);  // a title match ranks first
  CHECK(found[1].at("id").as_string() == in_body);
  CHECK(json_of(call(port, a, "GET", "/api/v1/infobase?q=%22focus%20sessions%22")).at("items").as_array().size() == 1);
  CHECK(json_of(call(port, a, "GET", "/api/v1/infobase?q=nothing-like-this")).at("items").as_array().empty());
  CHECK(call(port, a, "GET", "/api/v1/infobase?q=a%00b").status == 400);  // text holds no NUL (contract §1)
  CHECK(call(port, a, "GET", "/api/v1/infobase?q=").status == 400);

  // Everyone reads the system entry; nobody changes it through the user API.
  auto read = call(port, b, "GET", "/api/v1/infobase/" + system);
  REQUIRE(read.status == 200);
  CHECK(json_of(read).at("is_system").as_bool());
  CHECK(call(port, b, "PATCH", "/api/v1/infobase/" + system, R"({"title":"defaced"})").status == 404);
  CHECK(call(port, b, "DELETE", "/api/v1/infobase/" + system).status == 404);
  CHECK(json_of(call(port, a, "GET", "/api/v1/infobase")).at("items").as_array().size() == 4);
}

TEST_CASE("feedback is recorded with its author and limited like the auth routes") {
  TestDatabase database("domains_feedback");
  auto env = domain_env(database.url());
  env["RATE_LIMIT_AUTH"] = "10/min";
  ServerProcess server(env);
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  CHECK(call(port, a, "POST", "/api/v1/feedback", R"({"kind":"rant","message":"x"})").status == 400);
  CHECK(call(port, a, "POST", "/api/v1/feedback", R"({"kind":"bug","message":""})").status == 400);
  // Ten requests a minute, the two refused ones above included.
  int accepted = 0;
  int limited = 0;
  for (int i = 0; i < 10; ++i) {
    const int status = call(port, a, "POST", "/api/v1/feedback", R"({"kind":"idea","message":"more themes"})").status;
    accepted += status == 201;
    limited += status == 429;
  }
  CHECK(accepted == 8);
  CHECK(limited == 2);
  CHECK(database.scalar("SELECT count(*) FROM feedback WHERE user_id = '" + a.user_id + "'") == "8");
  // Other /api/v1 routes are not held back by it.
  CHECK(call(port, a, "GET", "/api/v1/ideas").status == 200);
}

TEST_CASE("text that is not UTF-8, in a query or a stored header, is a 400 naming it, never a 500") {
  TestDatabase database("domains_not_utf8");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  for (const char* target : {"/api/v1/ideas?tag=%FF", "/api/v1/ideas?tag=%C3", "/api/v1/ideas?tag=a%00b",
                             "/api/v1/ideas?tag=%4", "/api/v1/infobase?q=%FF%FE"}) {
    INFO(target);
    const auto r = call(port, a, "GET", target);
    CHECK(r.status == 400);
    CHECK(json_of(r).at("code").as_string() == "validation_failed");
  }
  CHECK(json_of(call(port, a, "GET", "/api/v1/ideas?tag=%FF")).at("fields").as_object().contains("tag"));
  CHECK(call(port, a, "GET", "/api/v1/ideas?tag=caf%C3%A9").status == 200);  // UTF-8 escapes are text

  std::map<std::string, std::string> headers{{"Cookie", a.cookie()},
                                             {"X-CSRF-Token", a.csrf},
                                             {"Content-Type", "application/json"},
                                             {"User-Agent", "Mozilla/5.0 \xff\xfe"}};
  const auto feedback = http_request(port, "POST", "/api/v1/feedback", headers, R"({"kind":"bug","message":"m"})");
  CHECK(feedback.status == 400);
  CHECK(json_of(feedback).at("fields").as_object().contains("User-Agent"));
  headers["User-Agent"] = "Mozilla/5.0 (caf\xc3\xa9)";
  CHECK(http_request(port, "POST", "/api/v1/feedback", headers, R"({"kind":"bug","message":"m"})").status == 201);
  CHECK(database.scalar("SELECT user_agent FROM feedback") == "Mozilla/5.0 (caf\xc3\xa9)");
}

TEST_CASE("market: 50 concurrent purchases give exactly as many as the coins cover; redeem works once") {
  TestDatabase database("domains_market");
  ServerProcess server(domain_env(database.url()));
  database.scalar("DELETE FROM market_items");  // this test brings its own catalogue
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const Login b = dev_login(port, "bob@example.com");
  const std::string item = database.scalar(
      "INSERT INTO market_items (key, name, category, cost_coins) VALUES ('coffee', 'Coffee break', 'treats', 10) "
      "RETURNING id");
  database.scalar("INSERT INTO points_ledger (user_id, event_type, coins, idempotency_key) VALUES ('" + a.user_id +
                  "', 'test_grant', 75, 'test:grant')");
  database.scalar("INSERT INTO user_wallet (user_id, coins) VALUES ('" + a.user_id + "', 75)");

  std::vector<std::future<int>> buyers;
  for (int i = 0; i < 50; ++i) {
    buyers.push_back(std::async(std::launch::async, [&] {
      return call(port, a, "POST", "/api/v1/market/items/" + item + "/purchase").status;
    }));
  }
  int bought = 0;
  int refused = 0;
  for (auto& buyer : buyers) {
    const int status = buyer.get();
    bought += status == 201;
    refused += status == 409;
  }
  // 75 coins buy 7 coffees at 10, and the third purchase unlocks "Big Spender" (+50 coins):
  // 125 coins, 12 coffees, 5 coins left.
  CHECK(bought == 12);
  CHECK(refused == 38);
  auto wallet = json_of(call(port, a, "GET", "/api/v1/wallet"));
  CHECK(wallet.at("coins").as_int64() == 5);
  CHECK(database.scalar("SELECT sum(coins) FROM points_ledger WHERE user_id = '" + a.user_id + "'") == "5");
  CHECK(database.scalar("SELECT count(*) FROM user_purchases WHERE user_id = '" + a.user_id + "'") == "12");
  CHECK(database.scalar("SELECT count(*) FROM user_achievements WHERE achievement_key = 'big_spender'") == "1");
  auto poor = call(port, a, "POST", "/api/v1/market/items/" + item + "/purchase");
  CHECK(poor.status == 409);
  CHECK(json_of(poor).at("code").as_string() == "insufficient_funds");
  CHECK(call(port, b, "POST", "/api/v1/market/items/" + item + "/purchase").status == 409);  // Bob has nothing

  auto purchases = json_of(call(port, a, "GET", "/api/v1/market/purchases?limit=5"));
  REQUIRE(purchases.at("items").as_array().size() == 5);
  CHECK(!purchases.at("next_cursor").is_null());
  const std::string purchase(purchases.at("items").as_array()[0].at("id").as_string());
  const std::string redeem = "/api/v1/market/purchases/" + purchase + "/redeem";
  auto redeemed = call(port, a, "POST", redeem);
  REQUIRE(redeemed.status == 200);
  CHECK(json_of(redeemed).at("status").as_string() == "redeemed");
  CHECK(call(port, a, "POST", redeem).status == 409);
  CHECK(call(port, b, "POST", redeem).status == 404);
  auto catalogue = json_of(call(port, a, "GET", "/api/v1/market/items")).at("items").as_array();
  CHECK(catalogue.size() == 1);
}

TEST_CASE("today: the dashboard in one call, with an ETag that turns an unchanged poll into a 304") {
  TestDatabase database("domains_today");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const std::string today = database.scalar("SELECT current_date::text");
  const std::string focus = create(port, a, "/api/v1/focus", R"({"mode":"focus","duration_seconds":1500})");
  const std::string daily = create(port, a, "/api/v1/habits", R"({"name":"Stretch"})");
  create(port, a, "/api/v1/habits", R"({"name":"Old habit"})");
  const std::string archived = create(port, a, "/api/v1/habits", R"({"name":"Archived"})");
  REQUIRE(call(port, a, "PATCH", "/api/v1/habits/" + archived, R"({"is_active":false})").status == 200);
  REQUIRE(call(port, a, "PUT", "/api/v1/daily-plan/" + today, R"({"items":[{"title":"Ship it"}]})").status == 200);

  auto first = call(port, a, "GET", "/api/v1/today");
  REQUIRE(first.status == 200);
  const std::string etag = first.header("etag");
  CHECK(!etag.empty());
  auto board = json_of(first);
  CHECK(board.at("date").as_string() == today);
  CHECK(board.at("focus").at("id").as_string() == focus);
  CHECK(board.at("focus").at("started_at").as_string().ends_with("Z"));
  CHECK(board.at("plan").at("items").as_array()[0].at("title").as_string() == "Ship it");
  CHECK(board.at("habits").as_array().size() == 2);  // the archived one is not due
  CHECK(board.at("wallet").at("level").as_int64() == 1);

  auto again = http_request(port, "GET", "/api/v1/today", {{"Cookie", a.cookie()}, {"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.header("etag") == etag);

  REQUIRE(call(port, a, "POST", "/api/v1/habits/" + daily + "/log", "").status == 201);
  auto changed = http_request(port, "GET", "/api/v1/today", {{"Cookie", a.cookie()}, {"If-None-Match", etag}});
  REQUIRE(changed.status == 200);
  CHECK(changed.header("etag") != etag);
  bool done = false;
  const auto changed_board = json_of(changed);
  for (const auto& habit : changed_board.at("habits").as_array())
    if (habit.at("id").as_string() == daily)
      done = habit.at("done_today").as_bool() && habit.at("current_streak").as_int64() == 1;
  CHECK(done);
}

TEST_CASE("learn: topics and lessons with the user's progress; completing twice pays once") {
  TestDatabase database("domains_learn");
  ServerProcess server(domain_env(database.url()));
  database.scalar("DELETE FROM learn_topics");  // this test brings its own catalogue
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const std::string topic = database.scalar(
      "INSERT INTO learn_topics (key, name, category) VALUES ('mixing', 'Mixing', 'music') RETURNING id");
  const std::string lesson =
      database.scalar("INSERT INTO learn_lessons (topic_id, key, title, xp_reward, coin_reward, sort_order) VALUES ('" +
                      topic + "', 'eq-basics', 'EQ basics', 20, 4, 1) RETURNING id");
  database.scalar("INSERT INTO learn_lessons (topic_id, key, title, sort_order) VALUES ('" + topic +
                  "', 'compression', 'Compression', 2)");

  auto topics = json_of(call(port, a, "GET", "/api/v1/learn/topics")).at("items").as_array();
  REQUIRE(topics.size() == 1);
  CHECK(topics[0].at("lessons").as_int64() == 2);
  CHECK(call(port, a, "GET", "/api/v1/learn/topics/00000000-0000-4000-8000-000000000000/lessons").status == 404);
  CHECK(call(port, a, "POST", "/api/v1/learn/lessons/00000000-0000-4000-8000-000000000000/complete").status == 404);
  CHECK(call(port, a, "POST", "/api/v1/learn/lessons/" + lesson + "/complete", R"({"quiz_score":101})").status == 400);

  auto first = call(port, a, "POST", "/api/v1/learn/lessons/" + lesson + "/complete", R"({"quiz_score":80})");
  REQUIRE(first.status == 200);
  CHECK(json_of(first).at("rewarded").as_bool());
  auto second = call(port, a, "POST", "/api/v1/learn/lessons/" + lesson + "/complete", "");
  REQUIRE(second.status == 200);
  CHECK(!json_of(second).at("rewarded").as_bool());
  CHECK(json_of(second).at("attempts").as_int64() == 2);
  CHECK(json_of(second).at("quiz_score").as_int64() == 80);
  CHECK(database.scalar("SELECT count(*) FROM points_ledger WHERE event_type = 'lesson_complete'") == "1");

  auto lessons = json_of(call(port, a, "GET", "/api/v1/learn/topics/" + topic + "/lessons")).at("items").as_array();
  REQUIRE(lessons.size() == 2);
  CHECK(lessons[0].at("status").as_string() == "completed");
  CHECK(lessons[1].at("status").as_string() == "not_started");
  auto board = json_of(call(port, a, "GET", "/api/v1/learn/dashboard"));
  CHECK(board.at("lessons_completed").as_int64() == 1);
  CHECK(board.at("xp_from_lessons").as_int64() == 20);
  CHECK(board.at("next_lesson").at("title").as_string() == "Compression");
  // The lesson and the "Student" achievement both paid, each once; the wallet equals the ledger.
  auto wallet = json_of(call(port, a, "GET", "/api/v1/wallet"));
  CHECK(std::to_string(wallet.at("coins").as_int64()) == database.scalar("SELECT sum(coins) FROM points_ledger"));
}

TEST_CASE("onboarding: steps in order, responses kept, skip and reset, state kept in the database") {
  TestDatabase database("domains_onboarding");
  ServerProcess server(domain_env(database.url()));
  database.scalar("DELETE FROM onboarding_flows");  // this test brings its own flow
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  CHECK(json_of(call(port, a, "GET", "/api/v1/onboarding")).at("status").as_string() == "none");
  const std::string flow = database.scalar(
      "INSERT INTO onboarding_flows (version, name, is_active, total_steps) VALUES (1, 'Welcome', true, 3) RETURNING "
      "id");
  std::vector<std::string> steps;
  for (int i = 1; i <= 3; ++i) {
    steps.push_back(database.scalar("INSERT INTO onboarding_steps (flow_id, step_order, step_type, title) VALUES ('" +
                                    flow + "', " + std::to_string(i) + ", 'explain', 'Step " + std::to_string(i) +
                                    "') RETURNING id"));
  }
  auto start = json_of(call(port, a, "GET", "/api/v1/onboarding"));
  CHECK(start.at("status").as_string() == "not_started");
  CHECK(start.at("current_step_id").as_string() == steps[0]);
  CHECK(start.at("steps").as_array().size() == 3);

  const auto step = [&](int i) {
    return "/api/v1/onboarding/steps/" + steps[static_cast<std::size_t>(i)] + "/complete";
  };
  CHECK(call(port, a, "POST", step(1)).status == 409);  // out of order
  auto first = call(port, a, "POST", step(0), R"({"response":{"goal":"focus"}})");
  REQUIRE(first.status == 200);
  CHECK(json_of(first).at("status").as_string() == "in_progress");
  CHECK(json_of(first).at("current_step_id").as_string() == steps[1]);
  CHECK(json_of(first).at("responses").at(steps[0]).at("goal").as_string() == "focus");
  CHECK(call(port, a, "POST", step(0)).status == 409);  // done already

  // A second server on the same database sees the same state.
  ServerProcess other(domain_env(database.url()));
  CHECK(json_of(call(other.port(), a, "GET", "/api/v1/onboarding")).at("current_step_id").as_string() == steps[1]);

  REQUIRE(call(port, a, "POST", step(1)).status == 200);
  auto done = json_of(call(port, a, "POST", step(2)));
  CHECK(done.at("status").as_string() == "completed");
  CHECK(done.at("current_step_id").is_null());
  CHECK(call(port, a, "POST", "/api/v1/onboarding/steps/00000000-0000-4000-8000-000000000000/complete").status == 404);

  auto again = json_of(call(port, a, "POST", "/api/v1/onboarding/reset"));
  CHECK(again.at("status").as_string() == "not_started");
  CHECK(again.at("current_step_id").as_string() == steps[0]);
  CHECK(again.at("responses").as_object().empty());
  // An imported state may hold a JSON null for its responses (migration 0007): read as none,
  // and a response recorded on top of it (a check violation, a 500, before).
  database.scalar("UPDATE user_onboarding_state SET responses = 'null'::jsonb RETURNING 1");
  CHECK(json_of(call(port, a, "GET", "/api/v1/onboarding")).at("responses").as_object().empty());
  auto over_null = call(port, a, "POST", step(0), R"({"response":{"goal":"sleep"}})");
  REQUIRE(over_null.status == 200);
  CHECK(json_of(over_null).at("responses").at(steps[0]).at("goal").as_string() == "sleep");
  CHECK(json_of(call(port, a, "POST", "/api/v1/onboarding/skip")).at("status").as_string() == "skipped");
  CHECK(call(port, a, "POST", step(0)).status == 409);
}

TEST_CASE("books: the current page never passes the total, and the last page finishes the book") {
  TestDatabase database("domains_books");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const std::string book = create(port, a, "/api/v1/books", R"({"title":"Zoë's garden 🌱","total_pages":100})");
  const std::string path = "/api/v1/books/" + book;
  auto bad = call(port, a, "PATCH", path, R"({"current_page":101})");
  CHECK(bad.status == 400);
  CHECK(json_of(bad).at("fields").as_object().contains("current_page"));
  REQUIRE(call(port, a, "PATCH", path, R"({"current_page":40})").status == 200);

  auto read = call(port, a, "POST", path + "/sessions", R"({"pages":30,"minutes":25})");
  REQUIRE(read.status == 201);
  CHECK(json_of(read).at("book").at("current_page").as_int64() == 70);
  CHECK(json_of(read).at("book").at("finished_at").is_null());
  auto last = json_of(call(port, a, "POST", path + "/sessions", R"({"pages":50})"));
  CHECK(last.at("book").at("current_page").as_int64() == 100);  // capped
  CHECK(last.at("book").at("status").as_string() == "completed");
  CHECK(!last.at("book").at("finished_at").is_null());
  CHECK(last.at("session").at("pages_read").as_int64() == 50);
  CHECK(database.scalar("SELECT count(*) FROM user_achievements WHERE achievement_key = 'bookworm'") == "1");
  CHECK(database.scalar("SELECT count(*) FROM reading_sessions") == "2");
  // Reopening clears finished_at; finishing by status stamps it again.
  CHECK(json_of(call(port, a, "PATCH", path, R"({"status":"reading"})")).at("finished_at").is_null());
  CHECK(!json_of(call(port, a, "PATCH", path, R"({"status":"completed"})")).at("finished_at").is_null());
}

TEST_CASE("programs: weeks are numbered 1..n, appended at the end, renumbered on removal") {
  TestDatabase database("domains_programs");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const std::string program = create(port, a, "/api/v1/programs", R"({"name":"5x5","difficulty":"beginner"})");
  const std::string weeks = "/api/v1/programs/" + program + "/weeks";
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(create(port, a, weeks, R"({"name":"w)" + std::to_string(i) + "\"}"));
  CHECK(call(port, a, "POST", weeks, R"({"schedule":[1]})").status == 400);

  REQUIRE(call(port, a, "DELETE", weeks + "/" + ids[1]).status == 204);
  CHECK(call(port, a, "DELETE", weeks + "/" + ids[1]).status == 404);
  auto list = json_of(call(port, a, "GET", weeks)).at("items").as_array();
  REQUIRE(list.size() == 3);
  for (std::size_t i = 0; i < list.size(); ++i)
    CHECK(list[i].at("week_number").as_int64() == static_cast<std::int64_t>(i + 1));
  CHECK(list[1].at("name").as_string() == "w2");
  auto appended = json_of(call(port, a, "POST", weeks, R"({"is_deload":true,"schedule":{"mon":"squat"}})"));
  CHECK(appended.at("week_number").as_int64() == 4);
  CHECK(appended.at("schedule").at("mon").as_string() == "squat");
  // One week read alone: the same object the list holds; a removed or malformed id is a 404.
  auto one = json_of(call(port, a, "GET", weeks + "/" + ids[2]));
  CHECK(one.at("week_number").as_int64() == 2);
  CHECK(one.at("name").as_string() == "w2");
  CHECK(call(port, a, "GET", weeks + "/" + ids[1]).status == 404);
  CHECK(call(port, a, "GET", weeks + "/not-a-uuid").status == 404);
  auto started = json_of(call(port, a, "PATCH", "/api/v1/programs/" + program, R"({"is_active":true})"));
  CHECK(!started.at("started_at").is_null());
}

TEST_CASE(
    "exercise: each logged workout adds the records it beats, built-ins are read-only, sets name visible exercises") {
  TestDatabase database("domains_exercise");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const Login b = dev_login(port, "bob@example.com");

  const std::string bench =
      create(port, a, "/api/v1/exercises", R"({"name":"Bench press","category":"strength","muscle_groups":["chest"]})");
  const std::string workout = create(port, a, "/api/v1/workouts", R"({"name":"Push","is_template":true})");
  const std::string log_path = "/api/v1/workouts/" + workout + "/sessions";
  const auto set = [&](int reps, double kg) {
    return R"({"exercise_id":")" + bench + R"(","reps":)" + std::to_string(reps) + R"(,"weight_kg":)" +
           std::to_string(kg) + "}";
  };
  // record_type → {value, previous_value or -1}
  const auto records_of = [](const boost::json::object& logged) {
    std::map<std::string, std::pair<double, double>> out;
    for (const auto& r : logged.at("new_records").as_array()) {
      const auto& previous = r.at("previous_value");
      out[std::string(r.at("record_type").as_string())] = {r.at("value").to_number<double>(),
                                                           previous.is_null() ? -1 : previous.to_number<double>()};
    }
    return out;
  };

  auto first = call(port, a, "POST", log_path, R"({"sets":[)" + set(5, 100) + "," + set(3, 110) + "]}");
  REQUIRE(first.status == 201);
  auto records = records_of(json_of(first));
  REQUIRE(records.size() == 3);
  CHECK(records["max_weight"].first == Approx(110));
  CHECK(records["1rm"].first == Approx(121));  // Epley: 110 × (1 + 3/30) beats 100 × (1 + 5/30)
  CHECK(records["max_reps"].first == Approx(5));
  CHECK(records["max_weight"].second == -1);
  CHECK(json_of(first).at("session").at("sets").as_array().size() == 2);

  // Lighter but longer: a new estimated max and rep record, the weight record stands.
  auto second = call(port, a, "POST", log_path, R"({"sets":[)" + set(8, 100) + "]}");
  REQUIRE(second.status == 201);
  records = records_of(json_of(second));
  CHECK(records.size() == 2);
  CHECK(records["1rm"].first == Approx(100 * (1 + 8 / 30.0)));
  CHECK(records["1rm"].second == Approx(121));
  CHECK(records["max_reps"].first == Approx(8));
  CHECK(records["max_reps"].second == Approx(5));
  // Nothing beaten, nothing added.
  auto third = call(port, a, "POST", log_path, R"({"sets":[)" + set(2, 50) + "]}");
  REQUIRE(third.status == 201);
  CHECK(json_of(third).at("new_records").as_array().empty());
  // A span the duration rule does not allow, or backwards, is the client's mistake: 400, never
  // an integer overflow in Postgres (a 500 before).
  for (const std::string times : {R"("started_at":"1900-01-01T00:00:00Z","completed_at":"2026-01-01T00:00:00Z")",
                                  R"("started_at":"1900-01-01T00:00:00Z")",
                                  R"("started_at":"2026-01-02T00:00:00Z","completed_at":"2026-01-01T00:00:00Z")"}) {
    INFO(times);
    auto refused = call(port, a, "POST", log_path, "{" + times + R"(,"sets":[]})");
    CHECK(refused.status == 400);
    CHECK(refused.body.find("validation_failed") != std::string::npos);
  }
  auto timed = call(port, a, "POST", log_path,
                    R"({"started_at":"2026-01-01T10:00:00Z","completed_at":"2026-01-01T11:30:00Z","sets":[]})");
  REQUIRE(timed.status == 201);
  CHECK(json_of(timed).at("session").at("duration_seconds").as_int64() == 5400);

  auto current = json_of(call(port, a, "GET", "/api/v1/exercise/records")).at("items").as_array();
  std::map<std::string, double> best;
  for (const auto& r : current) {
    CHECK(r.at("exercise_name").as_string() == "Bench press");
    best[std::string(r.at("record_type").as_string())] = r.at("value").to_number<double>();
  }
  CHECK(best.size() == 3);
  CHECK(best["max_weight"] == Approx(110));
  CHECK(best["1rm"] == Approx(100 * (1 + 8 / 30.0)));
  CHECK(best["max_reps"] == Approx(8));
  CHECK(json_of(call(port, b, "GET", "/api/v1/exercise/records")).at("items").as_array().empty());

  // The first logged workout earns its achievement.
  bool unlocked = false;
  const auto achievements = json_of(call(port, a, "GET", "/api/v1/achievements"));
  for (const auto& ach : achievements.at("items").as_array())
    if (ach.at("key").as_string() == "first_workout") unlocked = !ach.at("unlocked_at").is_null();
  CHECK(unlocked);

  // A set must name an exercise its user can see; times must be in order.
  const std::string b_workout = create(port, b, "/api/v1/workouts", R"({"name":"Pull"})");
  auto foreign =
      call(port, b, "POST", "/api/v1/workouts/" + b_workout + "/sessions", R"({"sets":[)" + set(1, 1) + "]}");
  CHECK(foreign.status == 400);
  CHECK(json_of(foreign).at("fields").as_object().contains("sets"));
  auto bad = call(port, a, "POST", log_path, R"({"sets":[{"exercise_id":"x","reps":-1}],"rating":9})");
  CHECK(bad.status == 400);
  const auto fields = json_of(bad).at("fields").as_object();
  CHECK(fields.contains("sets[0].exercise_id"));
  CHECK(fields.contains("sets[0].reps"));
  CHECK(fields.contains("rating"));
  CHECK(call(port, a, "POST", log_path,
             R"({"sets":[],"started_at":"2026-01-02T10:00:00Z","completed_at":"2026-01-02T09:00:00Z"})")
            .status == 400);
  CHECK(database.scalar("SELECT count(*) FROM workout_sessions") == "4");  // the timed one above included

  // Built-in exercises are listed for everyone and changed by no one.
  const std::string builtin = database.scalar("SELECT id FROM exercises WHERE is_builtin LIMIT 1");
  REQUIRE(!builtin.empty());
  CHECK(call(port, b, "GET", "/api/v1/exercises/" + builtin).status == 200);
  CHECK(call(port, b, "PATCH", "/api/v1/exercises/" + builtin, R"({"name":"mine"})").status == 404);
  CHECK(call(port, b, "DELETE", "/api/v1/exercises/" + builtin).status == 404);
  bool listed = false;
  std::string cursor;
  do {
    auto page =
        json_of(call(port, b, "GET", "/api/v1/exercises?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    for (const auto& e : page.at("items").as_array()) {
      listed = listed || e.at("id").as_string() == builtin;
      CHECK(e.at("id").as_string() != bench);
    }
    cursor = page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
  } while (!cursor.empty());
  CHECK(listed);

  // Deleting the plan keeps what was performed.
  CHECK(call(port, a, "DELETE", "/api/v1/workouts/" + workout).status == 204);
  CHECK(database.scalar("SELECT count(*) FROM workout_sessions WHERE workout_id IS NULL") == "4");
}

TEST_CASE("a fresh install starts with a usable catalogue") {
  TestDatabase database("domains_catalogue");
  ServerProcess server(domain_env(database.url()));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const auto items = [&](const std::string& path) {
    auto r = call(port, a, "GET", path);
    REQUIRE(r.status == 200);
    return json_of(r).at("items").as_array();
  };
  CHECK(items("/api/v1/quests").size() == 8);
  CHECK(items("/api/v1/market/items").size() == 8);
  const auto topics = items("/api/v1/learn/topics");
  REQUIRE(topics.size() == 6);
  std::int64_t lessons = 0;
  for (const auto& topic : topics) lessons += topic.at("lessons").as_int64();
  CHECK(lessons == 25);
  CHECK(items("/api/v1/achievements").size() == 12);
  CHECK(items("/api/v1/exercises?limit=100").size() == 20);
  auto onboarding = json_of(call(port, a, "GET", "/api/v1/onboarding"));
  CHECK(onboarding.at("status").as_string() == "not_started");
  CHECK(onboarding.at("steps").as_array().size() == 6);
  // Every seeded row carries the id the D1 import gives its legacy row (QUIRKS R3), so an
  // imported database and a fresh one agree.
  CHECK(database.scalar("SELECT id FROM exercises WHERE legacy_id = 'ex_squat'") ==
        ignition::Uuid::v5(*ignition::Uuid::parse("6f1c1d4e-3b0a-5c7e-9a51-1a2b3c4d5e6f"), "exercises:ex_squat")
            .to_string());
}
