#pragma once
/// Reading configuration from the environment (and a `.env` file in development).
/// Each library parses its own typed config struct from an `Env` at start-up; the
/// `Env` remembers which keys were read so that the app can warn about variables
/// with the project's prefixes that nothing used (a typo is never silently ignored).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ignition {

/// A secret value. It cannot be streamed, formatted or logged by accident; `reveal()`
/// is the only way to the bytes.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }

 private:
  std::string value_;
};

class Env {
 public:
  /// Variables from `environ`; when `dotenv` names an existing file, its KEY=VALUE
  /// lines fill in keys the process environment does not set (the environment wins).
  /// Throws ConfigError on a malformed `.env` line.
  static Env from_process(const std::optional<std::filesystem::path>& dotenv);
  /// As every program of this project reads it: the process environment, and in development
  /// (APP_ENV other than `production`) a `.env` file in the working directory.
  static Env for_program();
  /// For tests: exactly these variables.
  static Env from_map(std::map<std::string, std::string> vars);

  /// Raw value, or nullopt when unset. An empty value counts as unset.
  std::optional<std::string> get(std::string_view key) const;
  std::string string(std::string_view key, std::string_view fallback) const;
  /// Throws ConfigError("KEY is required ...") when unset.
  std::string required(std::string_view key) const;
  /// A secret; errors about it never include its value.
  std::optional<Secret> secret(std::string_view key) const;
  /// Integer within [min, max]; throws ConfigError naming the key otherwise.
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  /// 1/0, true/false, yes/no, on/off.
  bool boolean(std::string_view key, bool fallback) const;
  /// "500ms", "15s", "10m", "12h", "30d" or a bare number of seconds; must be > 0.
  std::chrono::milliseconds duration(std::string_view key, std::chrono::milliseconds fallback) const;
  /// Comma-separated list, items trimmed, empty items dropped.
  std::vector<std::string> list(std::string_view key) const;
  /// One of `choices`, else ConfigError listing them.
  std::string choice(std::string_view key, std::string_view fallback,
                     std::initializer_list<std::string_view> choices) const;

  /// Keys that start with one of `prefixes` (or equal one of them) and were never read.
  std::vector<std::string> unused(std::span<const std::string_view> prefixes) const;

  /// Every variable read so far, sorted, as `KEY` and the value in effect: the default a getter
  /// was given, followed by " (default)", when unset; "(unset)" when there is none. Secrets
  /// (read with secret(), or named like one: *SECRET*, *PASS*, *PWD*, *TOKEN*, *CREDENTIAL*,
  /// *PRIVATE*, *_KEY) show as "(set)", and the password of a URL or of a `password` setting as
  /// "***": the output can be shown to anyone.
  std::vector<std::pair<std::string, std::string>> effective() const;

 private:
  explicit Env(std::map<std::string, std::string> vars) : vars_(vars.begin(), vars.end()) {}
  // The value, noted as read; each getter then records what it shows.
  std::optional<std::string> lookup(std::string_view key) const;
  // What effective() shows for `key`: `value` when set, else `fallback` marked as the default.
  void record(std::string_view key, const std::optional<std::string>& value, std::optional<std::string> fallback,
              bool secret = false) const;
  std::map<std::string, std::string, std::less<>> vars_;
  mutable std::mutex mutex_;
  mutable std::set<std::string, std::less<>> read_;
  mutable std::map<std::string, std::string, std::less<>> shown_;
};

/// Parses a duration as Env::duration does; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace ignition
