// The SigV4 signer of object storage (storage::sign, presign_url, uri_encode) on any request
// described to it. The canonical request is the signer's own, so it is checked through what
// SigV4 says it must and must not depend on: spellings of one request (query order, blanks
// around header values, the case of header names, headers AWS never signs) sign alike, a
// different path signs differently. The only exception is std::invalid_argument, for requests
// the header documents as unsignable.
//
// Input, one item a line: method, host, path, payload hash ("" for the empty payload), then any
// of "?name=value" (a query parameter), "name:value" (a header), "!token" (a session token).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/storage/sigv4.hpp>

#include "check.hpp"

namespace storage = ignition::storage;

namespace {

const storage::Scope scope{"auto", "s3"};
const auto when = std::chrono::sys_days{std::chrono::year{2026} / 1 / 7} + std::chrono::hours{12};

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }

// uri_encode's output is unreserved characters, '/' when kept, and %XX; decoded it is the input.
void check_uri_encode(std::string_view text, bool keep_slash) {
  const auto encoded = storage::uri_encode(text, keep_slash);
  std::string decoded;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '%') {
      FUZZ_CHECK(i + 2 < encoded.size() && is_hex(encoded[i + 1]) && is_hex(encoded[i + 2]));
      decoded.push_back(static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2])));
      i += 2;
      continue;
    }
    FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
               c == '_' || c == '~' || (keep_slash && c == '/'));
    decoded.push_back(c);
  }
  FUZZ_CHECK(decoded == text);
}

// The signature, or "" when the request cannot be signed.
std::string sign(const storage::SignableRequest& request, const storage::Credentials& credentials) {
  try {
    const auto signed_headers = storage::sign(request, credentials, scope, when);
    const auto& authorization = signed_headers.authorization;
    FUZZ_CHECK(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260107/auto/s3/aws4_request, "
                                  "SignedHeaders="));
    const auto at = authorization.rfind(", Signature=");
    FUZZ_CHECK(at != std::string::npos);
    const auto signature = std::string_view(authorization).substr(at + 12);
    FUZZ_CHECK(signature.size() == 64 && std::all_of(signature.begin(), signature.end(), [](char c) {
                 return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
               }));
    FUZZ_CHECK(signed_headers.amz_date == "20260107T120000Z");
    FUZZ_CHECK(signed_headers.token.has_value() == !credentials.session_token.empty());
    return authorization;
  } catch (const std::invalid_argument&) {
    return {};
  }
}

std::string trimmed_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string_view> lines;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty() && lines.size() < 64) {
    const auto end = input.find('\n');
    lines.push_back(input.substr(0, end));
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  }
  if (lines.size() < 3) return 0;

  storage::SignableRequest request;
  request.method = lines[0];
  request.host = lines[1];
  request.path = lines[2];
  if (lines.size() > 3 && !lines[3].empty()) request.payload_sha256 = lines[3];
  storage::Credentials credentials{"AKIDEXAMPLE", ignition::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), {}};
  for (std::size_t i = 4; i < lines.size(); ++i) {
    const auto line = lines[i];
    if (line.starts_with('?')) {
      const auto eq = line.find('=');
      request.query.emplace_back(line.substr(1, eq == std::string_view::npos ? eq : eq - 1),
                                 eq == std::string_view::npos ? std::string_view{} : line.substr(eq + 1));
    } else if (line.starts_with('!')) {
      credentials.session_token = ignition::Secret(std::string(line.substr(1)));
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
      request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  check_uri_encode(request.path, true);
  for (const auto& [name, value] : request.query) check_uri_encode(value, false);

  const auto signature = sign(request, credentials);
  if (!signature.empty()) {
    // The query in another order signs alike.
    auto reordered = request;
    std::reverse(reordered.query.begin(), reordered.query.end());
    FUZZ_CHECK(sign(reordered, credentials) == signature);

    // Blanks around header values, header names in another case, and a header AWS never signs.
    auto respelled = request;
    for (auto& [name, value] : respelled.headers) {
      name = trimmed_upper(name);
      value = " \t" + value + "  ";
    }
    respelled.headers.emplace_back("User-Agent", "fuzz/1.0");
    FUZZ_CHECK(sign(respelled, credentials) == signature);

    // Another path is another request.
    auto elsewhere = request;
    elsewhere.path += "x";
    FUZZ_CHECK(sign(elsewhere, credentials) != signature);
  }

  try {
    const auto url = storage::presign_url(request.method, "https", request.host, request.path, request.query,
                                          credentials, scope, when, std::chrono::seconds(900));
    FUZZ_CHECK(url.starts_with("https://" + request.host + storage::uri_encode(request.path, true) + "?"));
    FUZZ_CHECK(url.find("&X-Amz-Signature=") != std::string::npos);
  } catch (const std::invalid_argument&) {}
  return 0;
}
