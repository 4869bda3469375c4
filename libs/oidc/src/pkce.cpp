#include <ignition/oidc/pkce.hpp>

#include <ignition/common/crypto.hpp>

namespace ignition::oidc {

std::string pkce_verifier() { return crypto::base64url_encode(crypto::random_bytes(32)); }

std::string pkce_challenge(std::string_view verifier) {
  return crypto::base64url_encode(crypto::as_view(crypto::sha256(verifier)));
}

}  // namespace ignition::oidc
