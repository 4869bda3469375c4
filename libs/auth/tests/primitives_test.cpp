#include <catch2/catch.hpp>

#include <ignition/auth/config.hpp>
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

TEST_CASE("rate rules parse from the configuration's text") {
  CHECK(parse_rate_rule("10/min")->limit == 10);
  CHECK(parse_rate_rule("5/s")->per == 1s);
  CHECK(parse_rate_rule("0")->off());
  CHECK_FALSE(parse_rate_rule("10/fortnight"));
}
