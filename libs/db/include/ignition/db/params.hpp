#pragma once
/// Typed parameter binding: every value travels as a bound parameter, never in SQL text.

#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>

namespace ignition::db {

/// Raw bytes for a `bytea` parameter or column (sent and read in binary).
struct Bytes {
  std::string data;
};
/// A JSON document as text for a `json`/`jsonb` parameter.
struct JsonText {
  std::string text;
};

/// Parameters of one statement. Values are copied into owned storage, so temporaries
/// are safe to pass.
class Params {
 public:
  Params() = default;

  template <typename... Args>
  static Params of(const Args&... args) {
    Params p;
    p.reserve(sizeof...(Args));
    (p.add(args), ...);
    return p;
  }

  void add(std::nullopt_t) { push_null(); }
  void add(std::string_view v) { push_text(std::string(v)); }
  void add(const std::string& v) { push_text(v); }
  void add(const char* v) { push_text(std::string(v)); }
  void add(bool v) { push_text(v ? "t" : "f"); }
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) void add(I v) { push_text(std::to_string(v)); }
  void add(double v);
  void add(const Uuid& v) { push_text(v.to_string()); }
  void add(const Timestamp& v) { push_text(format_pg_timestamp(v)); }
  void add(const Bytes& v) { push(v.data, 1); }
  void add(const JsonText& v) { push_text(v.text); }
  template <typename T>
  void add(const std::optional<T>& v) {
    if (v)
      add(*v);
    else
      push_null();
  }

  int size() const noexcept { return static_cast<int>(values_.size()); }
  /// Pointers for libpq; valid while this object is alive and unchanged.
  const char* const* values() const;
  const int* lengths() const noexcept { return lengths_.data(); }
  const int* formats() const noexcept { return formats_.data(); }

 private:
  void reserve(std::size_t n);
  void push_text(std::string v) { push(std::move(v), 0); }
  void push(std::string v, int format);
  void push_null();

  std::vector<std::optional<std::string>> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  mutable std::vector<const char*> pointers_;
};

}  // namespace ignition::db
