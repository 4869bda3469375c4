// The route table as ignition-api builds it: printed, and checked against the rules the
// contract sets for access, CSRF, rate limits and bodies. No database is needed: nothing
// connects until a request comes.

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <filesystem>
#include <set>

#include <ignition/common/env.hpp>
#include <ignition/db/pool.hpp>

#include "routes.hpp"

using namespace ignition;
using http::Access;
using http::RateClass;
using http::Verb;

namespace {

// A route can only be added with a policy: this call does not compile.
template <typename R>
concept adds_without_policy = requires(R router, http::Handler handler) {
  router.add(Verb::get, "/x", handler);
};
static_assert(!adds_without_policy<http::Router>);
static_assert(!std::is_default_constructible_v<http::Policy>);

using Table = api::OfflineRoutes;

std::string name(const http::Route& route) {
  return std::string(boost::beast::http::to_string(route.method)) + " " + route.pattern;
}

std::set<std::string> with_access(const http::Router& router, Access access) {
  std::set<std::string> names;
  for (const auto* route : router.routes())
    if (route->policy.access() == access) names.insert(name(*route));
  return names;
}

}  // namespace

TEST_CASE("the route table: every route with its policy") {
  Table t;
  const auto routes = t.router.routes();
  REQUIRE(routes.size() > 100);
  // CSRF applies to unsafe methods only: "-" on the others.
  std::printf("%-7s %-52s %-8s %-5s %-9s %s\n", "method", "path", "access", "csrf", "rate", "body");
  for (const auto* r : routes) {
    const auto& p = r->policy;
    const std::string body = p.streaming()  ? "streamed, " + std::to_string(p.max_body())
                             : p.max_body() ? std::to_string(p.max_body())
                                            : "default";
    const char* csrf = !http::unsafe(r->method) ? "-" : p.csrf() ? "yes" : "no";
    std::printf("%-7s %-52s %-8s %-5s %-9s %s\n", std::string(boost::beast::http::to_string(r->method)).c_str(),
                r->pattern.c_str(), std::string(to_string(p.access())).c_str(), csrf,
                std::string(to_string(p.rate())).c_str(), body.c_str());
  }
}

TEST_CASE("the admin area is admin only, and only the admin area is") {
  Table t;
  for (const auto* r : t.router.routes()) {
    INFO(name(*r));
    const bool in_admin_area = r->pattern.starts_with("/api/v1/admin/");
    CHECK(in_admin_area == (r->policy.access() == Access::admin));
    if (in_admin_area) CHECK(r->policy.rate() == RateClass::admin);
  }
}

TEST_CASE("every unsafe route that reads a session checks CSRF; no open route is unsafe") {
  Table t;
  for (const auto* r : t.router.routes()) {
    if (!http::unsafe(r->method)) continue;
    INFO(name(*r));
    CHECK(r->policy.access() != Access::open);
    CHECK(r->policy.csrf());
  }
}

TEST_CASE("the routes without a signed-in user are exactly those the contract allows") {
  Table t;
  // Probes and scrapers, sign-in before any session, a download link whose signature is the
  // credential, and the API's reference (contract §1, §3, §6, §8).
  CHECK(with_access(t.router, Access::open) == std::set<std::string>{
                                                   "GET /health",
                                                   "GET /ready",
                                                   "GET /metrics",
                                                   "GET /auth/providers",
                                                   "GET /auth/{provider}",
                                                   "GET /auth/{provider}/callback",
                                                   "GET /api/v1/blobs/{id}/signed",
                                                   "GET /api/v1/openapi.json",
                                                   "GET /api/v1/docs",
                                                   "GET /api/v1/docs/{file}",
                                               });
  // Answered with or without a session (contract §3).
  CHECK(with_access(t.router, Access::session) == std::set<std::string>{
                                                      "POST /auth/logout",
                                                      "GET /auth/token-health",
                                                      "POST /auth/dev-login",
                                                  });
}

TEST_CASE("rate classes: /auth in the sign-in bucket, feedback in its own, the rest of /api/v1 as api") {
  Table t;
  for (const auto* r : t.router.routes()) {
    INFO(name(*r));
    const auto rate = r->policy.rate();
    if (r->pattern.starts_with("/auth/")) {
      CHECK(rate == RateClass::auth);
    } else if (r->pattern == "/api/v1/feedback") {
      CHECK(rate == RateClass::feedback);
    } else if (r->pattern.starts_with("/api/v1/admin/")) {
      CHECK(rate == RateClass::admin);
    } else if (r->pattern.starts_with("/api/v1/")) {
      CHECK(rate == RateClass::api);
    } else {
      CHECK(rate == RateClass::none);  // operations
    }
  }
}

TEST_CASE("only uploads stream their body, each with its limit") {
  Table t;
  std::set<std::string> streamed;
  for (const auto* r : t.router.routes()) {
    if (!r->policy.streaming()) continue;
    streamed.insert(name(*r));
    CHECK(r->policy.max_body() > t.config.server.max_body_bytes);
  }
  CHECK(streamed == std::set<std::string>{"POST /api/v1/blobs", "POST /api/v1/tracks"});
}
