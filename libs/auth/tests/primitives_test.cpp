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
// Runs a request through AdminGate → a handler that answers 200; what it throws is
// answered as the server answers it.
int through_admin_gate(std::string path, std::optional<std::string> role) {
  http::Pipeline pipeline;
  pipeline.add(std::make_shared<AdminGate>());
  http::Request request;
  request.path = path;
  if (role) {
    auto p = std::make_shared<Principal>();
    p->user.role = *role;
    request.principal = PrincipalPtr(p);
  }
  http::Handler ok = [](http::Request&) -> boost::asio::awaitable<http::Response> {
    co_return http::Response(http::Status::ok);
  };
  boost::asio::io_context io;
  auto answered = [&]() -> boost::asio::awaitable<http::Response> {
    try {
      co_return co_await pipeline.run(request, ok);
    } catch (...) {
      co_return http::failure_response(request, std::current_exception());
    }
  };
  auto f = boost::asio::co_spawn(io, answered(), boost::asio::use_future);
  io.run();
  return f.get().result_int();
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
