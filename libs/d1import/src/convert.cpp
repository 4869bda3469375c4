#include "ignition/d1import/convert.hpp"

#include <fmt/format.h>
#include <boost/json/stream_parser.hpp>
#include <ignition/common/json.hpp>
#include <ignition/common/parse.hpp>

#include <charconv>
#include <cmath>
#include <limits>

namespace ignition::d1import {

using namespace std::chrono;

namespace {

using Cursor = TextCursor;

// Years 1..9999 are what the target (and the reference implementation) can hold.
constexpr std::int64_t min_epoch_seconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr std::int64_t max_epoch_seconds = 253402300799;  // 9999-12-31T23:59:59Z

std::optional<Timestamp> from_epoch(std::int64_t n, bool epoch_seconds) {
  const std::int64_t limit_low = epoch_seconds ? min_epoch_seconds : min_epoch_seconds * 1000;
  const std::int64_t limit_high = epoch_seconds ? max_epoch_seconds : max_epoch_seconds * 1000 + 999;
  if (n < limit_low || n > limit_high) return std::nullopt;
  return epoch_seconds ? Timestamp{seconds{n}} : Timestamp{milliseconds{n}};
}

// "-?\d{1,16}": epoch milliseconds (or seconds) written as text.
std::optional<std::int64_t> digit_string(std::string_view text) {
  const std::size_t digits = text.size() - (text.starts_with('-') ? 1 : 0);
  if (digits == 0 || digits > 16) return std::nullopt;
  return parse_integer<std::int64_t>(text);
}

// "YYYY-MM-DD" then, when `time_separators` is not empty, "<sep>HH:MM[:SS[.f{1,9}]]".
// Seconds are optional only after 'T' (ISO); SQLite's form always has them.
std::optional<Timestamp> date_time(Cursor& c, bool seconds_required) {
  const auto parsed = c.date();
  if (!parsed || parsed->year() < year{1}) return std::nullopt;
  const year_month_day date = *parsed;
  if (c.done()) return Timestamp{sys_days{date}};
  if (!c.eat(seconds_required ? ' ' : 'T')) return std::nullopt;
  const auto h = c.number(2);
  if (!h || !c.eat(':')) return std::nullopt;
  const auto mi = c.number(2);
  if (!mi) return std::nullopt;
  int s = 0;
  microseconds fraction{0};
  if (c.eat(':')) {
    const auto sec = c.number(2);
    if (!sec) return std::nullopt;
    s = *sec;
    if (c.eat('.')) {
      const auto digits = c.fraction();
      if (!digits) return std::nullopt;
      fraction = *digits;
    }
  } else if (seconds_required) {
    return std::nullopt;
  }
  if (*h > 23 || *mi > 59 || s > 59) return std::nullopt;
  return Timestamp{sys_days{date}} + hours{*h} + minutes{*mi} + seconds{s} + fraction;
}

std::optional<Timestamp> parse_text_datetime(std::string_view text, bool epoch_seconds) {
  if (auto n = digit_string(text)) return from_epoch(*n, epoch_seconds);
  // 'YYYY-MM-DD HH:MM:SS[.fff]' (SQLite datetime()).
  if (text.size() > 10 && text[10] == ' ') {
    Cursor c{text};
    auto t = date_time(c, true);
    if (!t || !c.done()) return std::nullopt;
    return t;
  }
  // ISO 8601 with 'Z', an offset or no zone; or a bare date.
  Cursor c{text};
  auto t = date_time(c, false);
  if (!t) return std::nullopt;
  if (c.done()) return t;
  if (text.size() <= 10) return std::nullopt;  // a bare date takes no zone
  if (c.eat('Z')) return c.done() ? t : std::nullopt;
  const bool negative = c.eat('-');
  if (!negative && !c.eat('+')) return std::nullopt;
  const auto oh = c.number(2);
  if (!oh || !c.eat(':')) return std::nullopt;
  const auto om = c.number(2);
  if (!om || !c.done()) return std::nullopt;
  const auto offset = hours{*oh} + minutes{*om};
  const Timestamp utc = negative ? *t + offset : *t - offset;
  // floor, not duration_cast: before 1970 a cast rounds up, and half a second before year 1
  // would pass as its first second.
  const auto s = floor<seconds>(utc.time_since_epoch()).count();
  if (s < min_epoch_seconds || s > max_epoch_seconds) return std::nullopt;
  return utc;
}

}  // namespace

std::string Value::to_string() const {
  if (const auto* i = std::get_if<std::int64_t>(&data)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&data)) return fmt::format("{}", *d);
  if (const auto* t = text()) return *t;
  return {};
}

const Uuid& legacy_id_namespace() {
  static const Uuid ns = *Uuid::parse("6f1c1d4e-3b0a-5c7e-9a51-1a2b3c4d5e6f");
  return ns;
}

Uuid normalize_id(std::string_view table, std::string_view id) {
  if (auto uuid = Uuid::parse(id)) return *uuid;
  std::string name;
  name.reserve(table.size() + 1 + id.size());
  name.append(table).append(":").append(id);
  return Uuid::v5(legacy_id_namespace(), name);
}

std::optional<Timestamp> parse_datetime(const Value& value, bool epoch_seconds) {
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) return from_epoch(*i, epoch_seconds);
  if (const auto* d = std::get_if<double>(&value.data)) {
    if (!std::isfinite(*d) || std::fabs(*d) > 9e15) return std::nullopt;
    return from_epoch(static_cast<std::int64_t>(*d), epoch_seconds);
  }
  if (const auto* t = value.text()) return parse_text_datetime(*t, epoch_seconds);
  return std::nullopt;
}

std::optional<year_month_day> parse_calendar_date(const Value& value) {
  const auto t = parse_datetime(value);
  if (!t) return std::nullopt;
  const auto* text = value.text();
  if (text && !digit_string(*text)) return parse_date(text->substr(0, 10));
  return year_month_day{floor<days>(*t)};
}

std::optional<bool> parse_boolean(const Value& value, bool& from_text) {
  from_text = false;
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) {
    if (*i == 0 || *i == 1) return *i == 1;
    return std::nullopt;
  }
  // The export prints REAL 1.0 as 1 (R13): whichever the input, 0.0 and 1.0 are 0 and 1.
  if (const auto* d = std::get_if<double>(&value.data)) {
    if (*d == 0.0 || *d == 1.0) return *d == 1.0;
    return std::nullopt;
  }
  const auto* t = value.text();
  if (!t) return std::nullopt;
  std::string lower;
  for (char c : *t) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  from_text = true;
  if (lower == "true" || lower == "1") return true;
  if (lower == "false" || lower == "0") return false;
  from_text = false;
  return std::nullopt;
}

bool is_strict_json(std::string_view text) {
  boost::json::parse_options options;
  // Any nesting depth is valid JSON (R7); Boost.JSON's parser keeps its own stack, so a
  // deep document costs memory, not recursion.
  options.max_depth = std::numeric_limits<std::size_t>::max();
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  return !ec;
}

std::string normalize_email(std::string_view email) {
  constexpr std::string_view space = " \t\n\r\f\v";
  const auto first = email.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  email = email.substr(first, email.find_last_not_of(space) - first + 1);
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::int64_t> as_integer(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) return *i;
  if (const auto* d = std::get_if<double>(&value.data)) {
    if (std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) < 9.2e18) return static_cast<std::int64_t>(*d);
    return std::nullopt;
  }
  if (const auto* t = value.text()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), n);
    if (ec == std::errc{} && end == t->data() + t->size() && !t->empty()) return n;
  }
  return std::nullopt;
}

std::optional<double> as_real(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&value.data)) return *d;
  if (const auto* t = value.text()) {
    double n = 0;
    auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), n);
    if (ec == std::errc{} && end == t->data() + t->size() && !t->empty()) return n;
  }
  return std::nullopt;
}

std::string_view utf8_prefix(std::string_view text, std::size_t count) {
  std::size_t pos = 0;
  for (std::size_t n = 0; pos < text.size() && n < count; ++n) {
    ++pos;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  }
  return text.substr(0, pos);
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

PgType pg_type(std::string_view typname) noexcept {
  static constexpr std::pair<std::string_view, PgType> names[] = {
      {"text", PgType::text},    {"varchar", PgType::text}, {"int2", PgType::int2},
      {"int4", PgType::int4},    {"int8", PgType::int8},    {"float8", PgType::float8},
      {"bool", PgType::boolean}, {"uuid", PgType::uuid},    {"timestamptz", PgType::timestamptz},
      {"date", PgType::date},    {"time", PgType::time},    {"jsonb", PgType::jsonb},
      {"json", PgType::jsonb},   {"bytea", PgType::bytea},
  };
  for (const auto& [name, type] : names) {
    if (name == typname) return type;
  }
  return PgType::other;
}

namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD

// Every byte that does not start a valid UTF-8 sequence, and every NUL, becomes U+FFFD.
bool repair_utf8(std::string& value) {
  if (ignition::json::valid_utf8(value) && value.find('\0') == std::string::npos) return false;
  std::string out;
  out.reserve(value.size() + 16);
  for (std::size_t i = 0; i < value.size();) {
    const auto lead = static_cast<unsigned char>(value[i]);
    const std::size_t n = lead < 0x80                    ? 1
                          : lead >= 0xC2 && lead <= 0xDF ? 2
                          : lead >= 0xE0 && lead <= 0xEF ? 3
                          : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                         : 0;
    const auto sequence = std::string_view(value).substr(i, n);
    if (n == 0 || lead == 0 || sequence.size() < n || !ignition::json::valid_utf8(sequence)) {
      out += replacement_character;
      ++i;
      continue;
    }
    out += sequence;
    i += n;
  }
  value = std::move(out);
  return true;
}

// Postgres's numeric, which jsonb keeps numbers in, holds up to 131,072 digits before the
// decimal point and 16,383 after.
bool numeric_fits(std::string_view number) {
  if (number.starts_with('-')) number.remove_prefix(1);
  const auto e = number.find_first_of("eE");
  const auto mantissa = number.substr(0, e);
  std::int64_t exponent = 0;
  if (e != std::string_view::npos) {
    auto digits = number.substr(e + 1);
    if (digits.starts_with('+')) digits.remove_prefix(1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
    if (ec != std::errc{}) return false;  // beyond any int64: far outside numeric
  }
  const auto point = mantissa.find('.');
  const auto integer_digits = static_cast<std::int64_t>(mantissa.substr(0, point).size());
  const auto fraction_digits =
      point == std::string_view::npos ? std::int64_t{0} : static_cast<std::int64_t>(mantissa.size() - point - 1);
  if (fraction_digits - exponent > 16383) return false;  // the scale counts even for zero
  const bool zero = mantissa.find_first_not_of("0.") == std::string_view::npos;
  return zero || integer_digits + exponent <= 131072;
}

// JSON as jsonb takes it: not deeper than max_json_depth, numbers numeric can hold, and no
// escaped U+0000 (text cannot hold NUL): each such escape becomes the one of U+FFFD. The text is
// strict JSON already (R7 checked it) or Boost.JSON's output, which writes a number too large for
// a double as Infinity: one pass over the tokens suffices, and a word that is not a JSON literal
// makes the value unusable.
Storability storable_json(std::string& value) {
  std::size_t depth = 0;
  bool nul_escape = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '"') {
      for (++i; value[i] != '"'; ++i) {
        if (value[i] != '\\') continue;
        ++i;
        if (value[i] == 'u' && value.compare(i + 1, 4, "0000") == 0) {
          value.replace(i + 1, 4, "FFFD");
          nul_escape = true;
        }
      }
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth) return {Storability::unusable, "json_too_deep"};
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const auto end = value.find_first_not_of("0123456789+-.eE", i);
      const auto number = std::string_view(value).substr(i, end - i);
      if (!numeric_fits(number)) return {Storability::unusable, "json_number_out_of_range"};
      i += number.size() - 1;
    } else if (c >= 'a' && c <= 'z') {
      const bool literal = value.compare(i, 4, "true") == 0 || value.compare(i, 4, "null") == 0;
      if (!literal && value.compare(i, 5, "false") != 0) return {Storability::unusable, "invalid_json"};
      i += literal ? 3 : 4;
    } else if (c != ',' && c != ':' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return {Storability::unusable, "invalid_json"};
    }
  }
  if (nul_escape) return {Storability::repaired, "json_nul_escape"};
  return {};
}

bool digits(std::string_view text, std::size_t from, std::size_t count) {
  if (from + count > text.size()) return false;
  for (std::size_t k = from; k < from + count; ++k) {
    if (text[k] < '0' || text[k] > '9') return false;
  }
  return true;
}

// HH:MM[:SS[.ffffff]], 00:00 to 24:00:00 as Postgres's time takes it. Other forms Postgres
// would read ('8:30 AM', 'allballs') are not the legacy app's and are left out.
bool is_time(std::string_view t) {
  if (!digits(t, 0, 2) || t.size() < 5 || t[2] != ':' || !digits(t, 3, 2)) return false;
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  int s = 0;
  if (t.size() > 5) {
    if (t[5] != ':' || !digits(t, 6, 2)) return false;
    s = (t[6] - '0') * 10 + (t[7] - '0');
    if (t.size() > 8 && (t[8] != '.' || t.size() > 15 || !digits(t, 9, t.size() - 9))) return false;
  }
  if (h == 24) return m == 0 && s == 0 && t.find_first_not_of("0:.", 2) == std::string_view::npos;
  return h < 24 && m < 60 && s < 60;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out(text);
  repair_utf8(out);
  return out;
}

Storability make_storable(PgType type, std::string& value) {
  switch (type) {
    case PgType::text:
      return repair_utf8(value) ? Storability{Storability::repaired, "invalid_utf8_or_nul"} : Storability{};
    case PgType::int2:
    case PgType::int4:
    case PgType::int8: {
      const auto n = parse_integer<std::int64_t>(value);
      if (!n) return {Storability::unusable, "integer_out_of_range"};
      const std::int64_t limit = type == PgType::int2 ? 32767 : type == PgType::int4 ? 2147483647 : INT64_MAX;
      if (*n > limit || *n < -limit - 1) return {Storability::unusable, "integer_out_of_range"};
      return {};
    }
    case PgType::float8: {
      double x = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
      if (ec != std::errc{} || end != value.data() + value.size() || !std::isfinite(x)) {
        return {Storability::unusable, "not_a_finite_number"};
      }
      return {};
    }
    case PgType::time: return is_time(value) ? Storability{} : Storability{Storability::unusable, "not_a_time"};
    case PgType::bytea: {
      const bool hex = value.starts_with("\\x") && value.size() % 2 == 0 &&
                       value.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos;
      return hex ? Storability{} : Storability{Storability::unusable, "not_hex"};
    }
    case PgType::jsonb: return storable_json(value);
    default: return {};
  }
}

void append_copy_field(std::string& line, const std::optional<std::string>& field) {
  if (!field) {
    line += "\\N";
    return;
  }
  for (char c : *field) {
    switch (c) {
      case '\\': line += "\\\\"; break;
      case '\t': line += "\\t"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      default: line += c;
    }
  }
}

}  // namespace ignition::d1import
