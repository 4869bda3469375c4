#include "ignition/common/uuid.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "ignition/common/crypto.hpp"

namespace ignition {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Stamps the version nibble and the RFC 4122 variant bits.
Uuid stamp(std::array<std::uint8_t, 16> bytes, std::uint8_t version) {
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | (version << 4));
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);
  return Uuid(bytes);
}

}  // namespace

Uuid Uuid::v4() {
  const auto random = crypto::random_bytes(16);
  std::array<std::uint8_t, 16> bytes{};
  std::memcpy(bytes.data(), random.data(), bytes.size());
  return stamp(bytes, 4);
}

Uuid Uuid::v5(const Uuid& ns, std::string_view name) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), ns.bytes_.data(), ns.bytes_.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), name.data(), name.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed");
  }
  std::array<std::uint8_t, 16> bytes{};
  std::memcpy(bytes.data(), digest, bytes.size());
  return stamp(bytes, 5);
}

std::optional<Uuid> Uuid::parse(std::string_view text) noexcept {
  if (text.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 16> bytes{};
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const int value = hex_value(text[i]);
    if (value < 0) return std::nullopt;
    bytes[nibble / 2] = static_cast<std::uint8_t>(bytes[nibble / 2] << 4 | value);
    ++nibble;
  }
  return Uuid(bytes);
}

std::string Uuid::to_string() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text(36, '-');
  std::size_t at = 0;
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;  // the dash already there
    text[at++] = digits[bytes_[i] >> 4];
    text[at++] = digits[bytes_[i] & 0x0F];
  }
  return text;
}

bool Uuid::is_nil() const noexcept {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace ignition
