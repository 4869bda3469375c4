#include "ignition/common/env.hpp"

#include "ignition/common/parse.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <utility>

#include "ignition/common/error.hpp"

namespace ignition {
namespace {

constexpr std::string_view whitespace = " \t";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(whitespace) - first + 1);
}

bool valid_key(std::string_view key) {
  auto is_key_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  return !key.empty() && std::isdigit(static_cast<unsigned char>(key.front())) == 0 &&
         std::all_of(key.begin(), key.end(), is_key_char);
}

/// After a closing quote only whitespace or a comment may follow.
bool only_comment(std::string_view rest) {
  rest = trim(rest);
  return rest.empty() || rest.front() == '#';
}

/// Value part of a .env line; throws a bare reason that the caller prefixes with the location.
std::string parse_value(std::string_view raw) {
  const auto text = trim(raw);
  if (!text.empty() && text.front() == '\'') {
    const auto close = text.find('\'', 1);
    if (close == std::string_view::npos) throw ConfigError("unterminated single quote");
    if (!only_comment(text.substr(close + 1))) {
      throw ConfigError("unexpected text after closing quote");
    }
    return std::string(text.substr(1, close - 1));
  }
  if (!text.empty() && text.front() == '"') {
    std::string value;
    for (std::size_t i = 1; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"') {
        if (!only_comment(text.substr(i + 1))) {
          throw ConfigError("unexpected text after closing quote");
        }
        return value;
      }
      if (c == '\\' && i + 1 < text.size()) {
        const char next = text[++i];
        if (next == 'n') {
          value += '\n';
        } else if (next == '"' || next == '\\') {
          value += next;
        } else {
          value.append({c, next});  // unknown escapes stay literal
        }
      } else {
        value += c;
      }
    }
    throw ConfigError("unterminated double quote");
  }
  // Unquoted: a '#' after whitespace (or right after '=') starts a comment.
  return std::string(trim(raw.substr(0, raw.find(" #"))));
}

std::map<std::string, std::string> read_dotenv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot be read", path.string()));
  std::map<std::string, std::string> vars;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view text = trim(line);
    if (!text.empty() && text.back() == '\r') text = trim(text.substr(0, text.size() - 1));
    if (text.empty() || text.front() == '#') continue;
    if (text.starts_with("export ")) text = trim(text.substr(7));
    const auto eq = text.find('=');
    const auto key = trim(text.substr(0, eq));
    try {
      if (eq == std::string_view::npos) throw ConfigError("expected KEY=VALUE");
      if (!valid_key(key)) throw ConfigError("invalid variable name");
      vars.insert_or_assign(std::string(key), parse_value(text.substr(eq + 1)));
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("{}:{}: {}", path.string(), number, e.what()));
    }
  }
  return vars;
}

bool named_secret(std::string_view key) {
  for (std::string_view word : {"SECRET", "PASS", "PWD", "TOKEN", "CREDENTIAL", "PRIVATE"}) {
    if (key.find(word) != std::string_view::npos) return true;
  }
  return key.ends_with("_KEY");
}

// A URL's user information as "***" after the user name, or whole when it has no ':' (a token
// as user name), in each `scheme://` of `value` (a list of URLs too). It ends at the URL's last
// '@': a password may hold '@' or '/', and hiding too much is the safe mistake.
void hide_url_passwords(std::string& value) {
  for (auto scheme = value.find("://"); scheme != std::string::npos; scheme = value.find("://", scheme + 3)) {
    const auto authority = scheme + 3;
    const auto end = std::min(value.find_first_of(", ", authority), value.size());
    const auto at = value.rfind('@', end);
    if (at == std::string::npos || at < authority) continue;
    const auto colon = value.find(':', authority);
    const auto from = colon < at ? colon + 1 : authority;
    value.replace(from, at - from, "***");
  }
}

// The value of every `password` setting as "***": libpq's `password = 'a b'` (spaces around
// '=', a quoted value with \' escapes) and a URL query's `password=x&…`.
void hide_conninfo_passwords(std::string& value) {
  constexpr std::string_view keyword = "password";
  for (auto at = value.find(keyword); at != std::string::npos; at = value.find(keyword, at + 1)) {
    auto i = value.find_first_not_of(' ', at + keyword.size());
    if (i == std::string::npos || value[i] != '=') continue;
    i = std::min(value.find_first_not_of(' ', i + 1), value.size());
    auto end = i;
    if (end < value.size() && value[end] == '\'') {
      for (++end; end < value.size() && value[end] != '\''; ++end) {
        if (value[end] == '\\') ++end;
      }
      end = std::min(end + 1, value.size());
    } else {
      end = std::min(value.find_first_of(" &", i), value.size());
    }
    value.replace(i, end - i, "***");
  }
}

// What effective() shows of a value that is not itself a secret.
std::string without_passwords(std::string value) {
  hide_url_passwords(value);
  hide_conninfo_passwords(value);
  return value;
}

// In the largest unit that divides it, as parse_duration reads it back.
std::string shown_duration(std::chrono::milliseconds ms) {
  static constexpr std::pair<std::string_view, std::int64_t> units[] = {
      {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}};
  for (const auto& [unit, factor] : units) {
    if (ms.count() != 0 && ms.count() % factor == 0) return fmt::format("{}{}", ms.count() / factor, unit);
  }
  return fmt::format("{}ms", ms.count());
}

}  // namespace

Env Env::for_program() {
  const char* app_env = std::getenv("APP_ENV");
  const bool production = app_env != nullptr && std::string_view(app_env) == "production";
  return from_process(production ? std::nullopt : std::optional<std::filesystem::path>(".env"));
}

Env Env::from_process(const std::optional<std::filesystem::path>& dotenv) {
  std::map<std::string, std::string> vars;
  if (dotenv && std::filesystem::exists(*dotenv)) vars = read_dotenv(*dotenv);
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    vars.insert_or_assign(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return Env(std::move(vars));
}

Env Env::from_map(std::map<std::string, std::string> vars) { return Env(std::move(vars)); }

std::optional<std::string> Env::lookup(std::string_view key) const {
  std::lock_guard lock(mutex_);
  read_.emplace(key);
  const auto it = vars_.find(key);
  if (it == vars_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Env::get(std::string_view key) const {
  auto value = lookup(key);
  record(key, value, std::nullopt);
  return value;
}

void Env::record(std::string_view key, const std::optional<std::string>& value, std::optional<std::string> fallback,
                 bool secret) const {
  std::string shown;
  if (secret || named_secret(key)) {
    shown = value ? "(set)" : "(unset)";
  } else if (value) {
    shown = without_passwords(*value);
  } else {
    shown = fallback ? without_passwords(*fallback) + " (default)" : "(unset)";
  }
  std::lock_guard lock(mutex_);
  shown_.insert_or_assign(std::string(key), std::move(shown));
}

std::vector<std::pair<std::string, std::string>> Env::effective() const {
  std::lock_guard lock(mutex_);
  return {shown_.begin(), shown_.end()};
}

std::string Env::string(std::string_view key, std::string_view fallback) const {
  auto value = lookup(key);
  record(key, value, std::string(fallback));
  return value ? std::move(*value) : std::string(fallback);
}

std::string Env::required(std::string_view key) const {
  auto value = get(key);
  if (!value) throw ConfigError(fmt::format("{} is required but not set", key));
  return std::move(*value);
}

std::optional<Secret> Env::secret(std::string_view key) const {
  auto value = lookup(key);
  record(key, value, std::nullopt, true);
  if (!value) return std::nullopt;
  return Secret(std::move(*value));
}

std::int64_t Env::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
  const auto value = lookup(key);
  record(key, value, std::to_string(fallback));
  if (!value) return fallback;
  const auto result = parse_integer<std::int64_t>(*value);
  if (!result || *result < min || *result > max) {
    throw ConfigError(fmt::format("{} must be an integer between {} and {} (got \"{}\")", key, min, max, *value));
  }
  return *result;
}

bool Env::boolean(std::string_view key, bool fallback) const {
  const auto value = lookup(key);
  record(key, value, fallback ? "true" : "false");
  if (!value) return fallback;
  std::string lower = *value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off") return false;
  throw ConfigError(fmt::format("{} must be a boolean (1/0, true/false, yes/no, on/off) (got \"{}\")", key, *value));
}

std::chrono::milliseconds Env::duration(std::string_view key, std::chrono::milliseconds fallback) const {
  const auto value = lookup(key);
  record(key, value, shown_duration(fallback));
  if (!value) return fallback;
  if (auto parsed = parse_duration(*value)) return *parsed;
  throw ConfigError(
      fmt::format("{} must be a positive duration such as 500ms, 15s, 10m, 12h or 30d (got \"{}\")", key, *value));
}

std::vector<std::string> Env::list(std::string_view key) const {
  std::vector<std::string> items;
  const auto value = get(key);
  if (!value) return items;
  std::string_view rest = *value;
  while (true) {
    const auto comma = rest.find(',');
    if (auto item = trim(rest.substr(0, comma)); !item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

std::string Env::choice(std::string_view key, std::string_view fallback,
                        std::initializer_list<std::string_view> choices) const {
  auto value = lookup(key);
  record(key, value, std::string(fallback));
  if (!value) return std::string(fallback);
  if (std::find(choices.begin(), choices.end(), *value) != choices.end()) return std::move(*value);
  throw ConfigError(fmt::format("{} must be one of {} (got \"{}\")", key, fmt::join(choices, ", "), *value));
}

std::vector<std::string> Env::unused(std::span<const std::string_view> prefixes) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;  // vars_ is ordered, so the result is sorted
  for (const auto& entry : vars_) {
    // Not a structured binding: clang before 16 (the fuzz build's) cannot capture one in a lambda.
    const std::string& key = entry.first;
    const bool matches =
        std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return key.starts_with(p); });
    if (matches && !read_.contains(key)) keys.push_back(key);
  }
  return keys;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const auto digits = std::min(text.find_first_not_of("0123456789"), text.size());
  const auto unit = text.substr(digits);
  static constexpr std::pair<std::string_view, std::int64_t> units[] = {
      {"ms", 1}, {"", 1000}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  const auto* match = std::find_if(std::begin(units), std::end(units), [&](const auto& u) { return u.first == unit; });
  if (match == std::end(units)) return std::nullopt;
  const std::int64_t factor = match->second;
  const auto count = parse_integer<std::int64_t>(text.substr(0, digits));
  if (!count || *count <= 0 || *count > std::numeric_limits<std::int64_t>::max() / factor) return std::nullopt;
  return std::chrono::milliseconds(*count * factor);
}

}  // namespace ignition
