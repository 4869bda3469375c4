#include <catch2/catch.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <boost/json/serialize.hpp>
#include <functional>
#include <memory>

#include <ignition/common/crypto.hpp>
#include <ignition/oidc/jwt.hpp>

namespace json = boost::json;
using namespace ignition;
using namespace ignition::oidc;

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::shared_ptr<EVP_PKEY>;

std::string bn_bytes(EVP_PKEY* key, const char* param, int pad) {
  BIGNUM* bn = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key, param, &bn) == 1);
  std::string out(static_cast<std::size_t>(pad > 0 ? pad : BN_num_bytes(bn)), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  if (pad > 0) {
    BN_bn2binpad(bn, p, pad);
  } else {
    BN_bn2bin(bn, p);
  }
  BN_free(bn);
  return out;
}

// A key pair made in the test, with its public JWK and a JWS signer.
struct TestKey {
  PkeyPtr pkey;
  std::string alg;
  std::string kid;

  json::object jwk() const {
    if (alg == "RS256") {
      return {{"kty", "RSA"},
              {"kid", kid},
              {"use", "sig"},
              {"alg", "RS256"},
              {"n", crypto::base64url_encode(bn_bytes(pkey.get(), OSSL_PKEY_PARAM_RSA_N, 0))},
              {"e", crypto::base64url_encode(bn_bytes(pkey.get(), OSSL_PKEY_PARAM_RSA_E, 0))}};
    }
    return {{"kty", "EC"},
            {"kid", kid},
            {"crv", "P-256"},
            {"x", crypto::base64url_encode(bn_bytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))},
            {"y", crypto::base64url_encode(bn_bytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
  }

  // DER signature as OpenSSL makes it.
  std::string sign_der(std::string_view input) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) == 1);
    std::size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(input.data());
    REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) == 1);
    std::string sig(len, '\0');
    REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) == 1);
    sig.resize(len);
    return sig;
  }

  // JWS form: RSA as is, ECDSA as r || s.
  std::string sign(std::string_view input) const {
    auto der = sign_der(input);
    if (alg == "RS256") return der;
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    REQUIRE(sig != nullptr);
    std::string out(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(out.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return out;
  }

  Jwk public_key() const { return Jwk::from_json(jwk()); }
};

TestKey make_rsa(std::string kid, std::size_t bits = 2048) {
  return {PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits), PkeyFree{}), "RS256", std::move(kid)};
}
TestKey make_ec(std::string kid) {
  return {PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), PkeyFree{}), "ES256", std::move(kid)};
}

// Key generation is slow under the sanitizers; every test shares these.
const TestKey& rsa() {
  static TestKey k = make_rsa("rsa-1");
  return k;
}
const TestKey& ec() {
  static TestKey k = make_ec("ec-1");
  return k;
}

std::string b64json(const json::object& o) { return crypto::base64url_encode(json::serialize(o)); }

std::string token(const json::object& header, const json::object& payload, const TestKey& key) {
  auto input = b64json(header) + "." + b64json(payload);
  return input + "." + crypto::base64url_encode(key.sign(input));
}

std::string token(const TestKey& key, const json::object& payload = {{"sub", "1"}}) {
  return token({{"alg", key.alg}, {"kid", key.kid}, {"typ", "JWT"}}, payload, key);
}

std::string error_code(const std::function<void()>& f) {
  try {
    f();
  } catch (const SignInError& e) {
    return e.code();
  }
  return "no error";
}

std::string verify_code(const std::string& compact, const Jwk& key) {
  return error_code([&] { verify_signature(Jws::parse(compact), key); });
}

}  // namespace

TEST_CASE("Jws::parse decodes a compact JWS", "[jwt]") {
  auto compact = token(rsa(), {{"sub", "abc"}, {"n", 1}});
  auto jws = Jws::parse(compact);
  CHECK(jws.alg() == "RS256");
  CHECK(jws.kid() == "rsa-1");
  CHECK(jws.payload.at("sub").as_string() == "abc");
  CHECK(jws.signing_input == compact.substr(0, compact.rfind('.')));
  CHECK(jws.signature.size() == 256);
}

TEST_CASE("Jws::parse rejects malformed tokens as invalid_token", "[jwt]") {
  const auto header = b64json({{"alg", "RS256"}});
  const auto payload = b64json({{"sub", "1"}});
  for (const std::string& bad : std::vector<std::string>{
           std::string(""),
           header + "." + payload,                 // two parts
           header + "." + payload + ".sig.extra",  // four parts
           header + "=." + payload + ".c2ln",      // padding
           header + "." + payload + "!.c2ln",      // not base64url
           crypto::base64url_encode("not json") + "." + payload + ".c2ln",
           crypto::base64url_encode("[1]") + "." + payload + ".c2ln",  // header not an object
           header + "." + crypto::base64url_encode("\"x\"") + ".c2ln",
           b64json({{"typ", "JWT"}}) + "." + payload + ".c2ln",  // no alg
           b64json({{"alg", "RS256"}, {"crit", json::array{"exp"}}}) + "." + payload + ".c2ln",
           std::string(70'000, 'a') + "." + payload + ".c2ln",
       }) {
    INFO(bad.substr(0, 80));
    CHECK(error_code([&] { Jws::parse(bad); }) == "invalid_token");
  }
}

TEST_CASE("RS256 and ES256 signatures verify with their JWK", "[jwt]") {
  CHECK(verify_code(token(rsa()), rsa().public_key()) == "no error");
  CHECK(verify_code(token(ec()), ec().public_key()) == "no error");
  CHECK(rsa().public_key().alg() == "RS256");
  CHECK(ec().public_key().alg() == "ES256");
  CHECK(ec().public_key().kid() == "ec-1");
}

TEST_CASE("alg none, HS256 and other algorithms are refused", "[jwt]") {
  const json::object claims{{"sub", "1"}};
  auto unsigned_token = b64json({{"alg", "none"}, {"kid", "rsa-1"}}) + "." + b64json(claims) + ".";
  CHECK(verify_code(unsigned_token, rsa().public_key()) == "invalid_token");

  // The classic confusion attack: an HMAC keyed with the public key's text.
  auto input = b64json({{"alg", "HS256"}, {"kid", "rsa-1"}}) + "." + b64json(claims);
  auto mac = crypto::hmac_sha256(json::serialize(rsa().jwk()), input);
  auto hs256 = input + "." + crypto::base64url_encode(crypto::as_view(mac));
  CHECK(verify_code(hs256, rsa().public_key()) == "invalid_token");
  CHECK(error_code([&] { check_algorithm(Jws::parse(hs256)); }) == "invalid_token");

  auto ps256 = b64json({{"alg", "PS256"}}) + "." + b64json(claims) + ".c2ln";
  CHECK(verify_code(ps256, rsa().public_key()) == "invalid_token");
}

TEST_CASE("a token whose alg is not the key's is refused", "[jwt]") {
  // Signed correctly by the EC key, but checked against the RSA key, and the other way round.
  CHECK(verify_code(token(ec()), rsa().public_key()) == "invalid_signature");
  CHECK(verify_code(token(rsa()), ec().public_key()) == "invalid_signature");
  // An RSA signature labelled ES256.
  auto input = b64json({{"alg", "ES256"}, {"kid", "rsa-1"}}) + "." + b64json({{"sub", "1"}});
  auto relabelled = input + "." + crypto::base64url_encode(rsa().sign(input));
  CHECK(verify_code(relabelled, rsa().public_key()) == "invalid_signature");
}

TEST_CASE("tampered payloads and signatures are refused", "[jwt]") {
  for (const TestKey* key : {&rsa(), &ec()}) {
    INFO(key->alg);
    auto good = token(*key, {{"sub", "alice"}});
    const auto dot1 = good.find('.');
    const auto dot2 = good.rfind('.');

    auto forged_payload = good.substr(0, dot1 + 1) + b64json({{"sub", "mallory"}}) + good.substr(dot2);
    CHECK(verify_code(forged_payload, key->public_key()) == "invalid_signature");

    auto signature = *crypto::base64url_decode(good.substr(dot2 + 1));
    signature[signature.size() / 2] = static_cast<char>(signature[signature.size() / 2] ^ 0x01);
    auto forged_signature = good.substr(0, dot2 + 1) + crypto::base64url_encode(signature);
    CHECK(verify_code(forged_signature, key->public_key()) == "invalid_signature");

    auto truncated = good.substr(0, dot2 + 1) + crypto::base64url_encode(signature.substr(0, 10));
    CHECK(verify_code(truncated, key->public_key()) == "invalid_signature");
  }
  // ES256 must be r || s: a DER signature (what OpenSSL produces) is not a JWS signature.
  auto input = b64json({{"alg", "ES256"}, {"kid", "ec-1"}}) + "." + b64json({{"sub", "1"}});
  auto der = input + "." + crypto::base64url_encode(ec().sign_der(input));
  CHECK(verify_code(der, ec().public_key()) == "invalid_signature");
}

TEST_CASE("JwkSet keeps usable signature keys and finds them by kid", "[jwt]") {
  auto weak = make_rsa("weak", 1024).jwk();
  auto encryption = rsa().jwk();
  encryption["kid"] = "enc";
  encryption["use"] = "enc";
  auto rs512 = rsa().jwk();
  rs512["kid"] = "rs512";
  rs512["alg"] = "RS512";
  auto off_curve = ec().jwk();
  off_curve["kid"] = "off-curve";
  off_curve["x"] = crypto::base64url_encode(std::string(32, '\x01'));
  auto no_modulus = rsa().jwk();
  no_modulus["kid"] = "no-n";
  no_modulus.erase("n");
  json::object keys{{"keys", json::array{rsa().jwk(), ec().jwk(), weak, encryption, rs512, off_curve, no_modulus,
                                         json::object{{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "oct"}},
                                         json::object{{"kty", "EC"}, {"crv", "P-384"}, {"kid", "p384"}}, 42}}};
  auto set = JwkSet::parse(json::serialize(keys));
  REQUIRE(set.keys().size() == 2);
  REQUIRE(set.find(std::string("rsa-1")) != nullptr);
  CHECK(set.find(std::string("rsa-1"))->alg() == "RS256");
  CHECK(set.find(std::string("ec-1"))->alg() == "ES256");
  for (const char* skipped : {"weak", "enc", "rs512", "off-curve", "no-n", "oct", "p384", "missing"}) {
    CHECK(set.find(std::string(skipped)) == nullptr);
  }
  CHECK(set.find(std::nullopt) == nullptr);  // no kid and several keys: ambiguous

  auto single = JwkSet::parse(json::serialize(json::object{{"keys", json::array{rsa().jwk()}}}));
  CHECK(single.find(std::nullopt) == &single.keys().front());

  CHECK(error_code([] { JwkSet::parse("not json"); }) == "provider_unavailable");
  CHECK(error_code([] { JwkSet::parse(R"({"keys": {}})"); }) == "provider_unavailable");
  CHECK_THROWS_AS(Jwk::from_json(weak), std::invalid_argument);
}

namespace {

const auto now = std::chrono::system_clock::now();
const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();

ClaimRules rules() {
  ClaimRules r;
  r.issuers = {"https://issuer.example"};
  r.client_id = "client-1";
  r.nonce = "nonce-1";
  r.now = now;
  return r;
}

json::object good_claims() {
  return {{"iss", "https://issuer.example"},
          {"aud", "client-1"},
          {"sub", "u"},
          {"iat", now_s - 10},
          {"exp", now_s + 3600},
          {"nonce", "nonce-1"}};
}

std::string claims_code(json::object claims, ClaimRules r = rules()) {
  return error_code([&] { check_claims(claims, r); });
}

json::object with(json::object claims, std::string_view key, json::value value) {
  claims[key] = std::move(value);
  return claims;
}

json::object without(json::object claims, std::string_view key) {
  claims.erase(key);
  return claims;
}

}  // namespace

TEST_CASE("check_claims accepts a good token and checks each claim", "[jwt][claims]") {
  CHECK(claims_code(good_claims()) == "no error");

  SECTION("issuer") {
    CHECK(claims_code(with(good_claims(), "iss", "https://issuer.example/")) == "wrong_issuer");
    CHECK(claims_code(with(good_claims(), "iss", "https://evil.example")) == "wrong_issuer");
    CHECK(claims_code(without(good_claims(), "iss")) == "invalid_token");
  }
  SECTION("Microsoft {tenantid} issuer template takes the token's tid") {
    auto r = rules();
    r.issuers = {"https://login.example/{tenantid}/v2.0"};
    auto claims = with(good_claims(), "tid", "tenant-a");
    CHECK(claims_code(with(claims, "iss", "https://login.example/tenant-a/v2.0"), r) == "no error");
    CHECK(claims_code(with(claims, "iss", "https://login.example/tenant-b/v2.0"), r) == "wrong_issuer");
    CHECK(claims_code(with(claims, "iss", "https://login.example/{tenantid}/v2.0"), r) == "wrong_issuer");
    CHECK(claims_code(with(good_claims(), "iss", "https://login.example//v2.0"), r) == "wrong_issuer");
  }
  SECTION("audience and authorized party") {
    CHECK(claims_code(with(good_claims(), "aud", "client-2")) == "wrong_audience");
    CHECK(claims_code(with(good_claims(), "aud", json::array{"client-1"})) == "no error");
    CHECK(claims_code(with(good_claims(), "aud", json::array{"client-2", "client-3"})) == "wrong_audience");
    auto several = with(good_claims(), "aud", json::array{"client-1", "client-2"});
    CHECK(claims_code(several) == "wrong_audience");
    CHECK(claims_code(with(several, "azp", "client-1")) == "no error");
    CHECK(claims_code(with(several, "azp", "client-2")) == "wrong_audience");
    CHECK(claims_code(with(good_claims(), "azp", "client-2")) == "wrong_audience");
    CHECK(claims_code(with(good_claims(), "aud", 7)) == "invalid_token");
    CHECK(claims_code(without(good_claims(), "aud")) == "invalid_token");
  }
  SECTION("expiry with 60 s leeway") {
    CHECK(claims_code(with(good_claims(), "exp", now_s - 30)) == "no error");
    CHECK(claims_code(with(good_claims(), "exp", now_s - 61)) == "token_expired");
    CHECK(claims_code(with(good_claims(), "exp", "tomorrow")) == "invalid_token");
    CHECK(claims_code(without(good_claims(), "exp")) == "invalid_token");
    CHECK(claims_code(with(good_claims(), "exp", static_cast<double>(now_s) + 10.5)) == "no error");
  }
  SECTION("issued-at and not-before") {
    CHECK(claims_code(with(good_claims(), "iat", now_s + 30)) == "no error");
    CHECK(claims_code(with(good_claims(), "iat", now_s + 120)) == "invalid_token");
    CHECK(claims_code(without(good_claims(), "iat")) == "invalid_token");
    CHECK(claims_code(with(good_claims(), "nbf", now_s + 120)) == "invalid_token");
    CHECK(claims_code(with(good_claims(), "nbf", now_s - 5)) == "no error");
  }
  SECTION("nonce") {
    CHECK(claims_code(with(good_claims(), "nonce", "nonce-2")) == "nonce_mismatch");
    CHECK(claims_code(without(good_claims(), "nonce")) == "nonce_mismatch");
    auto r = rules();
    r.nonce.clear();
    CHECK(claims_code(with(good_claims(), "nonce", ""), r) == "nonce_mismatch");
  }
}
