#pragma once
/// PKCE (RFC 7636) with the S256 method.

#include <string>
#include <string_view>

namespace ignition::oidc {

/// A fresh code verifier: 32 CSPRNG bytes as base64url without padding (43 characters).
/// Throws std::runtime_error if the CSPRNG fails.
std::string pkce_verifier();

/// The S256 challenge of a verifier: base64url(SHA-256(verifier)) without padding.
std::string pkce_challenge(std::string_view verifier);

}  // namespace ignition::oidc
