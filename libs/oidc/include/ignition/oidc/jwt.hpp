#pragma once
/// ID token verification in parts: compact JWS parsing, JSON Web Key sets, RS256 and ES256
/// signature checks (OpenSSL 3) and the OpenID Connect claim checks. `Provider` puts them
/// together; they are public so that each can be tested on its own. Every failure is a
/// SignInError with the code named below.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/oidc/error.hpp>

namespace ignition::oidc {

/// A compact JWS (`header.payload.signature`), decoded but not verified.
struct Jws {
  boost::json::object header;
  boost::json::object payload;  ///< the claims
  std::string signing_input;    ///< "<header>.<payload>" exactly as received
  std::string signature;        ///< the decoded signature bytes

  /// Splits and decodes a token. Throws SignInError("invalid_token") unless it is three
  /// strict base64url parts whose header and payload are JSON objects, the header has a
  /// string `alg`, and no `crit` header (no extension is understood here).
  static Jws parse(std::string_view compact);

  std::string alg() const;
  /// The `kid` header, if present and a string.
  std::optional<std::string> kid() const;
};

/// Throws SignInError("invalid_token") unless the token's `alg` is RS256 or ES256 — so
/// `none`, HS256 and everything else are refused before any key is looked at.
void check_algorithm(const Jws& jws);

/// A public signature key from a JWKS: RSA of at least 2048 bits (RS256) or EC P-256 (ES256).
class Jwk {
 public:
  /// Builds the key from one JWKS entry (`kty`, `n`/`e` or `crv`/`x`/`y`, optional `kid`,
  /// `alg`, `use`). Throws std::invalid_argument when it is not such a key: another `kty` or
  /// curve, an `alg` other than RS256/ES256, `use` other than "sig", malformed or weak key
  /// material, or an EC point that is not on the curve.
  static Jwk from_json(const boost::json::object& jwk);

  const std::string& kid() const noexcept { return kid_; }
  /// The algorithm this key verifies: "RS256" or "ES256".
  const std::string& alg() const noexcept { return alg_; }
  /// Whether `signature` is valid for `input` under alg(). An ES256 signature is in the
  /// JOSE form (r || s, 64 bytes), as in a JWS.
  bool verify(std::string_view input, std::string_view signature) const;

 private:
  struct Key;
  std::string kid_;
  std::string alg_;
  std::shared_ptr<const Key> key_;
};

/// The usable keys of a provider's JWKS document.
class JwkSet {
 public:
  /// Parses `{"keys": [...]}`; entries Jwk::from_json refuses are skipped (a provider may
  /// publish encryption keys or algorithms this code does not use). Throws
  /// SignInError("provider_unavailable") when the text is not a JSON object with a `keys` array.
  static JwkSet parse(std::string_view json);

  /// The key with this `kid`; without a kid, the only key when there is exactly one.
  /// nullptr when there is no such key.
  const Jwk* find(const std::optional<std::string>& kid) const;
  const std::vector<Jwk>& keys() const noexcept { return keys_; }

 private:
  std::vector<Jwk> keys_;
};

/// Checks the token's signature with `key`. Throws SignInError("invalid_token") for an
/// unsupported `alg` (see check_algorithm) and SignInError("invalid_signature") when the
/// token's `alg` is not the key's or the signature does not verify.
void verify_signature(const Jws& jws, const Jwk& key);

/// What the claims of an ID token must say.
struct ClaimRules {
  /// Accepted `iss` values, compared exactly. In one that contains "{tenantid}" (Microsoft's
  /// multi-tenant issuer) the placeholder is replaced by the token's `tid` first.
  std::vector<std::string> issuers;
  std::string client_id;  ///< must be in `aud`; `azp`, when present, must equal it
  std::string nonce;      ///< the nonce sent in the authorization request; never empty
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  std::chrono::seconds leeway{60};  ///< allowed clock skew for exp, iat and nbf
};

/// Checks `iss`, `aud`/`azp`, `exp`, `iat`, `nbf` and `nonce`. Throws SignInError:
/// wrong_issuer, wrong_audience (client_id not in `aud`, or several audiences without
/// `azp` = client_id), token_expired (exp + leeway <= now), nonce_mismatch, and
/// invalid_token for missing or mistyped claims and `iat`/`nbf` later than now + leeway.
void check_claims(const boost::json::object& claims, const ClaimRules& rules);

}  // namespace ignition::oidc
