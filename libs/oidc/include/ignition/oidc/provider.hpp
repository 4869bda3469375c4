#pragma once
/// Sign-in through an OpenID Connect provider (Google, Microsoft Entra ID): the authorization
/// URL (authorization code flow with PKCE S256 and a nonce), the code exchange, ID token
/// verification and the mapping of its claims to an Identity. Discovery and JWKS come from
/// the issuer through outbound::Client and are cached.

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ignition/common/env.hpp>
#include <ignition/oidc/error.hpp>
#include <ignition/oidc/pkce.hpp>
#include <ignition/outbound/client.hpp>

namespace ignition::oidc {

struct ProviderConfig {
  std::string id;      ///< "google" | "microsoft" (decides how claims map to an Identity)
  std::string name;    ///< "Google" | "Microsoft"
  std::string issuer;  ///< discovery is fetched from <issuer>/.well-known/openid-configuration
  std::string client_id;
  Secret client_secret;
};

/// The configured providers, Google first: Google when GOOGLE_CLIENT_ID is set (with
/// GOOGLE_CLIENT_SECRET, GOOGLE_ISSUER default https://accounts.google.com), Microsoft when
/// AZURE_AD_CLIENT_ID is set (with AZURE_AD_CLIENT_SECRET, AZURE_AD_ISSUER default
/// https://login.microsoftonline.com/{AZURE_AD_TENANT_ID}/v2.0, tenant default "common").
/// Throws ConfigError naming the variable when a client id is set without its secret.
std::vector<ProviderConfig> providers_from_env(const Env& env);

/// Who signed in, as the provider's ID token says.
struct Identity {
  std::string provider;    ///< ProviderConfig::id
  std::string account_id;  ///< google: `sub`; microsoft: "<tid>:<oid>" (never the email)
  std::string email;       ///< lower-cased (ASCII)
  /// google: the `email_verified` claim; microsoft: true only when `xms_edov` is true
  /// (the email domain's owner is verified), else false. complete() does not reject an
  /// unverified email; the caller decides (the contract requires it for Google, and for
  /// linking a Microsoft account to an existing user).
  bool email_verified = false;
  std::optional<std::string> name;
  std::optional<std::string> picture;
};

/// One provider. Copies share the same caches (discovery for 24 h; JWKS for 24 h, refetched
/// at most once per 30 s when a token names an unknown `kid`). Safe to use from several
/// threads at once. The outbound::Client must outlive every request started through it.
class Provider {
 public:
  /// Throws ConfigError when id, issuer or client_id is empty.
  Provider(ProviderConfig config, outbound::Client& client);

  const ProviderConfig& config() const noexcept;

  /// The URL to send the browser to: the discovered authorization endpoint with
  /// response_type=code, client_id, redirect_uri, scope "openid email profile", state, nonce,
  /// code_challenge and code_challenge_method=S256. Throws SignInError("provider_unavailable")
  /// when discovery fails.
  boost::asio::awaitable<std::string> authorization_url(std::string state, std::string nonce,
                                                        std::string code_challenge, std::string redirect_uri);

  /// Exchanges `code` at the token endpoint (client_secret_post, with the PKCE verifier and
  /// the same redirect_uri), verifies the ID token (signature against the JWKS, iss, aud/azp,
  /// exp, iat, nonce = `nonce`) and maps its claims. Throws SignInError (see error.hpp for the
  /// codes); a cancelled caller gets boost::system::system_error(operation_aborted) instead.
  boost::asio::awaitable<Identity> complete(std::string code, std::string code_verifier, std::string nonce,
                                            std::string redirect_uri);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace ignition::oidc
