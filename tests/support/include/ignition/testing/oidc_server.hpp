#pragma once
// The mock OpenID Connect provider (tests/oidc/server.js on Node.js) as a child process.
// Its control API shapes the next ID token, the next authorize redirect and the token
// endpoint; see the comment at the top of server.js for every override.

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

namespace ignition::testing {

class OidcServer {
 public:
  /// Starts `node $IGNITION_SOURCE_DIR/tests/oidc/server.js 0` (node from PATH, or
  /// $IGNITION_NODE) and waits for its ready line. Throws std::runtime_error with the
  /// mock's stderr if it exits or stays silent (e.g. `npm ci` was not run in tests/oidc).
  OidcServer();
  /// Kills the mock (it also exits by itself when this process dies: its stdin closes).
  ~OidcServer();
  OidcServer(const OidcServer&) = delete;
  OidcServer& operator=(const OidcServer&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  /// "http://127.0.0.1:<port>" — discovery, authorize, token and JWKS live under it.
  const std::string& issuer() const noexcept { return issuer_; }
  /// "http://127.0.0.1:<port>/<tenant>/v2.0", imitating Entra ID; for "common",
  /// "organizations" and "consumers" its discovery names the ".../{tenantid}/v2.0" template.
  std::string tenant_issuer(const std::string& tenant) const;

  /// Claim overrides for the next ID token only: {"email": "x@y", "email_verified": false,
  /// "aud": "other", "nonce": "n", "sub": null (null removes a claim), "exp_offset": -3600,
  /// "iat_offset": 600, "alg": "ES256", "sign_with_unknown_key": true, "bad_signature": true,
  /// "rotate_key": true}.
  void next_token(boost::json::object overrides);
  /// The next authorize request redirects with ?error=<error>&state=... and no code.
  void next_authorize_error(const std::string& error);
  /// The token endpoint answers `status` (0 = normal again) until reset().
  void token_endpoint_status(int status);
  /// Back to defaults and zeroes stats(); keys added by rotate_key stay in the JWKS.
  void reset();
  /// Request counts since the last reset: {"discovery","jwks","token","authorize"}.
  boost::json::object stats() const;
  /// The form fields of the last successful token request (grant_type, code, client_id, ...).
  boost::json::object last_token_request() const;

  /// GETs an authorization URL of this mock (it approves at once) and returns the redirect's
  /// Location: "<redirect_uri>?code=...&state=..." (or ?error=... after next_authorize_error).
  /// Throws std::runtime_error unless the mock answers 302.
  std::string authorize(const std::string& authorization_url) const;

 private:
  boost::json::object control(const std::string& method, const std::string& path, const std::string& body) const;

  int pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string issuer_;
};

}  // namespace ignition::testing
