#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <ignition/common/error.hpp>
#include <ignition/guard/client_ip.hpp>
#include <ignition/guard/cookies.hpp>
#include <ignition/guard/layers.hpp>
#include <ignition/guard/rate_limit.hpp>
#include <ignition/http/standard_middleware.hpp>

using namespace ignition;
using namespace ignition::auth;
using namespace ignition::guard;
using namespace std::chrono_literals;

TEST_CASE("cookies are found by exact name and written with the configured attributes") {
  CHECK(find_cookie("a=1; session=abc; b=2", "session") == "abc");
  CHECK(find_cookie("xsession=no; session=yes", "session") == "yes");
  CHECK_FALSE(find_cookie("sessionx=1", "session"));
  CHECK(find_cookie("session=\"quoted\"", "session") == "quoted");

  CookieConfig config;
  CHECK(set_cookie(config, "session", "tok", 2592000s, CookieAccess::http_only) ==
        "session=tok; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=2592000");
  config.domain = "example.com";
  config.secure = false;
  config.same_site = SameSite::strict;
  CHECK(set_cookie(config, "csrf_token", "v", 0s, CookieAccess::script_readable) ==
        "csrf_token=v; Path=/; Domain=example.com; SameSite=Strict; Max-Age=0");
}

TEST_CASE("rate limits count per key and window, and memory stays bounded") {
  RateLimiter limiter(100);
  RateRule rule{3, 60s};
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) CHECK(limiter.check("auth|1.2.3.4", rule, t0).allowed);
  auto refused = limiter.check("auth|1.2.3.4", rule, t0 + 10s);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.remaining == 0);
  CHECK(refused.reset == 50s);
  CHECK(limiter.check("auth|5.6.7.8", rule, t0 + 10s).allowed);  // someone else
  CHECK(limiter.check("auth|1.2.3.4", rule, t0 + 61s).allowed);  // next window
  CHECK(limiter.check("x", RateRule{}, t0).allowed);             // off

  for (int i = 0; i < 10'000; ++i) limiter.check("flood|" + std::to_string(i), rule, t0);
  CHECK(limiter.tracked() <= 100);
}

TEST_CASE("a flood of new clients does not reset the count of one that keeps coming") {
  RateLimiter limiter(100);
  RateRule rule{3, 60s};
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) limiter.check("auth|attacker", rule, t0);
  for (int i = 0; i < 1'000; ++i) {
    limiter.check("auth|flood-" + std::to_string(i), rule, t0);
    if (i % 40 == 0) CHECK_FALSE(limiter.check("auth|attacker", rule, t0 + 1s).allowed);
  }
  CHECK(limiter.tracked() <= 100);
  CHECK(limiter.check("auth|attacker", rule, t0 + 61s).allowed);  // its own window ends as usual
}

TEST_CASE("rate keys: IPv4 by address, IPv6 by /64, IPv4-mapped as IPv4") {
  CHECK(rate_key("auth", "192.0.2.7") == "auth|192.0.2.7");
  CHECK(rate_key("auth", "2001:db8:1:2:aaaa::1") == rate_key("auth", "2001:db8:1:2:bbbb:cccc:dddd:eeee"));
  CHECK(rate_key("auth", "2001:db8:1:2::1") != rate_key("auth", "2001:db8:1:3::1"));
  CHECK(rate_key("auth", "2001:db8:1:2::1") == "auth|2001:db8:1:2::/64");
  CHECK(rate_key("auth", "::ffff:192.0.2.7") == "auth|192.0.2.7");
  CHECK(rate_key("api", "192.0.2.7") != rate_key("auth", "192.0.2.7"));
}

TEST_CASE("the client IP is the peer unless the peer is a trusted proxy") {
  TrustedProxies proxies({"10.0.0.0/8", "::1/128"});
  auto peer_untrusted = boost::asio::ip::make_address("203.0.113.9");
  auto proxy = boost::asio::ip::make_address("10.1.2.3");
  CHECK(proxies.client_ip(peer_untrusted, "1.1.1.1", "2.2.2.2") == "203.0.113.9");  // spoofed headers ignored
  CHECK(proxies.client_ip(proxy, "", "198.51.100.7") == "198.51.100.7");
  CHECK(proxies.client_ip(proxy, "6.6.6.6, 198.51.100.8, 10.9.9.9", "") == "198.51.100.8");
  CHECK(proxies.client_ip(proxy, "10.0.0.5", "") == "10.1.2.3");
  CHECK(proxies.client_ip(proxy, "garbage", "") == "10.1.2.3");
  // An address with an IPv6 zone names the proxy's own link: not believed (nor storable as inet).
  CHECK(proxies.client_ip(proxy, "198.51.100.8", "fe80::1%1") == "198.51.100.8");
  CHECK(proxies.client_ip(proxy, "fe80::1%eth0", "") == "10.1.2.3");
  CHECK(proxies.trusted(boost::asio::ip::make_address("::1")));
  CHECK_FALSE(proxies.trusted(boost::asio::ip::make_address("11.0.0.1")));
  CHECK_THROWS_AS(TrustedProxies({"10.0.0.0/33"}), ConfigError);
  CHECK_THROWS_AS(TrustedProxies({"not-an-ip"}), ConfigError);
}

namespace {
http::Handler answers(http::Status status) {
  return [status](http::Request&) -> boost::asio::awaitable<http::Response> { co_return http::Response(status); };
}

// Runs a request through `layer` → `handler`; what either throws is answered as the server
// answers it, with the request's response fields as the server adds them.
http::Response through(std::shared_ptr<http::Middleware> layer, http::Request& request,
                       const http::Handler& handler = answers(http::Status::ok)) {
  http::Pipeline pipeline;
  pipeline.add(std::move(layer));
  boost::asio::io_context io;
  auto answered = [&]() -> boost::asio::awaitable<http::Response> {
    try {
      co_return co_await pipeline.run(request, handler);
    } catch (...) {
      co_return http::failure_response(request, std::current_exception());
    }
  };
  auto f = boost::asio::co_spawn(io, answered(), boost::asio::use_future);
  io.run();
  auto response = f.get();
  for (const auto& field : request.response_fields) {
    if (response.find(field.name) == response.end()) response.insert(field.name, field.value);
  }
  return response;
}

int through_gate(const http::Policy* policy, std::optional<std::string> role) {
  http::Request request;
  request.policy = policy;
  if (role) {
    auto p = std::make_shared<Principal>();
    p->user.role = *role;
    request.principal = PrincipalPtr(p);
  }
  return through(std::make_shared<AccessGate>(), request).result_int();
}
}  // namespace

TEST_CASE("the access gate: admin routes answer 404 to all but admins, user routes 401 without a session") {
  const auto admin = http::access::admin;
  CHECK(through_gate(&admin, std::nullopt) == 404);
  CHECK(through_gate(&admin, std::string("user")) == 404);
  CHECK(through_gate(&admin, std::string("admin")) == 200);
  const auto user = http::access::user;
  CHECK(through_gate(&user, std::nullopt) == 401);
  CHECK(through_gate(&user, std::string("user")) == 200);
  const auto session = http::access::session;
  CHECK(through_gate(&session, std::nullopt) == 200);
  const auto open = http::access::open;
  CHECK(through_gate(&open, std::nullopt) == 200);
  CHECK(through_gate(nullptr, std::nullopt) == 200);  // no route: the 404 is the server's
}

TEST_CASE("CF-Connecting-IP names the client only when the configuration says Cloudflare is in front") {
  for (const bool from_cf_header : {false, true}) {
    auto layer = std::make_shared<ClientIp>(TrustedProxies({"10.0.0.0/8"}), from_cf_header);
    http::Request request;
    request.peer = boost::asio::ip::make_address("10.1.2.3");
    request.message.insert("X-Forwarded-For", "203.0.113.9");
    request.message.insert("CF-Connecting-IP", "198.51.100.77");  // a client's own word behind another balancer
    through(layer, request);
    CHECK(request.client_ip == (from_cf_header ? "198.51.100.77" : "203.0.113.9"));
  }
}

TEST_CASE("behind a trusted proxy, every X-Forwarded-For line counts, in order") {
  auto layer = std::make_shared<ClientIp>(TrustedProxies({"10.0.0.0/8"}), false);
  http::Request request;
  request.peer = boost::asio::ip::make_address("10.1.2.3");
  // The client sent the first line; the proxy added a line of its own rather than append.
  request.message.insert("X-Forwarded-For", "6.6.6.6");
  request.message.insert("X-Forwarded-For", "203.0.113.9");
  through(layer, request);
  CHECK(request.client_ip == "203.0.113.9");
}

TEST_CASE("rate limit fields are on every limited answer, errors included; the refusal is a 429 with Retry-After") {
  auto config =
      AuthConfig::from_env(Env::from_map({{"AUTH_SECRET", std::string(32, 'k')}, {"RATE_LIMIT_API", "2/min"}}), false);
  auto layer = std::make_shared<RateLimit>(config, std::make_shared<AuthMetrics>());
  static constexpr http::Policy api = http::access::user;
  auto request_from = [](const char* ip) {
    http::Request request;
    request.policy = &api;
    request.client_ip = ip;
    return request;
  };
  auto first = request_from("2001:db8:1:2::1");
  auto unauthorized = through(layer, first, [](http::Request&) -> boost::asio::awaitable<http::Response> {
    throw Error(ErrorCode::unauthorized, "sign in");
  });
  CHECK(unauthorized.result_int() == 401);
  CHECK(unauthorized["RateLimit-Limit"] == "2");
  CHECK(unauthorized["RateLimit-Remaining"] == "1");
  auto second = request_from("2001:db8:1:2::ffff");  // same /64
  CHECK(through(layer, second)["RateLimit-Remaining"] == "0");
  auto third = request_from("2001:db8:1:2:abcd::9");
  auto refused = through(layer, third);
  CHECK(refused.result_int() == 429);
  CHECK_FALSE(refused[http::Field::retry_after].empty());
  CHECK(refused["RateLimit-Remaining"] == "0");
  auto elsewhere = request_from("2001:db8:1:3::1");  // another /64
  CHECK(through(layer, elsewhere).result_int() == 200);
  static constexpr http::Policy open = http::access::open;
  auto health = request_from("2001:db8:1:2::1");
  health.policy = &open;  // not limited: no fields
  CHECK(through(layer, health)["RateLimit-Limit"].empty());
}
