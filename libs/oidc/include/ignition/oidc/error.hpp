#pragma once
/// The one error a sign-in through an OpenID Connect provider ends with.

#include <stdexcept>
#include <string>

namespace ignition::oidc {

/// Why a sign-in failed. `code()` is a short snake_case word that is safe to put in a redirect
/// (`/auth/signin?error=<code>`); `detail()` explains it for the logs and never contains a
/// token, a code or a secret. `what()` is "<code>: <detail>".
///
/// Codes: provider_unavailable (discovery, JWKS or token endpoint unreachable or malformed),
/// token_exchange_failed (the token endpoint refused the code or answered without an ID token),
/// invalid_token (malformed JWS, unsupported `alg` such as none/HS256, missing or mistyped claims,
/// `iat`/`nbf` in the future), invalid_signature (unknown `kid`, `alg` not the key's, bad
/// signature), wrong_issuer, wrong_audience, token_expired, nonce_mismatch, email_missing.
class SignInError : public std::runtime_error {
 public:
  SignInError(std::string code, std::string detail);

  const std::string& code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string code_;
  std::string detail_;
};

}  // namespace ignition::oidc
