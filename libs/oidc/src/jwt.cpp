#include <ignition/oidc/jwt.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <algorithm>
#include <boost/json/parse.hpp>
#include <stdexcept>

#include <ignition/common/crypto.hpp>

namespace ignition::oidc {

namespace {

namespace json = boost::json;

// Far above any real ID token; stops absurd input before it is decoded.
constexpr std::size_t max_token_bytes = 64 * 1024;
constexpr int min_rsa_bits = 2048;
constexpr std::size_t p256_coordinate_bytes = 32;

[[noreturn]] void fail(const char* code, std::string detail) { throw SignInError(code, std::move(detail)); }

// ---- OpenSSL ownership -----------------------------------------------------------------

struct OpenSslFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, OpenSslFree>;

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Failed checks leave entries on OpenSSL's thread-local error queue; they must not surface
// later in unrelated code on the same thread.
struct ClearErrors {
  ~ClearErrors() { ERR_clear_error(); }
};

Owned<BIGNUM> to_bignum(std::string_view big_endian) {
  Owned<BIGNUM> bn(BN_bin2bn(bytes_of(big_endian), static_cast<int>(big_endian.size()), nullptr));
  if (!bn) throw std::invalid_argument("cannot convert a key parameter");
  return bn;
}

Owned<EVP_PKEY> from_params(const char* type, OSSL_PARAM_BLD* builder) {
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    throw std::invalid_argument(std::string("invalid ") + type + " key material");
  }
  return Owned<EVP_PKEY>(raw);
}

Owned<EVP_PKEY> rsa_key(std::string_view n, std::string_view e) {
  auto bn_n = to_bignum(n);
  auto bn_e = to_bignum(e);
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    throw std::invalid_argument("cannot build RSA parameters");
  }
  auto key = from_params("RSA", builder.get());
  if (EVP_PKEY_get_bits(key.get()) < min_rsa_bits) throw std::invalid_argument("RSA key shorter than 2048 bits");
  return key;
}

Owned<EVP_PKEY> p256_key(std::string_view x, std::string_view y) {
  if (x.size() != p256_coordinate_bytes || y.size() != p256_coordinate_bytes) {
    throw std::invalid_argument("P-256 coordinates must be 32 bytes");
  }
  // The uncompressed SEC1 point: 0x04 || x || y.
  std::string point = "\x04";
  point.append(x).append(y);
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  char group[] = "prime256v1";
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    throw std::invalid_argument("cannot build EC parameters");
  }
  auto key = from_params("EC", builder.get());
  Owned<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) throw std::invalid_argument("EC point not on P-256");
  return key;
}

// JWS carries ECDSA signatures as r || s; OpenSSL verifies DER.
std::optional<std::string> jose_to_der(std::string_view signature) {
  if (signature.size() != 2 * p256_coordinate_bytes) return std::nullopt;
  Owned<ECDSA_SIG> sig(ECDSA_SIG_new());
  auto r = to_bignum(signature.substr(0, p256_coordinate_bytes));
  auto s = to_bignum(signature.substr(p256_coordinate_bytes));
  if (!sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // now owned by sig
  s.release();
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != length) return std::nullopt;
  return der;
}

bool verify_sha256(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), bytes_of(signature), signature.size(), bytes_of(input), input.size()) == 1;
}

// ---- JSON helpers -------------------------------------------------------------------

std::optional<std::string> string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::string required_b64(const json::object& jwk, std::string_view key) {
  auto text = string_member(jwk, key);
  if (!text) throw std::invalid_argument("JWK member '" + std::string(key) + "' missing");
  auto bytes = crypto::base64url_decode(*text);
  if (!bytes || bytes->empty()) throw std::invalid_argument("JWK member '" + std::string(key) + "' is not base64url");
  return *bytes;
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

// A NumericDate claim: absent → nullopt; present but not a number → invalid_token.
std::optional<double> numeric_date(const json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  fail("invalid_token", "claim '" + std::string(name) + "' is not a number");
}

double seconds_since_epoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

void check_issuer(const json::object& claims, const ClaimRules& rules) {
  auto iss = string_member(claims, "iss");
  if (!iss) fail("invalid_token", "no 'iss' claim");
  auto tid = string_member(claims, "tid");
  for (auto expected : rules.issuers) {
    const auto placeholder = expected.find("{tenantid}");
    if (placeholder != std::string::npos) {
      if (!tid || tid->empty()) continue;
      expected.replace(placeholder, std::string_view("{tenantid}").size(), *tid);
    }
    if (*iss == expected) return;
  }
  fail("wrong_issuer", "unexpected issuer '" + *iss + "'");
}

void check_audience(const json::object& claims, const ClaimRules& rules) {
  const auto* aud = claims.if_contains("aud");
  std::vector<std::string> audiences;
  if (aud && aud->is_string()) {
    audiences.emplace_back(aud->get_string());
  } else if (aud && aud->is_array()) {
    for (const auto& a : aud->get_array()) {
      if (!a.is_string()) fail("invalid_token", "'aud' contains a non-string");
      audiences.emplace_back(a.get_string());
    }
  } else {
    fail("invalid_token", "no 'aud' claim");
  }
  if (std::find(audiences.begin(), audiences.end(), rules.client_id) == audiences.end()) {
    fail("wrong_audience", "token is for another client");
  }
  // OIDC Core §3.1.3.7: with several audiences the authorized party must be us.
  auto azp = string_member(claims, "azp");
  if (claims.contains("azp") && azp != rules.client_id) fail("wrong_audience", "'azp' is another client");
  if (audiences.size() > 1 && !azp) fail("wrong_audience", "several audiences and no 'azp'");
}

void check_times(const json::object& claims, const ClaimRules& rules) {
  const double now = seconds_since_epoch(rules.now);
  const auto leeway = static_cast<double>(rules.leeway.count());
  auto exp = numeric_date(claims, "exp");
  auto iat = numeric_date(claims, "iat");
  auto nbf = numeric_date(claims, "nbf");
  if (!exp) fail("invalid_token", "no 'exp' claim");
  if (!iat) fail("invalid_token", "no 'iat' claim");
  if (*exp + leeway <= now) fail("token_expired", "token expired");
  if (*iat > now + leeway) fail("invalid_token", "token issued in the future");
  if (nbf && *nbf > now + leeway) fail("invalid_token", "token not valid yet");
}

void check_nonce(const json::object& claims, const ClaimRules& rules) {
  auto nonce = string_member(claims, "nonce");
  if (rules.nonce.empty() || !nonce || !crypto::constant_time_equal(*nonce, rules.nonce)) {
    fail("nonce_mismatch", nonce ? "nonce differs from the one sent" : "no 'nonce' claim");
  }
}

}  // namespace

// ---- Jws ------------------------------------------------------------------------------

Jws Jws::parse(std::string_view compact) {
  if (compact.size() > max_token_bytes) fail("invalid_token", "token too large");
  const auto first = compact.find('.');
  const auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) {
    fail("invalid_token", "not a compact JWS");
  }
  auto header_text = crypto::base64url_decode(compact.substr(0, first));
  auto payload_text = crypto::base64url_decode(compact.substr(first + 1, second - first - 1));
  auto signature = crypto::base64url_decode(compact.substr(second + 1));
  if (!header_text || !payload_text || !signature) fail("invalid_token", "JWS part is not base64url");
  auto header = parse_object(*header_text);
  auto payload = parse_object(*payload_text);
  if (!header || !payload) fail("invalid_token", "JWS header or payload is not a JSON object");
  if (!string_member(*header, "alg")) fail("invalid_token", "JWS header without 'alg'");
  if (header->contains("crit")) fail("invalid_token", "JWS 'crit' header not supported");
  return Jws{std::move(*header), std::move(*payload), std::string(compact.substr(0, second)), std::move(*signature)};
}

std::string Jws::alg() const { return string_member(header, "alg").value_or(""); }

std::optional<std::string> Jws::kid() const { return string_member(header, "kid"); }

void check_algorithm(const Jws& jws) {
  const auto alg = jws.alg();
  if (alg != "RS256" && alg != "ES256") fail("invalid_token", "unsupported alg '" + alg + "'");
}

// ---- Jwk / JwkSet -----------------------------------------------------------------------

struct Jwk::Key {
  Owned<EVP_PKEY> pkey;
};

Jwk Jwk::from_json(const json::object& jwk) {
  const auto kty = string_member(jwk, "kty").value_or("");
  const auto use = string_member(jwk, "use");
  const auto declared_alg = string_member(jwk, "alg");
  if (use && *use != "sig") throw std::invalid_argument("JWK is not a signature key");
  Jwk out;
  out.kid_ = string_member(jwk, "kid").value_or("");
  ClearErrors clear;
  if (kty == "RSA") {
    out.alg_ = "RS256";
    out.key_ = std::make_shared<const Key>(Key{rsa_key(required_b64(jwk, "n"), required_b64(jwk, "e"))});
  } else if (kty == "EC" && string_member(jwk, "crv") == "P-256") {
    out.alg_ = "ES256";
    out.key_ = std::make_shared<const Key>(Key{p256_key(required_b64(jwk, "x"), required_b64(jwk, "y"))});
  } else {
    throw std::invalid_argument("JWK is neither RSA nor EC P-256");
  }
  if (declared_alg && *declared_alg != out.alg_) throw std::invalid_argument("JWK alg not supported");
  return out;
}

bool Jwk::verify(std::string_view input, std::string_view signature) const {
  ClearErrors clear;
  if (alg_ == "RS256") return verify_sha256(key_->pkey.get(), input, signature);
  auto der = jose_to_der(signature);
  return der && verify_sha256(key_->pkey.get(), input, *der);
}

JwkSet JwkSet::parse(std::string_view text) {
  auto document = parse_object(text);
  const auto* keys = document ? document->if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) fail("provider_unavailable", "JWKS is not an object with a 'keys' array");
  JwkSet set;
  for (const auto& entry : keys->get_array()) {
    if (!entry.is_object()) continue;
    try {
      set.keys_.push_back(Jwk::from_json(entry.get_object()));
    } catch (const std::invalid_argument&) {
      // Not a key we verify with (encryption keys, other algorithms): ignore it.
    }
  }
  return set;
}

const Jwk* JwkSet::find(const std::optional<std::string>& kid) const {
  if (!kid) return keys_.size() == 1 ? &keys_.front() : nullptr;
  for (const auto& key : keys_) {
    if (key.kid() == *kid) return &key;
  }
  return nullptr;
}

// ---- checks ---------------------------------------------------------------------------

void verify_signature(const Jws& jws, const Jwk& key) {
  check_algorithm(jws);
  // The key decides the algorithm: a token may not pick a weaker or different one.
  if (jws.alg() != key.alg()) fail("invalid_signature", "token alg " + jws.alg() + " but key is " + key.alg());
  if (!key.verify(jws.signing_input, jws.signature)) fail("invalid_signature", "signature does not verify");
}

void check_claims(const json::object& claims, const ClaimRules& rules) {
  check_issuer(claims, rules);
  check_audience(claims, rules);
  check_times(claims, rules);
  check_nonce(claims, rules);
}

}  // namespace ignition::oidc
