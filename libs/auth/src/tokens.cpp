#include <ignition/auth/tokens.hpp>

#include <ignition/common/crypto.hpp>

namespace ignition::auth {

namespace {
std::string csrf_mac(const Secret& key, const Uuid& session_id) {
  auto mac = crypto::hmac_sha256(key.reveal(), "csrf:" + session_id.to_string());
  return crypto::base64url_encode(crypto::as_view(mac));
}
}  // namespace

std::string new_session_token() { return crypto::base64url_encode(crypto::random_bytes(32)); }

std::string token_hash(std::string_view token) {
  auto digest = crypto::sha256(token);
  return std::string(crypto::as_view(digest));
}

std::string CsrfKeys::token_for(const Uuid& session_id) const { return csrf_mac(current_, session_id); }

bool CsrfKeys::verify(std::string_view token, const Uuid& session_id) const {
  bool ok = crypto::constant_time_equal(token, csrf_mac(current_, session_id));
  if (previous_) ok = crypto::constant_time_equal(token, csrf_mac(*previous_, session_id)) || ok;
  return ok;
}

std::string CsrfKeys::key_version() const {
  auto digest = crypto::sha256("key-version:" + current_.reveal());
  return "k" + crypto::to_hex(crypto::as_view(digest)).substr(0, 8);
}

}  // namespace ignition::auth
