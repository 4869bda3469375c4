#pragma once
/// Crypto primitives on OpenSSL. Nothing here logs or keeps its inputs.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace ignition::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

/// Bytes from the CSPRNG (RAND_bytes); throws std::runtime_error if it fails.
std::string random_bytes(std::size_t n);
Sha256Digest sha256(std::string_view data);
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

/// SHA-256 of data that arrives in pieces (an upload): update() as it comes, then finish().
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  Sha256Digest finish();

 private:
  ::evp_md_ctx_st* context_;
};

std::string to_hex(std::string_view bytes);
std::string to_hex(const Sha256Digest& digest);
/// Either case accepted; nullopt on odd length or a non-hex character.
std::optional<std::string> from_hex(std::string_view hex);

/// base64url without padding (RFC 4648 §5).
std::string base64url_encode(std::string_view bytes);
/// Strict: rejects padding, whitespace and characters outside the url alphabet.
std::optional<std::string> base64url_decode(std::string_view text);
/// Standard base64 with padding (for interop such as S3 Content-MD5).
std::string base64_encode(std::string_view bytes);

/// Compares in time that depends only on the lengths, never on the contents.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

inline std::string_view as_view(const Sha256Digest& d) noexcept {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace ignition::crypto
