#pragma once
/// JSON helpers on Boost.JSON: strict request-body parsing and typed field reading
/// that collects every field problem into one validation error.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ignition/common/time.hpp>

namespace ignition::json {

/// Parses a request body that must be a JSON object. Throws Error(bad_request) for
/// invalid UTF-8, invalid JSON, trailing data, a non-object or a number out of double's range.
boost::json::object parse_object(std::string_view body);

/// Whether Postgres jsonb can hold `value`: no NUL in a string or a key, every number finite.
bool storable(const boost::json::value& value) noexcept;

/// Reads fields of a JSON object. Missing required fields and wrong types are collected; `finish()` also rejects fields
/// nobody asked for and throws Error(validation_failed) with all problems in `fields`.
class ObjectReader {
 public:
  explicit ObjectReader(const boost::json::object& object) : object_(object) {}

  // Types only: lengths, ranges and enumerations are the domain's rules (domain/rules.hpp),
  // whose problems finish() reports with these.
  /// A string without NUL (Postgres text cannot hold one).
  std::optional<std::string> string(std::string_view key, bool required);
  /// An integer that fits 64 bits.
  std::optional<std::int64_t> integer(std::string_view key, bool required);
  /// Any JSON number.
  std::optional<double> number(std::string_view key, bool required);
  std::optional<bool> boolean(std::string_view key, bool required);
  /// A calendar date "YYYY-MM-DD" (returned as that text).
  std::optional<std::string> date(std::string_view key, bool required);
  /// A time of day "HH:MM", 00:00..23:59 (returned as that text).
  std::optional<std::string> time_of_day(std::string_view key, bool required);
  /// An RFC 3339 timestamp with a zone.
  std::optional<Timestamp> timestamp(std::string_view key, bool required);
  /// A JSON object that jsonb can hold (see storable).
  std::optional<boost::json::object> object(std::string_view key, bool required);
  /// An array of strings without NUL.
  std::optional<std::vector<std::string>> strings(std::string_view key, bool required);
  /// An array of at most `max_items` objects, each read like a body of its own by
  /// `read(ObjectReader&)`; an item's problems are reported as "key[i].field".
  template <typename Read>
  auto objects(std::string_view key, bool required, std::size_t max_items, Read read)
      -> std::optional<std::vector<decltype(read(std::declval<ObjectReader&>()))>>;
  /// Any JSON value (objects, arrays…), checked by the caller; one jsonb cannot hold (see
  /// storable) is also recorded as a problem.
  const boost::json::value* any(std::string_view key, bool required);
  /// Whether the key is present at all (including as null) — for PATCH semantics.
  bool has(std::string_view key) const;
  /// Records a problem found by the caller.
  void fail(std::string_view key, std::string problem);
  /// Records problems found by the caller (an item's domain rules), field → problem.
  void fail(const std::map<std::string, std::string>& problems);

  /// Throws Error(validation_failed) if anything failed or an unknown key is present. `rules`
  /// are the domain's problems with what was read (domain::Check), reported in the same answer
  /// for the fields that have no problem of their own.
  void finish(const std::map<std::string, std::string>& rules = {});

 private:
  const boost::json::value* lookup(std::string_view key, bool required);
  /// Moves an item reader's problems under "key[index].".
  bool adopt(const std::string& prefix, ObjectReader& item);

  const boost::json::object& object_;
  std::set<std::string, std::less<>> seen_;
  std::map<std::string, std::string> problems_;
};

template <typename Read>
auto ObjectReader::objects(std::string_view key, bool required, std::size_t max_items, Read read)
    -> std::optional<std::vector<decltype(read(std::declval<ObjectReader&>()))>> {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array() || value->get_array().size() > max_items) {
    fail(key, "must be an array of at most " + std::to_string(max_items) + " objects");
    return std::nullopt;
  }
  std::vector<decltype(read(std::declval<ObjectReader&>()))> items;
  const auto& array = value->get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string prefix = std::string(key) + "[" + std::to_string(i) + "]";
    if (!array[i].is_object()) {
      fail(prefix, "must be an object");
      continue;
    }
    ObjectReader item_reader(array[i].get_object());
    auto item = read(item_reader);
    if (adopt(prefix, item_reader)) items.push_back(std::move(item));
  }
  return items;
}

/// Appends `text` as a JSON string literal: quoted, with quotes, backslashes and control
/// characters escaped. `text` must be valid UTF-8 (as Postgres hands it out): bytes above
/// 0x7f are copied as they are.
void append_string(std::string& out, std::string_view text);

/// Number of Unicode code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text) noexcept;
/// Whether `text` is valid UTF-8.
bool valid_utf8(std::string_view text) noexcept;
/// `text` as Postgres takes it, cut to at most `max_characters` code points: bytes that are not
/// valid UTF-8, and NULs, are left out. For text from outside (a user agent, a provider's claim)
/// that is kept, not refused.
std::string clean_utf8(std::string_view text, std::size_t max_characters);

}  // namespace ignition::json
