#include "ignition/common/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <mutex>

#include "ignition/common/json.hpp"
#include "ignition/common/time.hpp"

namespace ignition::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::json};
std::atomic<std::FILE*> g_sink{stdout};
std::mutex g_write_mutex;

std::string_view level_name(Level level) noexcept {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

bool is_sensitive(std::string_view key) {
  static constexpr std::string_view markers[] = {"token",  "cookie",        "secret", "password",
                                                 "passwd", "authorization", "api_key"};
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(std::begin(markers), std::end(markers),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

/// JSON string body: quotes, backslashes and control characters escaped; invalid UTF-8
/// becomes U+FFFD so that a line is always valid JSON and never split.
void append_escaped(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + n <= s.size() && json::valid_utf8(s.substr(i, n))) {
        out.append(s.substr(i, n));
        i += n;
      } else {
        out += "\\ufffd";
        ++i;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
}

/// Text format: bare when unambiguous, otherwise quoted and escaped like JSON.
void append_text(std::string& out, std::string_view s) {
  const bool bare = !s.empty() && json::valid_utf8(s) && std::none_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '=' || c == '\\';
  });
  if (bare) {
    out.append(s);
  } else {
    out += '"';
    append_escaped(out, s);
    out += '"';
  }
}

void append_value(std::string& out, const Field& field, Format format) {
  const Field::Value value = is_sensitive(field.key) ? Field::Value(std::string_view("[redacted]")) : field.value;
  if (const auto* s = std::get_if<std::string_view>(&value)) {
    if (format == Format::text) {
      append_text(out, *s);
    } else {
      out += '"';
      append_escaped(out, *s);
      out += '"';
    }
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    fmt::format_to(std::back_inserter(out), "{}", *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    // JSON has no NaN or infinity.
    if (format == Format::json && !std::isfinite(*d)) {
      out += "null";
    } else {
      fmt::format_to(std::back_inserter(out), "{}", *d);
    }
  } else {
    out += std::get<bool>(value) ? "true" : "false";
  }
}

}  // namespace

void configure(Level level, Format format, std::FILE* to) {
  g_level.store(level, std::memory_order_relaxed);
  g_format.store(format, std::memory_order_relaxed);
  g_sink.store(to, std::memory_order_relaxed);
}

bool parse_level(std::string_view name, Level& out) noexcept {
  for (const auto level : {Level::debug, Level::info, Level::warn, Level::error}) {
    if (name == level_name(level)) {
      out = level;
      return true;
    }
  }
  return false;
}

bool enabled(Level level) noexcept { return level >= g_level.load(std::memory_order_relaxed); }

std::string render(Level level, std::string_view msg, std::initializer_list<Field> fields, Format format) {
  const auto ts = format_rfc3339(now());
  std::string out;
  if (format == Format::json) {
    out += R"({"ts":")";
    out += ts;
    out += R"(","level":")";
    out += level_name(level);
    out += R"(","msg":")";
    append_escaped(out, msg);
    out += '"';
    for (const auto& field : fields) {
      if (std::holds_alternative<std::monostate>(field.value)) continue;
      out += ",\"";
      append_escaped(out, field.key);
      out += "\":";
      append_value(out, field, format);
    }
    out += '}';
  } else {
    out += ts;
    out += ' ';
    out += level_name(level);
    out += ' ';
    append_escaped(out, msg);
    for (const auto& field : fields) {
      if (std::holds_alternative<std::monostate>(field.value)) continue;
      out += ' ';
      append_escaped(out, field.key);
      out += '=';
      append_value(out, field, format);
    }
  }
  return out;
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line = render(level, msg, fields, g_format.load(std::memory_order_relaxed));
  line += '\n';
  std::lock_guard lock(g_write_mutex);
  std::FILE* sink = g_sink.load(std::memory_order_relaxed);
  std::fwrite(line.data(), 1, line.size(), sink);
  std::fflush(sink);
}

}  // namespace ignition::log
