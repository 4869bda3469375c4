#include "query.hpp"

#include <ignition/common/json.hpp>

namespace ignition::api {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; nullopt on a malformed escape, and on %00: no value here can hold a NUL
// (Postgres text cannot), so a parameter with one is as good as malformed.
std::optional<std::string> decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0 || hi + lo == 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

// Hand-written rather than Boost.URL's parse_query: Debian's libboost_url 1.81 reads
// past the end of a non-terminated view there (AddressSanitizer caught it).
std::optional<std::string> query_param(std::string_view query, std::string_view name, bool* malformed) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    auto key = decode(pair.substr(0, eq));
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string();
    auto value = decode(pair.substr(eq + 1));
    if (value && json::valid_utf8(*value)) return value;
    if (malformed) *malformed = true;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace ignition::api
