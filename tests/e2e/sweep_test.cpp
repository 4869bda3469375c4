// The 500-sweep (issue 22): every route of the real route table gets path values, query values
// and JSON bodies of the wrong type, too large, empty, not UTF-8, with NUL, deeply nested, huge
// numbers, missing and unknown fields. The server must answer each (never drop the connection
// without an answer), never with a 5xx, and every error with the contract's JSON error body.
// Routes come from api::make_router, so a route added later is swept without editing this file;
// the tables below only add valid ids and example bodies that let a case reach deeper.

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <set>

#include <ignition/common/env.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

#include "routes.hpp"
#include "session_client.hpp"

using namespace ignition::testing;
namespace fs = std::filesystem;
namespace bjson = boost::json;

namespace {

// The route table as ignition-api builds it; nothing connects to the database it names.
struct RouteTable {
  RouteTable()
      : config(ignition::api::AppConfig::from_env(
            ignition::Env::from_map({{"DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"},
                                     {"AUTH_SECRET", std::string(32, 's')},
                                     {"STORAGE_DIR", storage_dir.string()}}))),
        pool(io.get_executor(), config.database), sessions(pool, config.auth),
        store(ignition::storage::local_store(storage_dir)),
        router(ignition::api::make_router(
            {config, pool, sessions, auth_metrics, *store, std::make_shared<ignition::http::Metrics>(), {}})) {}
  ~RouteTable() { fs::remove_all(storage_dir); }

  fs::path storage_dir = fs::temp_directory_path() / ("sweep-route-table-" + std::to_string(getpid()));
  boost::asio::io_context io;
  ignition::api::AppConfig config;
  ignition::db::Pool pool;
  ignition::auth::SessionStore sessions;
  ignition::auth::AuthMetrics auth_metrics;
  std::unique_ptr<ignition::storage::Store> store;
  ignition::http::Router router;
};

// What the sweep needs of a route: copied out, so the table can go before the server starts.
struct SweptRoute {
  std::string method;
  std::string pattern;
  bool admin = false;
  bool streamed = false;
  std::size_t body_limit = 0;  // 0: the server's
};

constexpr std::size_t server_body_limit = 1024 * 1024;  // HTTP_MAX_BODY's default, the contract's 1 MiB

std::vector<SweptRoute> swept_routes() {
  RouteTable table;
  std::vector<SweptRoute> out;
  for (const auto* route : table.router.routes()) {
    const auto& p = route->policy;
    out.push_back({std::string(boost::beast::http::to_string(route->method)), route->pattern,
                   p.access() == ignition::http::Access::admin, p.streaming(), p.max_body()});
  }
  return out;
}

std::map<std::string, std::string> sweep_env(const std::string& url, const fs::path& storage) {
  return {{"DATABASE_URL", url},
          {"APP_ENV", "test"},
          {"THREADS", "2"},
          {"DEV_LOGIN", "1"},
          {"AUTH_SECRET", "test-secret-test-secret-test-secret-0001"},
          {"APP_URL", "https://app.example.com"},
          {"RATE_LIMIT_AUTH", "0"},
          {"RATE_LIMIT_API", "0"},
          {"RATE_LIMIT_ADMIN", "0"},
          {"STORAGE_DIR", storage.string()}};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string id_of(const HttpResult& r) { return std::string(json_of(r).at("id").as_string()); }

// A valid body per route, where one is known: the sweep changes each of its values and leaves
// each of its fields out. {name} is a valid id of that name.
const std::map<std::string, std::string> example_bodies = {
    {"POST /auth/dev-login", R"({"email":"sweep-login@example.com"})"},
    {"POST /api/v1/focus", R"({"mode":"focus","duration_seconds":1500})"},
    {"POST /api/v1/ideas", R"({"title":"t","body":"b","tags":["x"],"is_favorite":true})"},
    {"PATCH /api/v1/ideas/{id}", R"({"title":"t","tags":["y"]})"},
    {"POST /api/v1/habits", R"({"name":"n"})"},
    {"PATCH /api/v1/habits/{id}", R"({"name":"n"})"},
    {"POST /api/v1/habits/{id}/log", R"({"date":"2026-01-02"})"},
    {"POST /api/v1/quests", R"({"title":"t","target":3})"},
    {"POST /api/v1/quests/{id}/progress", R"({"amount":1})"},
    {"POST /api/v1/goals", R"({"title":"t"})"},
    {"PATCH /api/v1/goals/{id}", R"({"title":"t"})"},
    {"POST /api/v1/goals/{id}/milestones", R"({"title":"step"})"},
    {"PATCH /api/v1/goals/{id}/milestones/{milestone_id}", R"({"is_completed":true})"},
    {"POST /api/v1/calendar/events",
     R"({"title":"t","starts_at":"2026-01-01T10:00:00Z","ends_at":"2026-01-01T11:00:00Z","metadata":{"k":"v"}})"},
    {"PATCH /api/v1/calendar/events/{id}", R"({"title":"t","starts_at":"2026-01-01T10:00:00Z"})"},
    {"PUT /api/v1/daily-plan/{date}",
     R"({"items":[{"title":"a","done":false,"kind":"task","time":"09:00"}],"notes":"n"})"},
    {"POST /api/v1/infobase", R"({"title":"t","content":"c"})"},
    {"PATCH /api/v1/infobase/{id}", R"({"title":"t"})"},
    {"POST /api/v1/feedback", R"({"kind":"idea","message":"m"})"},
    {"POST /api/v1/books", R"({"title":"Dune","total_pages":600})"},
    {"PATCH /api/v1/books/{id}", R"({"rating":5})"},
    {"POST /api/v1/books/{id}/sessions", R"({"pages":5})"},
    {"POST /api/v1/exercises", R"({"name":"n","category":"strength"})"},
    {"PATCH /api/v1/exercises/{id}", R"({"name":"n"})"},
    {"POST /api/v1/workouts", R"({"name":"n","structure":{"blocks":[1]}})"},
    {"PATCH /api/v1/workouts/{id}", R"({"name":"n"})"},
    {"POST /api/v1/workouts/{id}/sessions", R"({"sets":[{"exercise_id":"{exercise}","reps":5,"weight_kg":80}]})"},
    {"POST /api/v1/programs", R"({"name":"p","duration_weeks":8})"},
    {"PATCH /api/v1/programs/{id}", R"({"name":"p"})"},
    {"POST /api/v1/programs/{id}/weeks", R"({"name":"w","schedule":{"mon":"legs"}})"},
    {"POST /api/v1/onboarding/steps/{id}/complete", R"({"response":{"goal":"focus"}})"},
    {"PATCH /api/v1/programs/{id}/weeks/{week_id}", R"({"is_deload":true})"},
    {"PATCH /api/v1/me", R"({"name":"n","image":"https://example.com/a.png"})"},
    {"PUT /api/v1/me/settings", R"({"theme":"dark"})"},
    {"POST /api/v1/me/accept-tos", R"({"version":"2026-01"})"},
    {"POST /api/v1/me/verify-age", R"({"birth_date":"1990-01-01"})"},
    {"PATCH /api/v1/admin/users/{id}", R"({"role":"user"})"},
    {"POST /api/v1/admin/users/{id}/wallet/adjust", R"({"coins":5,"xp":1,"reason":"r"})"},
    {"PATCH /api/v1/admin/feedback/{id}", R"({"status":"closed"})"},
    {"POST /api/v1/admin/quests", R"({"title":"q","type":"daily","target":3,"xp_reward":5,"is_active":true})"},
    {"PATCH /api/v1/admin/quests/{id}", R"({"title":"q","target":2})"},
    {"POST /api/v1/admin/market-items", R"({"key":"sweep","name":"n","category":"c","cost_coins":5})"},
    {"PATCH /api/v1/admin/market-items/{id}", R"({"name":"n","cost_coins":6})"},
    {"POST /api/v1/admin/achievements",
     R"({"key":"sweep","name":"n","category":"c","trigger_type":"count","trigger_config":{"count":1}})"},
    {"PATCH /api/v1/admin/achievements/{id}", R"({"name":"n","trigger_config":{"count":2}})"},
    {"POST /api/v1/admin/learn/topics", R"({"key":"sweep","name":"n","category":"c"})"},
    {"PATCH /api/v1/admin/learn/topics/{id}", R"({"name":"n"})"},
    {"POST /api/v1/admin/learn/lessons",
     R"({"topic_id":"{topic}","key":"sweep","title":"t","difficulty":"beginner","quiz":{"q":[]}})"},
    {"PATCH /api/v1/admin/learn/lessons/{id}", R"({"title":"t"})"},
    {"POST /api/v1/admin/onboarding/steps",
     R"({"flow_id":"{flow}","step_order":1,"step_type":"explain","title":"t","options":[1]})"},
    {"PATCH /api/v1/admin/onboarding/steps/{id}", R"({"title":"t"})"},
    {"PUT /api/v1/tracks/{id}/analysis", R"({"bpm":120})"},
};

// Where a path placeholder's valid value comes from: the pattern up to the placeholder.
// A placeholder without one gets a well-formed id of no row.
const std::string no_row = "00000000-0000-4000-8000-000000000001";

struct Fixture {
  std::uint16_t port = 0;
  Login user;
  Login admin;
  std::map<std::string, std::string> ids;         // name → id, for {name} in bodies
  std::map<std::string, std::string> collection;  // collection pattern → id of one of its rows
};

std::string create(const Fixture& f, const Login& who, const std::string& path, const std::string& body) {
  auto r = call(f.port, who, "POST", path, body);
  INFO("setting up: POST " << path << " → " << r.status << " " << r.body);
  REQUIRE(r.status == 201);
  return id_of(r);
}

// Rows of the user's own, a victim user for the admin routes, and catalogue rows, so that a
// path id can also name a row that exists.
void make_rows(Fixture& f, TestDatabase& database) {
  auto& c = f.collection;
  const auto& u = f.user;
  c["/api/v1/focus"] = create(f, u, "/api/v1/focus", R"({"mode":"focus","duration_seconds":1500})");
  c["/api/v1/ideas"] = create(f, u, "/api/v1/ideas", R"({"title":"plan","tags":["x"]})");
  c["/api/v1/habits"] = create(f, u, "/api/v1/habits", R"({"name":"read"})");
  c["/api/v1/quests"] = create(f, u, "/api/v1/quests", R"({"title":"my quest","target":3})");
  c["/api/v1/goals"] = create(f, u, "/api/v1/goals", R"({"title":"marathon"})");
  c["/api/v1/goals/{id}/milestones"] =
      create(f, u, "/api/v1/goals/" + c["/api/v1/goals"] + "/milestones", R"({"title":"10k"})");
  c["/api/v1/calendar/events"] =
      create(f, u, "/api/v1/calendar/events", R"({"title":"dentist","starts_at":"2026-01-05T09:00:00Z"})");
  c["/api/v1/infobase"] = create(f, u, "/api/v1/infobase", R"({"title":"note","content":"c"})");
  c["/api/v1/books"] = create(f, u, "/api/v1/books", R"({"title":"Dune","total_pages":600})");
  c["/api/v1/exercises"] = create(f, u, "/api/v1/exercises", R"({"name":"squat","category":"strength"})");
  c["/api/v1/workouts"] = create(f, u, "/api/v1/workouts", R"({"name":"Leg day"})");
  c["/api/v1/programs"] = create(f, u, "/api/v1/programs", R"({"name":"Strength","duration_weeks":8})");
  c["/api/v1/programs/{id}/weeks"] =
      create(f, u, "/api/v1/programs/" + c["/api/v1/programs"] + "/weeks", R"({"name":"Base"})");
  c["/api/v1/market/items"] = database.scalar(
      "INSERT INTO market_items (key, name, category, cost_coins, is_global, created_by_user_id) VALUES ('own-" +
      u.user_id + "', 'Movie night', 'custom', 0, false, '" + u.user_id + "') RETURNING id");
  c["/api/v1/market/purchases"] = create(f, u, "/api/v1/market/items/" + c["/api/v1/market/items"] + "/purchase", "");
  f.ids["exercise"] = c["/api/v1/exercises"];

  // The admin's rows live as long as the run: the user's are made again if the user is deleted.
  if (!c.contains("/api/v1/admin/users")) {
    c["/api/v1/admin/users"] = dev_login(f.port, "victim@example.com").user_id;
    c["/auth/sessions"] = dev_login(f.port, "sweep-user@example.com").session_id;
    create(f, u, "/api/v1/feedback", R"({"kind":"idea","message":"m"})");
    c["/api/v1/admin/feedback"] = database.scalar("SELECT id FROM feedback LIMIT 1");
    const auto& a = f.admin;
    c["/api/v1/admin/quests"] = create(f, a, "/api/v1/admin/quests", R"({"title":"q","target":3})");
    c["/api/v1/admin/market-items"] =
        create(f, a, "/api/v1/admin/market-items", R"({"key":"k1","name":"n","category":"c","cost_coins":5})");
    c["/api/v1/admin/achievements"] =
        create(f, a, "/api/v1/admin/achievements",
               R"({"key":"a1","name":"n","category":"c","trigger_type":"count","trigger_config":{"count":1}})");
    c["/api/v1/admin/learn/topics"] =
        create(f, a, "/api/v1/admin/learn/topics", R"({"key":"t1","name":"n","category":"c"})");
    f.ids["topic"] = c["/api/v1/admin/learn/topics"];
    c["/api/v1/learn/topics"] = f.ids["topic"];
    c["/api/v1/admin/learn/lessons"] = create(f, a, "/api/v1/admin/learn/lessons",
                                              R"({"topic_id":")" + f.ids["topic"] + R"(","key":"l1","title":"t"})");
    c["/api/v1/learn/lessons"] = c["/api/v1/admin/learn/lessons"];
    f.ids["flow"] = database.scalar("SELECT id FROM onboarding_flows WHERE is_active");
    c["/api/v1/onboarding/steps"] = database.scalar("SELECT id FROM onboarding_steps WHERE flow_id = '" +
                                                    f.ids["flow"] + "' ORDER BY step_order LIMIT 1");
    c["/api/v1/admin/onboarding/steps"] = c["/api/v1/onboarding/steps"];
  }
}

// A path with every placeholder valid, except `bad` (when given) set to `bad_value`.
std::string fill(const Fixture& f, const std::string& pattern, const std::string& bad = "",
                 const std::string& bad_value = "") {
  std::string out;
  std::size_t at = 0;
  while (at < pattern.size()) {
    const auto open = pattern.find('{', at);
    if (open == std::string::npos) {
      out += pattern.substr(at);
      break;
    }
    const auto close = pattern.find('}', open);
    const std::string name = pattern.substr(open + 1, close - open - 1);
    out += pattern.substr(at, open - at);
    if (name == bad) {
      out += bad_value;
    } else if (name == "date") {
      out += "2026-01-01";
    } else if (name == "provider") {
      out += "google";
    } else {
      std::string prefix = pattern.substr(0, open);
      if (prefix.ends_with('/')) prefix.pop_back();
      const auto known = f.collection.find(prefix);
      out += known == f.collection.end() ? no_row : known->second;
    }
    at = close + 1;
  }
  return out;
}

std::vector<std::string> placeholders(const std::string& pattern) {
  std::vector<std::string> out;
  for (auto open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1))
    out.push_back(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
  return out;
}

std::string nested(const std::string& open, const std::string& close, int depth) {
  std::string s;
  s.reserve((open.size() + close.size()) * static_cast<std::size_t>(depth) + 1);
  for (int i = 0; i < depth; ++i) s += open;
  s += "1";
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

// Path values, already percent-encoded where they need it.
const std::vector<std::string> path_values = {
    "not-a-uuid",
    "18446744073709551616",
    "-1",
    "1.5",
    "",
    "%FF",
    "%00",
    "%C3%28",
    "%ED%A0%80",
    "%",
    "%zz",
    "a%2Fb",
    "00000000-0000-4000-8000-00000000000G",
    "00000000-0000-4000-8000-00000000000A",
    "00000000-0000-0000-0000-000000000000",
    "2026-02-30",
    "99999-01-01",
    "2026-1-1",
    std::string(4000, 'a'),
};

// Query parameters some route reads, and values for each.
const std::vector<std::string> query_names = {
    "limit", "cursor", "from",     "to",      "q",           "tag",       "status",   "favorite",
    "date",  "kind",   "category", "expires", "expires_in",  "signature", "filename", "artist",
    "title", "state",  "code",     "error",   "redirect_to", "topic_id"};
const std::vector<std::string> query_values = {
    "",
    "garbage",
    "%FF",
    "%00",
    "%C3%28",
    "%ED%A0%80",
    "%",
    "18446744073709551616",
    "-1",
    "1.5",
    "1e400",
    "2026-02-30T25:61:00Z",
    std::string(3000, 'z'),
};

// A value put in place of a body field: raw JSON text (may be invalid on purpose).
const std::vector<std::string> field_values = {
    "null",
    "true",
    "0",
    "-1",
    "1.5",
    "1e400",
    "-1e400",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775807",
    R"("")",
    R"("x")",
    R"("\u0000")",
    R"("a\u0000b")",
    R"("\ud800")",
    R"("\udfff x")",
    "\"\xff\xfe\"",
    "\"\xc3\x28\"",
    R"("2026-02-30")",
    R"("2026-01-01T25:00:00Z")",
    R"("99999-12-31T00:00:00Z")",
    R"("ffffffff-ffff-ffff-ffff-ffffffffffff")",
    "[]",
    R"([1,"a",null])",
    "{}",
    R"({"a":1})",
    "\"" + std::string(200'000, 'x') + "\"",
};

struct BodyCase {
  std::string body;
  std::string content_type = "application/json";
};

// Whole bodies every unsafe route gets, whether or not it reads one.
std::vector<BodyCase> generic_bodies(std::size_t limit) {
  std::vector<BodyCase> out = {
      {""},
      {"not json"},
      {"{"},
      {"null"},
      {"[]"},
      {"[1,2]"},
      {R"("a string")"},
      {"1"},
      {"true"},
      {"{}"},
      {"1e400"},
      {"-1e400"},
      {"18446744073709551616"},
      {R"({"a":1} trailing)"},
      {"\xef\xbb\xbf{}"},
      {"{\"\xff\":1}"},
      {R"({"\u0000":1})"},
      {R"({"\ud800":1})"},
      {R"({"sweep_unknown":1})"},
      {R"({"a":1,"a":2})"},
      {std::string("{\"a\":\"x\0y\"}", 11)},
      {nested("[", "]", 100'000)},
      {nested("{\"a\":", "}", 100'000)},
      {nested("[", "]", 1000)},
      {nested("{\"a\":", "}", 1000)},
      {"{}", "text/plain"},
      {"{}", "application/json; charset=latin1"},
      {"{}", ""},
  };
  // Just over the route's limit, as a JSON object with one long string.
  const std::string head = R"({"a":")";
  out.push_back({head + std::string(limit + 1 - head.size() - 2, 'a') + "\"}"});
  return out;
}

// Every way of changing one value of `example`: each value (at any depth) replaced by each of
// `field_values`, each key left out, an unknown key added to each object.
std::vector<std::string> field_bodies(const bjson::value& example) {
  std::vector<std::string> out;
  const std::string marker = "\x01sweep\x01";
  const std::string marker_json = R"("\u0001sweep\u0001")";
  // Calls `act` on the value at position `target` of a walk of the tree (0 is the root); a raw
  // replacement goes in as a marker string first, swapped for the raw text once serialized.
  std::function<void(bjson::value&, std::size_t&, std::size_t, const std::function<void(bjson::value&)>&)> walk =
      [&](bjson::value& v, std::size_t& index, std::size_t target, const std::function<void(bjson::value&)>& act) {
        if (index++ == target) act(v);
        if (v.is_object())
          for (auto& kv : v.as_object()) walk(kv.value(), index, target, act);
        if (v.is_array())
          for (auto& item : v.as_array()) walk(item, index, target, act);
      };
  std::size_t count = 0;
  {
    bjson::value copy = example;
    walk(copy, count, std::size_t(-1), [](bjson::value&) {});
  }
  for (std::size_t target = 0; target < count; ++target) {
    // The root itself is replaced by the generic bodies.
    for (const auto& raw : target == 0 ? std::vector<std::string>{} : field_values) {
      bjson::value copy = example;
      std::size_t index = 0;
      walk(copy, index, target, [&](bjson::value& v) { v = bjson::string(marker); });
      out.push_back(replace_all(bjson::serialize(copy), marker_json, raw));
    }
    bjson::value copy = example;
    std::size_t index = 0;
    walk(copy, index, target, [&](bjson::value& v) {
      if (!v.is_object()) return;
      auto& object = v.as_object();
      object["sweep_unknown"] = 1;
      out.push_back(bjson::serialize(copy));
      object.erase("sweep_unknown");
      std::vector<std::string> keys;
      for (const auto& kv : object) keys.emplace_back(kv.key());
      for (const auto& key : keys) {
        bjson::value without = copy;
        // The same object inside `without`: walk again to reach it.
        std::size_t again = 0;
        walk(without, again, target, [&](bjson::value& w) { w.as_object().erase(key); });
        out.push_back(bjson::serialize(without));
      }
    });
  }
  return out;
}

std::string shown(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 160)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  if (s.size() > 160) out += "…(" + std::to_string(s.size()) + " bytes)";
  return out;
}

class Sweep {
 public:
  Sweep(ServerProcess& server, Fixture& fixture) : server_(server), f_(fixture) {}

  // Sends one request as `who` and checks the answer; a problem is kept for the report.
  void send(const Login& who, const std::string& method, const std::string& target, const BodyCase& body = {""}) {
    ++sent_;
    std::map<std::string, std::string> headers{{"Cookie", who.cookie()}, {"X-CSRF-Token", who.csrf}};
    if (!body.content_type.empty() && (!body.body.empty() || method != "GET"))
      headers["Content-Type"] = body.content_type;
    const std::string what = method + " " + shown(target) + " body " + shown(body.body) +
                             (body.content_type == "application/json" ? "" : " (" + body.content_type + ")");
    HttpResult r;
    try {
      r = http_request(f_.port, method, target, headers, body.body);
    } catch (const std::exception& e) {
      fail(what + " → no answer (" + e.what() + ")");
      if (!server_.running()) FAIL("the server exited:\n" << tail(server_.output()));
      return;
    }
    if (r.status >= 500 || r.status < 100) {
      fail(what + " → " + std::to_string(r.status) + " " + shown(r.body));
    } else if (r.status >= 400 && !error_body(r)) {
      fail(what + " → " + std::to_string(r.status) + " without the error body: " + shown(r.body));
    }
  }

  // Sends a header announcing a body past the limit, without the body.
  void send_announced(const Login& who, const std::string& method, const std::string& target, std::size_t length) {
    ++sent_;
    const std::string head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + who.cookie() +
                             "\r\nX-CSRF-Token: " + who.csrf +
                             "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(length) +
                             "\r\n\r\n";
    const std::string raw = raw_exchange(f_.port, head, std::chrono::seconds(10));
    const int status = status_of(raw);
    if (status == 0 || status >= 500)
      fail(method + " " + target + " announcing " + std::to_string(length) + " bytes → " + shown(raw));
  }

  std::size_t sent() const { return sent_; }
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  static bool error_body(const HttpResult& r) {
    if (r.header("content-type").rfind("application/json", 0) != 0) return false;
    try {
      const auto body = json_of(r);
      return body.contains("error") && body.at("error").is_string() && body.contains("code") &&
             body.at("code").is_string() && body.contains("request_id") && body.at("request_id").is_string();
    } catch (const std::exception&) {
      return false;
    }
  }
  static std::string tail(const std::string& s) { return s.size() > 4000 ? s.substr(s.size() - 4000) : s; }
  void fail(std::string line) {
    std::printf("problem: %s\n", line.c_str());
    failures_.push_back(std::move(line));
  }

  ServerProcess& server_;
  Fixture& f_;
  std::size_t sent_ = 0;
  std::vector<std::string> failures_;
};

bool unsafe(const std::string& method) { return method != "GET" && method != "HEAD"; }

// Signs the user and admin in again when a route ended a session (logout, revocation, deleting
// the account), and makes the user's rows again when the account is gone.
void restore_sessions(Fixture& f, TestDatabase& database) {
  if (with_session(f.port, "GET", "/auth/session", f.admin).status != 200)
    f.admin = dev_login(f.port, "sweep-admin@example.com", "admin");
  if (with_session(f.port, "GET", "/auth/session", f.user).status == 200) return;
  const std::string before = f.user.user_id;
  f.user = dev_login(f.port, "sweep-user@example.com");
  if (f.user.user_id != before) make_rows(f, database);
}

}  // namespace

TEST_CASE("the 500-sweep: no input to any route is answered with a 5xx or left without an answer") {
  const auto routes = swept_routes();
  REQUIRE(routes.size() > 100);

  TestDatabase database("sweep");
  const auto storage = binary_dir() / "test-storage" / "sweep";
  fs::remove_all(storage);
  ServerProcess server(sweep_env(database.url(), storage));
  Fixture f;
  f.port = server.port();
  f.user = dev_login(f.port, "sweep-user@example.com");
  f.admin = dev_login(f.port, "sweep-admin@example.com", "admin");
  make_rows(f, database);

  // Routes that delete go last, so that the rows the others name still exist.
  std::vector<SweptRoute> ordered;
  for (const auto& r : routes)
    if (r.method != "DELETE") ordered.push_back(r);
  for (const auto& r : routes)
    if (r.method == "DELETE") ordered.push_back(r);

  Sweep sweep(server, f);
  const auto started = std::chrono::steady_clock::now();
  for (const auto& route : ordered) {
    const Login& who = route.admin ? f.admin : f.user;
    const std::string valid_target = fill(f, route.pattern);
    const auto example = example_bodies.find(route.method + " " + route.pattern);
    std::string example_body;
    if (example != example_bodies.end()) {
      example_body = example->second;
      for (const auto& [name, id] : f.ids) example_body = replace_all(example_body, "{" + name + "}", id);
    }
    const BodyCase sane{unsafe(route.method) ? (example_body.empty() ? "{}" : example_body) : ""};

    // Path values, one placeholder at a time, with a sane body.
    for (const auto& name : placeholders(route.pattern))
      for (const auto& value : path_values) sweep.send(who, route.method, fill(f, route.pattern, name, value), sane);

    // Query values: each name on its own where queries are read (GET), all at once elsewhere.
    for (const auto& value : query_values) {
      if (route.method == "GET") {
        for (const auto& name : query_names) sweep.send(who, route.method, valid_target + "?" + name + "=" + value);
      } else {
        std::string query;
        for (const auto& name : query_names) query += (query.empty() ? "?" : "&") + name + "=" + value;
        sweep.send(who, route.method, valid_target + query, sane);
      }
    }

    if (!unsafe(route.method)) {
      restore_sessions(f, database);
      continue;
    }
    // Bodies.
    const std::size_t limit =
        route.body_limit && !route.streamed ? std::min(route.body_limit, server_body_limit) : server_body_limit;
    for (const auto& body : generic_bodies(route.streamed ? 4096 : limit))
      sweep.send(who, route.method, valid_target, body);
    if (route.streamed) sweep.send_announced(who, route.method, valid_target, route.body_limit + 1);
    if (!example_body.empty() && route.method != "DELETE") {
      bjson::value parsed = bjson::parse(example_body);
      for (const auto& body : field_bodies(parsed)) sweep.send(who, route.method, valid_target, {body});
    }
    restore_sessions(f, database);
  }
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
  std::printf("500-sweep: %zu routes, %zu requests, %lld s, %zu problems\n", ordered.size(), sweep.sent(),
              static_cast<long long>(seconds), sweep.failures().size());

  std::string report;
  for (std::size_t i = 0; i < sweep.failures().size() && i < 300; ++i) report += sweep.failures()[i] + "\n";
  INFO(report);
  CHECK(sweep.failures().empty());
  CHECK(server.running());
}
