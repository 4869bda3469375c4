#pragma once
/// Structured logging: one JSON object per line on stdout (or `key=value` text).
/// Secrets cannot be passed as field values (`Secret` has no conversion), and values of
/// fields whose key names a secret (token, cookie, secret, password, authorization…)
/// are printed as "[redacted]".

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace ignition::log {

enum class Level { debug, info, warn, error };
enum class Format { json, text };

struct Field {
  /// std::monostate: the field is left out of the line (see `omitted`).
  using Value = std::variant<std::string_view, std::int64_t, double, bool, std::monostate>;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  template <typename I>
  requires(std::is_integral_v<I> && !std::is_same_v<I, bool>) Field(std::string_view k, I v)
      : key(k), value(static_cast<std::int64_t>(v)) {}

  /// A field that is not written, for values known only sometimes (a user id).
  static Field omitted(std::string_view k) {
    Field f(k, false);
    f.value = std::monostate{};
    return f;
  }

  std::string_view key;
  Value value;
};

/// Set once at start-up, before threads start. A command whose output is on stdout logs to stderr.
void configure(Level level, Format format, std::FILE* to = stdout);
/// "debug", "info", "warn", "error"; nullopt-like false on an unknown name.
bool parse_level(std::string_view name, Level& out) noexcept;
bool enabled(Level level) noexcept;

/// Writes one line (ts, level, msg, fields…) atomically with respect to other lines.
void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }

/// Renders a line without writing it (used by write; exposed for tests).
std::string render(Level level, std::string_view msg, std::initializer_list<Field> fields, Format format);

}  // namespace ignition::log
