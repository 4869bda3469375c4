// The Cookie header as the session and CSRF layers read it (guard::find_cookie), and a cookie
// the server sets read back: what set_cookie writes, find_cookie finds, for every name and value
// a cookie can carry.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <ignition/auth/config.hpp>
#include <ignition/guard/cookies.hpp>

#include "check.hpp"

using ignition::guard::find_cookie;

namespace {

// A view that lies inside `whole`.
bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// Whether the value comes back from a header as it is: no ';' (which ends it), no blank at its
// end (trimmed), not wrapped in quotes (which are taken off).
bool survives(std::string_view value) {
  if (value.find(';') != std::string_view::npos || value.ends_with(' ')) return false;
  return !(value.size() >= 2 && value.front() == '"' && value.back() == '"');
}

// Whether a cookie of that name is found by it: no ';' or '=', and no leading blank.
bool plain_name(std::string_view name) {
  return name.find_first_of(";=") == std::string_view::npos && !name.starts_with(' ');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte is the length of the name that is looked up, the rest the header.
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t name_size = std::min<std::size_t>(data[0] % 64, rest.size());
  const std::string_view name = rest.substr(0, name_size);
  const std::string_view header = rest.substr(name_size);

  if (const auto value = find_cookie(header, name)) {
    FUZZ_CHECK(inside(*value, header));
    FUZZ_CHECK(value->find(';') == std::string_view::npos);
    // The found pair "name=value" is in the header.
    FUZZ_CHECK(header.find(std::string(name) + "=") != std::string_view::npos);
  }
  // Every name holds no cookie in an empty header.
  FUZZ_CHECK(!find_cookie("", name));

  // A cookie the server sets, read back from the Cookie header a browser would send, among others.
  const std::string_view value = header.substr(0, header.find(';'));
  ignition::auth::CookieConfig config;
  config.domain = "example.org";
  const auto set = ignition::guard::set_cookie(config, name, value, std::chrono::seconds(3600),
                                               ignition::guard::CookieAccess::http_only);
  FUZZ_CHECK(set.starts_with(std::string(name) + "=" + std::string(value) + "; Path=/"));
  if (plain_name(name) && survives(value)) {
    FUZZ_CHECK(find_cookie(set, name) == value);
    const std::string sent = "other=1; " + std::string(name) + "=" + std::string(value) + "; last=2";
    if (name != "other") FUZZ_CHECK(find_cookie(sent, name) == value);
  }
  return 0;
}
