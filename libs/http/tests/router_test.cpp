#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <ignition/http/router.hpp>

using namespace ignition::http;
namespace asio = boost::asio;

namespace {
Handler returning(std::string body) {
  return [body](Request&) -> asio::awaitable<Response> {
    Response r(Status::ok);
    r.body() = body;
    co_return r;
  };
}

std::string call(const Handler& h, Request& req) {
  asio::io_context io;
  auto f = asio::co_spawn(io, h(req), asio::use_future);
  io.run();
  return f.get().body();
}

Request make(Verb method, std::string_view path) {
  Request r;
  r.message.method(method);
  r.path = path;
  return r;
}

Router sample() {
  Router r;
  r.add(Verb::get, "/health", access::open, returning("health"));
  r.add(Verb::get, "/api/v1/focus", access::user, returning("list"));
  r.add(Verb::post, "/api/v1/focus", access::user, returning("create"));
  r.add(Verb::get, "/api/v1/focus/active", access::user, returning("active"));
  r.add(Verb::get, "/api/v1/focus/{id}", access::user, returning("one"));
  r.add(Verb::post, "/api/v1/focus/{id}/pause", access::user, returning("pause"));
  r.add(Verb::delete_, "/api/v1/habits/{id}/log/{date}", access::user, returning("unlog"));
  r.add(Verb::get, "/api/v1/admin/stats", access::admin, returning("stats"));
  r.add(Verb::post, "/api/v1/admin/stats", access::user.limited(RateClass::feedback), returning("odd"));
  return r;
}
}  // namespace

TEST_CASE("routes match by method and template, literals before parameters") {
  Router r = sample();
  auto req = make(Verb::get, "/api/v1/focus/active");
  auto m = r.match(req);
  REQUIRE(m.route);
  CHECK(m.pattern == "/api/v1/focus/active");
  CHECK(call(m.route->handler, req) == "active");

  req = make(Verb::get, "/api/v1/focus/1b4e28ba-2fa1-11d2-883f-0016d3cca427");
  m = r.match(req);
  REQUIRE(m.route);
  CHECK(m.pattern == "/api/v1/focus/{id}");
  CHECK(req.param("id") == "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
  CHECK(call(m.route->handler, req) == "one");
}

TEST_CASE("a literal branch that dead-ends falls back to the parameter") {
  Router r = sample();
  auto req = make(Verb::post, "/api/v1/focus/active/pause");
  auto m = r.match(req);
  REQUIRE(m.route);
  CHECK(m.pattern == "/api/v1/focus/{id}/pause");
  CHECK(req.param("id") == "active");
}

TEST_CASE("several parameters are all captured") {
  Router r = sample();
  auto req = make(Verb::delete_, "/api/v1/habits/abc/log/2026-01-07");
  auto m = r.match(req);
  REQUIRE(m.route);
  CHECK(req.param("id") == "abc");
  CHECK(req.param("date") == "2026-01-07");
  CHECK(req.param("missing").empty());
}

TEST_CASE("unknown paths do not match; empty segments and trailing slashes are not normalised") {
  Router r = sample();
  for (std::string_view path : {"/nope", "/health/", "//health", "/api/v1", "/api/v1/focus/x/y", "", "health"}) {
    auto req = make(Verb::get, path);
    auto m = r.match(req);
    INFO(path);
    CHECK_FALSE(m.route);
    CHECK(m.allow.empty());
  }
}

TEST_CASE("a known path with the wrong method lists the allowed ones") {
  Router r = sample();
  auto req = make(Verb::delete_, "/api/v1/focus");
  auto m = r.match(req);
  CHECK_FALSE(m.route);
  CHECK(m.pattern == "/api/v1/focus");
  CHECK(m.allow == "GET, HEAD, POST");

  req = make(Verb::put, "/api/v1/focus/123/pause");
  m = r.match(req);
  CHECK(m.allow == "POST");
}

TEST_CASE("the match carries the route's policy; a wrong method hides admin paths only") {
  Router r = sample();
  auto req = make(Verb::get, "/api/v1/focus/active");
  auto m = r.match(req);
  REQUIRE(m.policy);
  CHECK(m.policy->access() == Access::user);
  CHECK(m.policy->rate() == RateClass::api);
  CHECK(m.policy->csrf());

  req = make(Verb::post, "/api/v1/admin/stats");
  m = r.match(req);
  REQUIRE(m.policy);
  CHECK(m.policy->rate() == RateClass::feedback);

  req = make(Verb::delete_, "/api/v1/admin/stats");  // 405, hidden behind the admin gate like its routes
  m = r.match(req);
  CHECK_FALSE(m.route);
  REQUIRE(m.policy);
  CHECK(m.policy->access() == Access::admin);

  req = make(Verb::put, "/api/v1/focus/active");  // 405 for anyone: the path is no secret
  m = r.match(req);
  CHECK_FALSE(m.route);
  REQUIRE(m.policy);
  CHECK(m.policy->access() == Access::session);
  CHECK(m.policy->rate() == RateClass::api);

  CHECK_FALSE(r.match(Verb::get, "/nope", req.params).policy);
}

TEST_CASE("policies: defaults by access level, changed by name") {
  CHECK(access::open.rate() == RateClass::none);
  CHECK(access::admin.rate() == RateClass::admin);
  CHECK(access::session.rate() == RateClass::api);
  constexpr auto upload = access::user.streamed(1024);
  CHECK(upload.streaming());
  CHECK(upload.max_body() == 1024);
  CHECK(upload.access() == Access::user);
  CHECK_FALSE(access::user.without_csrf().csrf());
}

TEST_CASE("the table lists every route in the order added") {
  Router r = sample();
  const auto routes = r.routes();
  REQUIRE(routes.size() == 9);
  CHECK(routes.front()->pattern == "/health");
  CHECK(routes.back()->method == Verb::post);
}

TEST_CASE("HEAD is served by the GET handler") {
  Router r = sample();
  auto req = make(Verb::head, "/health");
  auto m = r.match(req);
  REQUIRE(m.route);
  CHECK(call(m.route->handler, req) == "health");
}

TEST_CASE("malformed or duplicate patterns are refused at registration") {
  Router r = sample();
  CHECK_THROWS_AS(r.add(Verb::get, "/health", access::open, returning("again")), std::invalid_argument);
  CHECK_THROWS_AS(r.add(Verb::get, "no-slash", access::open, returning("x")), std::invalid_argument);
  CHECK_THROWS_AS(r.add(Verb::get, "/a//b", access::open, returning("x")), std::invalid_argument);
  CHECK_THROWS_AS(r.add(Verb::get, "/api/v1/focus/{other}", access::user, returning("x")), std::invalid_argument);
}
