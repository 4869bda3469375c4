#include <catch2/catch.hpp>

#include <ignition/auth/client_ip.hpp>
#include <ignition/auth/config.hpp>
#include <ignition/auth/cookies.hpp>
#include <ignition/auth/rate_limit.hpp>
#include <ignition/auth/tokens.hpp>
#include <ignition/common/crypto.hpp>
#include <ignition/common/error.hpp>

using namespace ignition;
using namespace ignition::auth;
using namespace std::chrono_literals;

TEST_CASE("session tokens are 32 random bytes in base64url and only their SHA-256 is kept") {
  auto a = new_session_token();
  auto b = new_session_token();
  CHECK(a.size() == 43);
  CHECK(a != b);
  auto raw = crypto::base64url_decode(a);
  REQUIRE(raw);
  CHECK(raw->size() == 32);
  CHECK(token_hash(a).size() == 32);
  CHECK(token_hash(a) == std::string(crypto::as_view(crypto::sha256(a))));
}

TEST_CASE("CSRF tokens are bound to the session and survive a key rotation") {
  Secret old_key(std::string(32, 'o'));
  Secret new_key(std::string(32, 'n'));
  Uuid session = Uuid::v4();
  Uuid other = Uuid::v4();
  CsrfKeys before(old_key, std::nullopt);
  CsrfKeys after(new_key, old_key);
  CsrfKeys unrelated(new_key, std::nullopt);

  auto token = before.token_for(session);
  CHECK(before.verify(token, session));
  CHECK_FALSE(before.verify(token, other));       // another session's token
  CHECK(after.verify(token, session));            // old key still verifies during rotation
  CHECK_FALSE(unrelated.verify(token, session));  // once the old key is gone, it does not
  CHECK(after.verify(after.token_for(session), session));
  CHECK_FALSE(after.verify("", session));
  CHECK_FALSE(after.verify(token.substr(1), session));
  CHECK(before.key_version() != after.key_version());
  CHECK(before.key_version().size() == 9);
}

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

TEST_CASE("configuration: secure defaults, production rules, one clear error") {
  auto load = [](std::map<std::string, std::string> vars, bool production) {
    return AuthConfig::from_env(Env::from_map(std::move(vars)), production);
  };
  auto dev = load({}, false);
  CHECK(dev.cookie.secure);
  CHECK_FALSE(dev.cookie.domain.has_value());  // never a guessed domain such as localhost
  CHECK(dev.cookie.session_name == "session");
  CHECK(dev.user_sessions.absolute == std::chrono::hours(24 * 30));
  CHECK(dev.admin_sessions.idle == std::chrono::hours(1));
  CHECK(dev.secret.reveal().size() == 32);
  CHECK(dev.rate_auth.limit == 10);

  std::string secret(40, 's');
  CHECK_THROWS_WITH(load({{"APP_URL", "https://app.example.com"}}, true), Catch::Contains("AUTH_SECRET"));
  CHECK_THROWS_WITH(load({{"AUTH_SECRET", "short"}}, false), Catch::Contains("at least 32 bytes"));
  CHECK_THROWS_WITH(load({{"AUTH_SECRET", secret}}, true), Catch::Contains("APP_URL"));
  CHECK_THROWS_WITH(load({{"AUTH_SECRET", secret}, {"APP_URL", "https://a.example"}, {"DEV_LOGIN", "1"}}, true),
                    Catch::Contains("DEV_LOGIN"));
  CHECK_THROWS_WITH(load({{"AUTH_SECRET", secret}, {"APP_URL", "https://a.example"}, {"COOKIE_SECURE", "false"}}, true),
                    Catch::Contains("COOKIE_SECURE"));
  CHECK_THROWS_WITH(load({{"COOKIE_SAMESITE", "none"}, {"COOKIE_SECURE", "0"}}, false),
                    Catch::Contains("COOKIE_SAMESITE"));
  CHECK_THROWS_WITH(load({{"CORS_ORIGINS", "https://a.example/path"}}, false), Catch::Contains("CORS_ORIGINS"));
  CHECK_THROWS_WITH(load({{"RATE_LIMIT_AUTH", "ten"}}, false), Catch::Contains("RATE_LIMIT_AUTH"));
  CHECK_THROWS_WITH(load({{"AUTH_SECRET", "x-" + secret + "-super-secret-value"}, {"APP_URL", "ftp://x"}}, false),
                    !Catch::Contains("super-secret-value"));

  auto prod = load({{"AUTH_SECRET", secret},
                    {"APP_URL", "https://App.Example.com/"},
                    {"COOKIE_DOMAIN", "example.com"},
                    {"CORS_ORIGINS", "https://admin.example.com"},
                    {"ADMIN_EMAILS", "Boss@Example.com, two@x.io"},
                    {"RATE_LIMIT_API", "0"}},
                   true);
  CHECK(prod.app_url == "https://App.Example.com");
  CHECK(prod.cookie.domain == "example.com");
  CHECK(prod.allowed_origins() == std::vector<std::string>{"https://admin.example.com", "https://app.example.com"});
  CHECK(prod.admin_emails == std::vector<std::string>{"boss@example.com", "two@x.io"});
  CHECK(prod.rate_api.off());
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

TEST_CASE("rate rules parse from the configuration's text") {
  CHECK(parse_rate_rule("10/min")->limit == 10);
  CHECK(parse_rate_rule("5/s")->per == 1s);
  CHECK(parse_rate_rule("0")->off());
  CHECK_FALSE(parse_rate_rule("10/fortnight"));
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

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <ignition/auth/middleware.hpp>
#include <ignition/http/standard_middleware.hpp>

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

int through_admin_gate(std::string path, std::optional<std::string> role) {
  http::Request request;
  request.path = path;
  if (role) {
    auto p = std::make_shared<Principal>();
    p->user.role = *role;
    request.principal = PrincipalPtr(p);
  }
  return through(std::make_shared<AdminGate>(), request).result_int();
}
}  // namespace

TEST_CASE("the admin area answers 404 to everyone but admins") {
  CHECK(through_admin_gate("/api/v1/admin/stats", std::nullopt) == 404);
  CHECK(through_admin_gate("/api/v1/admin/stats", std::string("user")) == 404);
  CHECK(through_admin_gate("/api/v1/admin/stats", std::string("admin")) == 200);
  CHECK(through_admin_gate("/api/v1/admin", std::string("user")) == 404);
  CHECK(through_admin_gate("/api/v1/administrators", std::string("user")) == 200);  // not the admin area
  CHECK(through_admin_gate("/api/v1/focus", std::nullopt) == 200);
}

TEST_CASE("behind a trusted proxy, every X-Forwarded-For line counts, in order") {
  auto layer = std::make_shared<ClientIp>(TrustedProxies({"10.0.0.0/8"}));
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
  auto request_from = [](const char* ip) {
    http::Request request;
    request.path = "/api/v1/focus";
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
  auto health = request_from("2001:db8:1:2::1");
  health.path = "/health";  // not limited: no fields
  CHECK(through(layer, health)["RateLimit-Limit"].empty());
}
