#pragma once
/// AWS Signature Version 4 for S3-compatible object storage (Cloudflare R2 in production:
/// path-style, region "auto"). Pure computation: it signs a described request, and never
/// sends, logs or keeps anything.
///
/// The canonical form follows AWS's S3 signer (ADR-023 (sigv4) in docs/decisions.md): the path is
/// percent-encoded once (RFC 3986 unreserved characters and '/' kept, everything else as
/// upper-case %XX of its UTF-8 bytes; no normalisation, no double encoding), the query is
/// encoded the same way and sorted by name then value, header names are lower-cased and
/// values trimmed with inner runs of blanks collapsed. The tests compare it with AWS's own
/// JavaScript signer on generated requests and with the examples AWS publishes.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ignition/common/env.hpp>

namespace ignition::storage {

/// Decoded name/value pairs (a query string or header list) in the caller's order.
using NameValues = std::vector<std::pair<std::string, std::string>>;

/// The SHA-256 of an empty payload, in hex.
inline constexpr std::string_view empty_payload_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The payload marker for a body that is not hashed (streamed uploads, presigned URLs).
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
/// The longest validity S3 accepts for a presigned URL (7 days).
inline constexpr std::chrono::seconds max_presign_expiry{7 * 24 * 3600};

struct Credentials {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token;  ///< temporary credentials only; empty when there is none
};

struct Scope {
  std::string region;  ///< "auto" for R2
  std::string service = "s3";
};

struct SignableRequest {
  std::string method;  ///< "GET", "PUT", …
  std::string host;    ///< host[:port] exactly as sent in the Host header
  std::string path;    ///< raw, not yet encoded: "/bucket/users/u1/a b+c.png"
  NameValues query;    ///< decoded names and values; a name may repeat
  /// Extra headers to sign and send (Content-Type, Range, x-amz-meta-*, …). Host and the
  /// headers the signer produces must not be among them. Hop-by-hop and proxy-owned
  /// headers (the ones AWS's SDKs never sign, such as User-Agent, Expect or
  /// Transfer-Encoding) may be, but are left out of the signature like the SDKs do.
  NameValues headers;
  /// Lower-case hex SHA-256 of the body (empty_payload_sha256 for none), or unsigned_payload.
  std::string payload_sha256{empty_payload_sha256};
};

/// The headers to add to the request; every one of them must be sent.
struct SignedHeaders {
  std::string authorization;         ///< "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…"
  std::string amz_date;              ///< x-amz-date, "20130524T000000Z"
  std::string content_sha256;        ///< x-amz-content-sha256 (the payload hash as signed)
  std::optional<std::string> token;  ///< x-amz-security-token, with temporary credentials

  /// The same as (name, value) pairs: Authorization, x-amz-date, x-amz-content-sha256 and,
  /// with temporary credentials, x-amz-security-token.
  NameValues list() const;
};

/// Signs `request` for the Authorization header at time `when` (whole seconds, UTC).
/// Throws std::invalid_argument on a request that cannot be signed or sent as described:
/// an empty method or host, a path not starting with '/', a header name that is not an
/// HTTP token or that the signer produces itself (Host, Authorization, X-Amz-Date,
/// X-Amz-Content-Sha256, X-Amz-Security-Token), a CR, LF or NUL in a header value, a query
/// name X-Amz-Signature, or a payload hash that is neither 64 lower-case hex digits nor
/// UNSIGNED-PAYLOAD.
SignedHeaders sign(const SignableRequest& request, const Credentials& credentials, const Scope& scope,
                   std::chrono::system_clock::time_point when);

/// A presigned URL, as S3's query-string authentication: `scheme://host/encoded-path?…`
/// with the caller's query plus X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
/// X-Amz-SignedHeaders=host, X-Amz-Security-Token (temporary credentials) and
/// X-Amz-Signature; the payload is UNSIGNED-PAYLOAD. The parameters are written sorted by
/// decoded name (a repeated name keeps its order), as AWS's JavaScript SDK writes them.
/// Throws std::invalid_argument as sign() does, for a scheme other than http or https, an
/// expiry outside 1 s … 7 days, or a query name that is one of the X-Amz-* parameters above.
std::string presign_url(std::string_view method, std::string_view scheme, std::string_view host, std::string_view path,
                        const NameValues& query, const Credentials& credentials, const Scope& scope,
                        std::chrono::system_clock::time_point when, std::chrono::seconds expires);

/// RFC 3986 percent-encoding as SigV4 uses it: A-Z a-z 0-9 - . _ ~ stay, '/' stays when
/// `keep_slash`, every other byte becomes %XX (upper-case hex).
std::string uri_encode(std::string_view text, bool keep_slash);

}  // namespace ignition::storage
