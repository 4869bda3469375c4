#pragma once
/// The value-level import rules of QUIRKS.md (R3, R5, R6, R7, R10, R13) as pure functions,
/// plus the COPY text escaping. A legacy value is what SQLite or the NDJSON export holds:
/// NULL, an integer, a real or text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>

namespace ignition::d1import {

/// One legacy cell. BLOBs never occur in the inventory; a reader hands them over as text.
struct Value {
  std::variant<std::monostate, std::int64_t, double, std::string> data;

  bool is_null() const noexcept { return std::holds_alternative<std::monostate>(data); }
  /// Text and nothing else (an integer is not text, even 0).
  const std::string* text() const noexcept { return std::get_if<std::string>(&data); }
  bool is_empty_text() const noexcept {
    const auto* t = text();
    return t && t->empty();
  }
  /// The value as SQLite would print it; "" for NULL.
  std::string to_string() const;
};

/// One legacy row, cells in the inventory's column order.
using Row = std::vector<Value>;

/// R3: the namespace of legacy ids, 6f1c1d4e-3b0a-5c7e-9a51-1a2b3c4d5e6f.
const Uuid& legacy_id_namespace();
/// R3: a UUID in any letter case is that UUID; any other id is uuid5(ns, "<table>:<id>").
Uuid normalize_id(std::string_view table, std::string_view id);

/// R5: a datetime in one of the accepted forms (text or integer epoch milliseconds, or
/// seconds when `epoch_seconds`); nullopt when unparseable or outside years 1..9999. NULL and
/// '' are the caller's business (R8) and are unparseable here.
std::optional<Timestamp> parse_datetime(const Value& value, bool epoch_seconds = false);

/// R5 for date columns: the calendar date as written (a bare date, or the date part of a
/// datetime text, whatever its zone); an epoch value gives its UTC date. nullopt when
/// unparseable.
std::optional<std::chrono::year_month_day> parse_calendar_date(const Value& value);

/// R6: 0/1, '0'/'1' and 'true'/'false' in any case; nullopt otherwise. `from_text` is set
/// when the value was text.
std::optional<bool> parse_boolean(const Value& value, bool& from_text);

/// R7: strict RFC 8259 JSON, one value, at any nesting depth.
bool is_strict_json(std::string_view text);

/// R10: trimmed of surrounding whitespace and lower-cased (ASCII letters).
std::string normalize_email(std::string_view email);

/// R13: the integer a value holds (an integral real or a digit string too); nullopt otherwise.
std::optional<std::int64_t> as_integer(const Value& value);
/// R13: the floating-point number a value holds (an integer too); nullopt otherwise.
std::optional<double> as_real(const Value& value);

/// The target column types the import must know to hand Postgres only values it can store.
enum class PgType { text, int2, int4, int8, float8, boolean, uuid, timestamptz, date, time, jsonb, bytea, other };
/// From pg_type.typname ("int4", "jsonb"...); `other` for types the import passes through.
PgType pg_type(std::string_view typname) noexcept;

/// What Postgres cannot store as it is, and what becomes of it (docs/import.md "Values Postgres
/// cannot store"). `repaired`: the value was changed in place and is kept (invalid UTF-8 and NUL
/// in text become U+FFFD, so does an escaped U+0000 in JSON). `unusable`: no rule keeps
/// it and the column takes NULL. `reason` names the rule for the report.
struct Storability {
  enum Outcome { storable, repaired, unusable } outcome = storable;
  std::string_view reason;
};
/// `value` is in Postgres text input form for a column of `type`, as the conversion made it (for
/// jsonb: strict JSON, or Boost.JSON's serialization of a parsed value).
Storability make_storable(PgType type, std::string& value);

/// Text as the report and the staging table show it: each byte that is not UTF-8, and each
/// NUL, as U+FFFD (the text rule above), so one legacy id reads the same everywhere.
std::string printable(std::string_view text);

/// Deepest nesting of JSON arrays and objects the import hands to jsonb. Postgres's parser is
/// recursive and stops at its stack limit (about 10,000 levels at the default max_stack_depth).
inline constexpr std::size_t max_json_depth = 1000;

/// The first `count` code points of UTF-8 text, and the number of code points.
std::string_view utf8_prefix(std::string_view text, std::size_t count);
std::size_t utf8_length(std::string_view text);

/// Appends one field in COPY text format: backslash, tab, newline and carriage return
/// escaped; a missing value is \N.
void append_copy_field(std::string& line, const std::optional<std::string>& field);

}  // namespace ignition::d1import
