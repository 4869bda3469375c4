#include <ignition/guard/cookies.hpp>

namespace ignition::guard {

std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return std::nullopt;
}

std::string set_cookie(const auth::CookieConfig& config, std::string_view name, std::string_view value,
                       std::chrono::seconds max_age, CookieAccess access, std::string_view path) {
  std::string out;
  out.reserve(160);
  out.append(name).append("=").append(value).append("; Path=").append(path);
  if (config.domain) out.append("; Domain=").append(*config.domain);
  if (access == CookieAccess::http_only) out.append("; HttpOnly");
  if (config.secure) out.append("; Secure");
  out.append(config.same_site == auth::SameSite::strict ? "; SameSite=Strict"
             : config.same_site == auth::SameSite::none ? "; SameSite=None"
                                                        : "; SameSite=Lax");
  out.append("; Max-Age=").append(std::to_string(max_age.count()));
  return out;
}

}  // namespace ignition::guard
