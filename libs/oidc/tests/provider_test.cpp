#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/url/parse.hpp>
#include <future>
#include <thread>

#include <ignition/common/crypto.hpp>
#include <ignition/common/env.hpp>
#include <ignition/oidc/provider.hpp>
#include <ignition/testing/oidc_server.hpp>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace ignition;
using namespace ignition::oidc;
using ignition::testing::OidcServer;

namespace {

// One mock for the whole file.
OidcServer& mock() {
  static OidcServer server;
  return server;
}

// Every test (and every run through a SECTION) starts from the defaults with zeroed counters.
OidcServer& fresh_mock() {
  mock().reset();
  return mock();
}

const std::string client_id = "test-client";
const std::string redirect_uri = "http://127.0.0.1:9/auth/callback?from=test";

outbound::ClientConfig client_config() {
  outbound::ClientConfig c;
  c.allow_plain_http_loopback = true;
  c.timeout = std::chrono::seconds(5);
  return c;
}

struct Harness {
  asio::io_context io;
  outbound::Client client{io.get_executor(), client_config()};

  template <typename T>
  T run(asio::awaitable<T> task) {
    io.restart();
    auto future = asio::co_spawn(io, std::move(task), asio::use_future);
    io.run();
    return future.get();
  }

  Provider provider(std::string id, std::string issuer) {
    return Provider(ProviderConfig{id, id, std::move(issuer), client_id, Secret("test-secret")}, client);
  }
};

std::string random_text() { return crypto::to_hex(crypto::random_bytes(12)); }

std::map<std::string, std::string> query_of(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  REQUIRE(parsed);
  std::map<std::string, std::string> out;
  for (auto param : parsed->params()) out[param.key] = param.value;
  return out;
}

// One browser round trip: authorization URL → mock authorize (auto-approve) → callback query.
struct Flow {
  std::string state = random_text();
  std::string nonce = random_text();
  std::string verifier = pkce_verifier();
  std::string code;

  void authorize(Harness& h, Provider& p) {
    auto url = h.run(p.authorization_url(state, nonce, pkce_challenge(verifier), redirect_uri));
    auto callback = query_of(mock().authorize(url));
    REQUIRE(callback["state"] == state);
    REQUIRE(!callback["code"].empty());
    code = callback["code"];
  }
};

Identity sign_in(Harness& h, Provider& p, json::object overrides = {}) {
  Flow flow;
  flow.authorize(h, p);
  if (!overrides.empty()) mock().next_token(std::move(overrides));
  return h.run(p.complete(flow.code, flow.verifier, flow.nonce, redirect_uri));
}

std::string sign_in_error(Harness& h, Provider& p, json::object overrides = {}) {
  try {
    sign_in(h, p, std::move(overrides));
  } catch (const SignInError& e) {
    return e.code();
  }
  return "signed in";
}

std::int64_t count(const char* what) { return mock().stats().at(what).to_number<std::int64_t>(); }

std::uint16_t closed_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();  // closed when `a` goes out of scope
}

}  // namespace

TEST_CASE("pkce: fresh base64url verifiers and the RFC 7636 S256 challenge", "[oidc]") {
  auto v = pkce_verifier();
  CHECK(v.size() == 43);
  CHECK(v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
  CHECK(pkce_verifier() != v);
  // RFC 7636 Appendix B.
  CHECK(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("authorization_url carries every parameter; discovery is fetched once", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto google = h.provider("google", server.issuer());
  auto verifier = pkce_verifier();
  auto url = h.run(google.authorization_url("state-1", "nonce-1", pkce_challenge(verifier), redirect_uri));

  auto parsed = boost::urls::parse_uri(url);
  REQUIRE(parsed);
  CHECK(std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host_and_port()) == server.issuer());
  CHECK(parsed->path() == "/authorize");
  auto q = query_of(url);
  CHECK(q == std::map<std::string, std::string>{{"response_type", "code"},
                                                {"client_id", client_id},
                                                {"redirect_uri", redirect_uri},
                                                {"scope", "openid email profile"},
                                                {"state", "state-1"},
                                                {"nonce", "nonce-1"},
                                                {"code_challenge", pkce_challenge(verifier)},
                                                {"code_challenge_method", "S256"}});
  CHECK(url.find("scope=openid+email+profile") != std::string::npos);

  h.run(google.authorization_url("state-2", "nonce-2", pkce_challenge(verifier), redirect_uri));
  auto copy = google;  // copies share the caches
  h.run(copy.authorization_url("state-3", "nonce-3", pkce_challenge(verifier), redirect_uri));
  CHECK(count("discovery") == 1);
  CHECK(google.config().id == "google");
}

TEST_CASE("Google sign-in maps sub, email, email_verified, name and picture", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto google = h.provider("google", server.issuer());

  auto id = sign_in(h, google, {{"sub", "google-sub-42"}, {"email", "Alice.Example@GMail.COM"}, {"name", "Alice"}});
  CHECK(id.provider == "google");
  CHECK(id.account_id == "google-sub-42");
  CHECK(id.email == "alice.example@gmail.com");
  CHECK(id.email_verified);
  CHECK(id.name == "Alice");
  CHECK(id.picture == "https://example.com/avatar.png");

  // What reached the token endpoint: client_secret_post with the PKCE verifier.
  auto form = server.last_token_request();
  CHECK(form.at("grant_type").as_string() == "authorization_code");
  CHECK(form.at("client_id").as_string() == client_id);
  CHECK(form.at("client_secret").as_string() == "test-secret");
  CHECK(form.at("redirect_uri").as_string() == redirect_uri);
  CHECK(form.at("code_verifier").as_string().size() == 43);

  SECTION("an unverified email is reported, not rejected") {
    auto unverified = sign_in(h, google, {{"email_verified", false}, {"name", nullptr}, {"picture", nullptr}});
    CHECK_FALSE(unverified.email_verified);
    CHECK_FALSE(unverified.name);
    CHECK_FALSE(unverified.picture);
    CHECK(sign_in(h, google, {{"email_verified", "true"}}).email_verified);
  }
  SECTION("discovery and JWKS are cached across sign-ins") {
    sign_in(h, google);
    sign_in(h, google);
    CHECK(count("discovery") == 1);
    CHECK(count("jwks") == 1);
    CHECK(count("token") == 3);
  }
}

TEST_CASE("Microsoft sign-in keys accounts by tid:oid and trusts the email only with xms_edov", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto microsoft = h.provider("microsoft", server.issuer());
  json::object claims{{"tid", "tenant-1"}, {"oid", "object-1"}, {"sub", "pairwise-sub"}, {"email", "Bob@Contoso.com"}};

  SECTION("no xms_edov: not verified, even with email_verified") {
    auto id = sign_in(h, microsoft, claims);
    CHECK(id.provider == "microsoft");
    CHECK(id.account_id == "tenant-1:object-1");
    CHECK(id.email == "bob@contoso.com");
    CHECK_FALSE(id.email_verified);
  }
  SECTION("xms_edov true: verified") {
    claims["xms_edov"] = true;
    CHECK(sign_in(h, microsoft, claims).email_verified);
  }
  SECTION("xms_edov false: not verified") {
    claims["xms_edov"] = false;
    CHECK_FALSE(sign_in(h, microsoft, claims).email_verified);
  }
  SECTION("no oid: invalid_token") {
    claims["oid"] = nullptr;
    CHECK(sign_in_error(h, microsoft, claims) == "invalid_token");
  }
}

TEST_CASE("Microsoft multi-tenant issuer: {tenantid} is the token's tid", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto microsoft = h.provider("microsoft", server.tenant_issuer("common"));
  json::object claims{{"tid", "tenant-7"}, {"oid", "object-7"}, {"iss", server.tenant_issuer("tenant-7")}};
  CHECK(sign_in(h, microsoft, claims).account_id == "tenant-7:object-7");

  claims["iss"] = server.tenant_issuer("tenant-8");
  CHECK(sign_in_error(h, microsoft, claims) == "wrong_issuer");

  SECTION("a single-tenant issuer accepts only its own tenant") {
    Harness h2;
    auto single = h2.provider("microsoft", server.tenant_issuer("tenant-7"));
    claims["iss"] = server.tenant_issuer("tenant-7");
    CHECK(sign_in(h2, single, claims).account_id == "tenant-7:object-7");
    claims["iss"] = server.issuer();
    CHECK(sign_in_error(h2, single, claims) == "wrong_issuer");
  }
}

TEST_CASE("ES256-signed ID tokens verify", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto google = h.provider("google", server.issuer());
  CHECK(sign_in(h, google, {{"alg", "ES256"}, {"sub", "es-user"}}).account_id == "es-user");
}

TEST_CASE("sign-in failures end in the right SignInError code", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto google = h.provider("google", server.issuer());

  SECTION("nonce from another flow") {
    Flow flow;
    flow.authorize(h, google);
    try {
      h.run(google.complete(flow.code, flow.verifier, "some-other-nonce", redirect_uri));
      FAIL("signed in");
    } catch (const SignInError& e) {
      CHECK(e.code() == "nonce_mismatch");
    }
  }
  SECTION("nonce claim overridden") { CHECK(sign_in_error(h, google, {{"nonce", "forged"}}) == "nonce_mismatch"); }
  SECTION("expired, beyond the leeway") { CHECK(sign_in_error(h, google, {{"exp_offset", -120}}) == "token_expired"); }
  SECTION("expired, within the leeway") {
    CHECK(sign_in(h, google, {{"exp_offset", -30}}).account_id == "mock-user-1");
  }
  SECTION("issued in the future") { CHECK(sign_in_error(h, google, {{"iat_offset", 600}}) == "invalid_token"); }
  SECTION("wrong audience") { CHECK(sign_in_error(h, google, {{"aud", "another-client"}}) == "wrong_audience"); }
  SECTION("several audiences without azp") {
    CHECK(sign_in_error(h, google, {{"aud", json::array{client_id, "other"}}}) == "wrong_audience");
    CHECK(sign_in(h, google, {{"aud", json::array{client_id, "other"}}, {"azp", client_id}}).email ==
          "user@example.com");
  }
  SECTION("wrong issuer") {
    CHECK(sign_in_error(h, google, {{"iss", "https://accounts.evil.example"}}) == "wrong_issuer");
  }
  SECTION("known kid, wrong key") {
    CHECK(sign_in_error(h, google, {{"bad_signature", true}}) == "invalid_signature");
    CHECK(sign_in_error(h, google, {{"bad_signature", true}, {"alg", "ES256"}}) == "invalid_signature");
  }
  SECTION("email missing") {
    CHECK(sign_in_error(h, google, {{"email", nullptr}}) == "email_missing");
    CHECK(sign_in_error(h, google, {{"email", "not-an-address"}}) == "email_missing");
  }
  SECTION("no sub") { CHECK(sign_in_error(h, google, {{"sub", nullptr}}) == "invalid_token"); }
  SECTION("token endpoint fails") {
    server.token_endpoint_status(500);
    CHECK(sign_in_error(h, google) == "token_exchange_failed");
    server.token_endpoint_status(0);
    CHECK(sign_in(h, google).account_id == "mock-user-1");
  }
  SECTION("wrong PKCE verifier: the mock refuses the code") {
    Flow flow;
    flow.authorize(h, google);
    try {
      h.run(google.complete(flow.code, pkce_verifier(), flow.nonce, redirect_uri));
      FAIL("signed in");
    } catch (const SignInError& e) {
      CHECK(e.code() == "token_exchange_failed");
      CHECK(e.detail().find("400") != std::string::npos);
    }
  }
}

TEST_CASE("an unreachable provider is provider_unavailable", "[oidc]") {
  Harness h;
  auto offline = h.provider("google", "http://127.0.0.1:" + std::to_string(closed_port()));
  auto started = std::chrono::steady_clock::now();
  try {
    h.run(offline.authorization_url("s", "n", pkce_challenge(pkce_verifier()), redirect_uri));
    FAIL("got a URL");
  } catch (const SignInError& e) {
    CHECK(e.code() == "provider_unavailable");
  }
  try {
    h.run(offline.complete("code", pkce_verifier(), "n", redirect_uri));
    FAIL("signed in");
  } catch (const SignInError& e) {
    CHECK(e.code() == "provider_unavailable");
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));  // refused, not timed out

  SECTION("a discovery document for another issuer is refused") {
    auto& server = fresh_mock();
    auto mismatched = h.provider("google", server.issuer() + "/");
    CHECK_NOTHROW(h.run(mismatched.authorization_url("s", "n", "c", redirect_uri)));  // trailing slash is fine
    // localhost serves the same document, which names http://127.0.0.1:<port> as the issuer.
    auto wrong = h.provider("google", "http://localhost:" + std::to_string(server.port()));
    try {
      h.run(wrong.authorization_url("s", "n", "c", redirect_uri));
      FAIL("got a URL");
    } catch (const SignInError& e) {
      CHECK(e.code() == "provider_unavailable");
    }
  }
}

TEST_CASE("an unknown kid triggers exactly one JWKS refetch, at most once per 30 s", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto google = h.provider("google", server.issuer());
  sign_in(h, google);
  REQUIRE(count("jwks") == 1);

  // The provider rotates: the new kid is not in the cached JWKS.
  CHECK(sign_in(h, google, {{"rotate_key", true}, {"sub", "after-rotation"}}).account_id == "after-rotation");
  CHECK(count("jwks") == 2);

  // The rotated key is cached now.
  sign_in(h, google);
  CHECK(count("jwks") == 2);

  // A kid the provider never published, right after a refetch: refused without fetching again.
  CHECK(sign_in_error(h, google, {{"sign_with_unknown_key", true}}) == "invalid_signature");
  CHECK(count("jwks") == 2);
}

TEST_CASE("sign-ins that meet a rotated key together all wait for the one refetch", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto google = h.provider("google", server.issuer());
  sign_in(h, google);
  REQUIRE(count("jwks") == 1);
  std::vector<Flow> flows(4);
  for (auto& flow : flows) flow.authorize(h, google);
  mock().next_token({{"rotate_key", true}});  // every ID token from now on is signed with a new key
  h.io.restart();
  std::vector<std::future<Identity>> signed_in;
  for (const auto& flow : flows) {
    signed_in.push_back(
        asio::co_spawn(h.io, google.complete(flow.code, flow.verifier, flow.nonce, redirect_uri), asio::use_future));
  }
  h.io.run();
  // Those whose token came while another's refetch was on its way were refused as invalid_signature.
  for (auto& identity : signed_in) CHECK_NOTHROW(identity.get());
  CHECK(count("jwks") == 2);
}

TEST_CASE("a kid that is not in the JWKS even after a refetch is invalid_signature", "[oidc]") {
  auto& server = fresh_mock();
  Harness h;
  auto google = h.provider("google", server.issuer());
  sign_in(h, google);
  CHECK(sign_in_error(h, google, {{"sign_with_unknown_key", true}}) == "invalid_signature");
  CHECK(count("jwks") == 2);
}

TEST_CASE("one Provider serves concurrent sign-ins on several threads", "[oidc]") {
  auto& server = fresh_mock();
  asio::io_context io;
  outbound::Client client(io.get_executor(), client_config());
  Provider google(ProviderConfig{"google", "Google", server.issuer(), client_id, Secret("test-secret")}, client);

  // The browser steps are blocking, so they run first (on another io_context).
  std::vector<Flow> flows(6);
  {
    Harness h;
    auto same_issuer = h.provider("google", server.issuer());
    for (auto& f : flows) f.authorize(h, same_issuer);
  }
  std::vector<std::future<Identity>> results;
  for (auto& f : flows) {
    results.push_back(asio::co_spawn(io, google.complete(f.code, f.verifier, f.nonce, redirect_uri), asio::use_future));
  }
  std::thread second([&io] { io.run(); });
  io.run();
  second.join();
  for (auto& r : results) CHECK(r.get().account_id == "mock-user-1");
}

TEST_CASE("the mock's authorize endpoint can answer with an error", "[oidc][mock]") {
  auto& server = fresh_mock();
  Harness h;
  auto google = h.provider("google", server.issuer());
  auto url = h.run(google.authorization_url("st", "n", pkce_challenge(pkce_verifier()), redirect_uri));
  server.next_authorize_error("access_denied");
  auto denied = query_of(server.authorize(url));
  CHECK(denied["error"] == "access_denied");
  CHECK(denied["state"] == "st");
  CHECK(denied["from"] == "test");
  CHECK(denied.count("code") == 0);
  // Only the next one.
  CHECK(query_of(server.authorize(url)).count("code") == 1);
}

TEST_CASE("providers_from_env reads Google and Microsoft settings", "[oidc][config]") {
  auto env = Env::from_map({{"GOOGLE_CLIENT_ID", "g-id"},
                            {"GOOGLE_CLIENT_SECRET", "g-secret"},
                            {"AZURE_AD_CLIENT_ID", "m-id"},
                            {"AZURE_AD_CLIENT_SECRET", "m-secret"},
                            {"AZURE_AD_TENANT_ID", "tenant-1"}});
  auto providers = providers_from_env(env);
  REQUIRE(providers.size() == 2);
  CHECK(providers[0].id == "google");
  CHECK(providers[0].name == "Google");
  CHECK(providers[0].issuer == "https://accounts.google.com");
  CHECK(providers[0].client_id == "g-id");
  CHECK(providers[0].client_secret.reveal() == "g-secret");
  CHECK(providers[1].id == "microsoft");
  CHECK(providers[1].issuer == "https://login.microsoftonline.com/tenant-1/v2.0");

  CHECK(providers_from_env(Env::from_map({})).empty());
  auto common = providers_from_env(Env::from_map({{"AZURE_AD_CLIENT_ID", "m"}, {"AZURE_AD_CLIENT_SECRET", "s"}}));
  CHECK(common.at(0).issuer == "https://login.microsoftonline.com/common/v2.0");
  auto local = providers_from_env(Env::from_map(
      {{"GOOGLE_CLIENT_ID", "g"}, {"GOOGLE_CLIENT_SECRET", "s"}, {"GOOGLE_ISSUER", "http://127.0.0.1:5"}}));
  CHECK(local.at(0).issuer == "http://127.0.0.1:5");
  CHECK_THROWS_AS(providers_from_env(Env::from_map({{"GOOGLE_CLIENT_ID", "g"}})), ConfigError);
}
