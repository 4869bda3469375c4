// The D1 import's value conversions (d1import/convert.hpp) on any legacy cell: NULL, an
// integer, a real or text, as SQLite or the NDJSON export hands it over. None throws; what each
// returns keeps its promise: datetimes within years 1..9999, Postgres-storable values that are
// valid for their type, text the report can print, COPY fields that read back as written.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <ignition/common/json.hpp>
#include <ignition/common/parse.hpp>
#include <ignition/d1import/convert.hpp>

#include "check.hpp"

namespace d1 = ignition::d1import;
using ignition::Timestamp;

namespace {

constexpr auto first_instant = std::chrono::sys_days{std::chrono::year{1} / 1 / 1};
constexpr auto last_instant = std::chrono::sys_days{std::chrono::year{9999} / 12 / 31} + std::chrono::days{1};

// Postgres text: valid UTF-8 without NUL.
bool pg_text(std::string_view s) { return ignition::json::valid_utf8(s) && s.find('\0') == std::string_view::npos; }

// Reads a COPY text field back (the inverse of append_copy_field for a present value).
std::string copy_unescape(std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    FUZZ_CHECK(i + 1 < field.size());
    const char c = field[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
  }
  return out;
}

void check_value(const d1::Value& value) {
  (void)value.to_string();
  for (const bool seconds : {false, true}) {
    if (const auto t = d1::parse_datetime(value, seconds)) FUZZ_CHECK(*t >= first_instant && *t < last_instant);
  }
  if (const auto date = d1::parse_calendar_date(value)) FUZZ_CHECK(date->ok());
  bool from_text = true;
  const auto flag = d1::parse_boolean(value, from_text);
  FUZZ_CHECK(!from_text || (flag && value.text()));
  // An integer is a number too.
  if (d1::as_integer(value)) FUZZ_CHECK(d1::as_real(value).has_value());
  if (const auto x = d1::as_real(value); x && !value.text()) FUZZ_CHECK(!value.is_null());
  FUZZ_CHECK(!value.is_null() || (!d1::parse_datetime(value) && !d1::as_integer(value) && !d1::as_real(value)));
}

void check_text(std::string_view text) {
  // R3: any id is a UUID, and the same one each time.
  const auto id = d1::normalize_id("ideas", text);
  FUZZ_CHECK(id == d1::normalize_id("ideas", text));
  if (const auto uuid = ignition::Uuid::parse(text)) FUZZ_CHECK(id == *uuid);

  // R10: normalising twice changes nothing more.
  const auto email = d1::normalize_email(text);
  FUZZ_CHECK(d1::normalize_email(email) == email && email.size() <= text.size());

  // The report's text: storable, idempotent, unchanged when already valid.
  const auto shown = d1::printable(text);
  FUZZ_CHECK(pg_text(shown) && d1::printable(shown) == shown);
  if (pg_text(text)) FUZZ_CHECK(shown == text);

  // Code points of UTF-8 text (Postgres's, which is valid); of other bytes, a prefix all the same.
  const auto length = d1::utf8_length(text);
  const auto half = d1::utf8_prefix(text, length / 2);
  FUZZ_CHECK(text.starts_with(half));
  if (ignition::json::valid_utf8(text)) {
    FUZZ_CHECK(d1::utf8_prefix(text, length) == text);
    FUZZ_CHECK(d1::utf8_length(half) == length / 2 && ignition::json::valid_utf8(half));
  }

  // COPY: no raw tab, newline or CR is left, and the field reads back as written.
  std::string line;
  d1::append_copy_field(line, std::string(text));
  FUZZ_CHECK(line.find_first_of("\t\n\r") == std::string::npos && copy_unescape(line) == text);

  // Every target type: what is storable or repaired is valid for it.
  for (const auto typname : {"text", "int2", "int4", "int8", "float8", "bool", "uuid", "timestamptz", "date", "time",
                             "jsonb", "bytea", "citext"}) {
    const auto type = d1::pg_type(typname);
    if (type == d1::PgType::jsonb && !d1::is_strict_json(text)) continue;  // R7 runs first
    std::string value(text);
    const auto outcome = d1::make_storable(type, value);
    if (outcome.outcome == d1::Storability::storable) FUZZ_CHECK(value == text);
    if (outcome.outcome == d1::Storability::unusable) continue;
    switch (type) {
      case d1::PgType::text: FUZZ_CHECK(pg_text(value)); break;
      case d1::PgType::int2: {
        const auto n = ignition::parse_integer<std::int16_t>(value);
        FUZZ_CHECK(n.has_value());
        break;
      }
      case d1::PgType::int4: FUZZ_CHECK(ignition::parse_integer<std::int32_t>(value).has_value()); break;
      case d1::PgType::int8: FUZZ_CHECK(ignition::parse_integer<std::int64_t>(value).has_value()); break;
      case d1::PgType::jsonb: FUZZ_CHECK(d1::is_strict_json(value)); break;
      default: break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the cell's kind; an integer or a real takes the next 8 bytes.
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  d1::Value value;
  switch (data[0] % 4) {
    case 0: break;
    case 1:
    case 2: {
      if (rest.size() < 8) return 0;
      std::int64_t bits = 0;
      std::memcpy(&bits, rest.data(), 8);
      if (data[0] % 4 == 1) {
        value.data = bits;
      } else {
        double x = 0;
        std::memcpy(&x, &bits, 8);
        value.data = x;
      }
      break;
    }
    default: value.data = std::string(rest);
  }
  check_value(value);
  if (const auto* text = value.text()) check_text(*text);
  return 0;
}
