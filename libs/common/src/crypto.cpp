#include "ignition/common/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <climits>
#include <initializer_list>
#include <span>
#include <stdexcept>

namespace ignition::crypto {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";
constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char base64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const unsigned char* bytes_of(std::string_view s) noexcept { return reinterpret_cast<const unsigned char*>(s.data()); }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int base64url_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string base64(std::string_view bytes, const char* alphabet, bool pad) {
  const unsigned char* p = bytes_of(bytes);
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8 | p[i + 2];
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const std::uint32_t n = std::uint32_t{p[i]} << 16 | (rest == 2 ? std::uint32_t{p[i + 1]} << 8 : 0U);
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    if (rest == 2) out += alphabet[n >> 6 & 63];
    if (pad) out.append(3 - rest, '=');
  }
  return out;
}

// OpenSSL 3 looks an algorithm up by name (under a lock) on every call given the legacy
// EVP_sha256(); fetched once here, that lookup leaves the per-request path.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (!fetched) throw std::runtime_error("SHA-256 is not available");
    return fetched;
  }();
  return md;
}

std::string_view view_of(std::span<const unsigned char> bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// SHA-256 of the concatenated parts in this thread's reusable context: a fresh context
// costs allocations and a provider context on every call.
Sha256Digest digest_of(std::initializer_list<std::string_view> parts) {
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context context;
  Sha256Digest digest{};
  bool ok = context.ctx && EVP_DigestInit_ex(context.ctx, sha256_md(), nullptr) == 1;
  for (auto part : parts) ok = ok && EVP_DigestUpdate(context.ctx, part.data(), part.size()) == 1;
  if (!ok || EVP_DigestFinal_ex(context.ctx, digest.data(), nullptr) != 1) throw std::runtime_error("SHA-256 failed");
  return digest;
}

}  // namespace

std::string random_bytes(std::size_t n) {
  if (n > INT_MAX) throw std::length_error("random_bytes: too many bytes requested");
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

Sha256Digest sha256(std::string_view data) { return digest_of({data}); }

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (!context_ || EVP_DigestInit_ex(context_, sha256_md(), nullptr) != 1) {
    EVP_MD_CTX_free(context_);
    throw std::runtime_error("SHA-256 failed");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::update(std::string_view data) {
  if (EVP_DigestUpdate(context_, data.data(), data.size()) != 1) throw std::runtime_error("SHA-256 failed");
}

Sha256Digest Sha256::finish() {
  Sha256Digest digest{};
  if (EVP_DigestFinal_ex(context_, digest.data(), nullptr) != 1) throw std::runtime_error("SHA-256 failed");
  return digest;
}

// HMAC (RFC 2104) over the fetched SHA-256: OpenSSL's HMAC() fetches the MAC and the
// digest by name on every call, which made it the costliest step of a cached request.
Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  constexpr std::size_t block_size = 64;
  std::array<unsigned char, block_size> block{};
  if (key.size() > block_size) {
    const auto hashed = sha256(key);
    std::copy(hashed.begin(), hashed.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<unsigned char, block_size> pad;
  for (std::size_t i = 0; i < block_size; ++i) pad[i] = block[i] ^ 0x36;
  const auto inner = digest_of({view_of(pad), data});
  for (std::size_t i = 0; i < block_size; ++i) pad[i] = block[i] ^ 0x5c;
  const auto mac = digest_of({view_of(pad), view_of(inner)});
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  return mac;
}

std::string to_hex(std::string_view bytes) {
  std::string out(bytes.size() * 2, '\0');
  char* digit = out.data();
  for (const unsigned char b : bytes) {
    *digit++ = hex_digits[b >> 4];
    *digit++ = hex_digits[b & 0x0F];
  }
  return out;
}

std::string to_hex(const Sha256Digest& digest) { return to_hex(as_view(digest)); }

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]);
    const int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string base64url_encode(std::string_view bytes) { return base64(bytes, base64url_alphabet, false); }

std::string base64_encode(std::string_view bytes) { return base64(bytes, base64_alphabet, true); }

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (const char c : text) {
    const int value = base64url_value(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6 | static_cast<std::uint32_t>(value)) & 0xFFFFFF;
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out += static_cast<char>(bits >> bit_count & 0xFF);
    }
  }
  // Leftover bits must be zero so that every byte string has exactly one encoding.
  if ((bits & ((1U << bit_count) - 1)) != 0) return std::nullopt;
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ignition::crypto
