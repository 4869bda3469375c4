#pragma once
/// Session tokens and CSRF tokens.
///
/// A session token is 32 CSPRNG bytes, base64url; only its SHA-256 is stored. A CSRF
/// token is HMAC-SHA256(AUTH_SECRET, "csrf:" + session id), base64url: bound to one
/// session, verifiable without storage, and still valid under AUTH_SECRET_OLD during a
/// key rotation.

#include <optional>
#include <string>
#include <string_view>

#include <ignition/common/env.hpp>
#include <ignition/common/uuid.hpp>

namespace ignition::auth {

/// A new session token (43 characters).
std::string new_session_token();
/// SHA-256 of the token's ASCII bytes (what `sessions.token_hash` stores).
std::string token_hash(std::string_view token);

class CsrfKeys {
 public:
  CsrfKeys(Secret current, std::optional<Secret> previous)
      : current_(std::move(current)), previous_(std::move(previous)) {}

  /// The token for a session, under the current key.
  std::string token_for(const Uuid& session_id) const;
  /// True when `token` is the session's token under the current or the previous key
  /// (constant-time comparisons).
  bool verify(std::string_view token, const Uuid& session_id) const;
  /// A short, non-secret fingerprint of the current key ("k" + 8 hex), so clients can
  /// tell a key change from a logout.
  std::string key_version() const;

 private:
  Secret current_;
  std::optional<Secret> previous_;
};

}  // namespace ignition::auth
