#include "ignition/common/json.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>

#include "ignition/common/error.hpp"

namespace ignition::json {
namespace {

/// Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, surrogates
/// or code points above U+10FFFF), or 0 when there is none.
std::size_t sequence_length(std::string_view s, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80;  // allowed range of the second byte
  unsigned char hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < n || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Whether a number of the document is out of double's range: Boost.JSON reads 1e400 as
// infinity, which no JSON text (and no jsonb) can hold.
bool holds_infinity(const boost::json::value& value) noexcept {
  switch (value.kind()) {
    case boost::json::kind::double_: return !std::isfinite(value.get_double());
    case boost::json::kind::array:
      return std::any_of(value.get_array().begin(), value.get_array().end(),
                         [](const boost::json::value& item) { return holds_infinity(item); });
    case boost::json::kind::object:
      return std::any_of(value.get_object().begin(), value.get_object().end(),
                         [](const auto& entry) { return holds_infinity(entry.value()); });
    default: return false;
  }
}

// Postgres text and jsonb cannot hold a NUL ("\u0000"), in a string or in a key.
bool holds_nul(const boost::json::value& value) noexcept {
  switch (value.kind()) {
    case boost::json::kind::string: return value.get_string().find('\0') != boost::json::string::npos;
    case boost::json::kind::array:
      return std::any_of(value.get_array().begin(), value.get_array().end(),
                         [](const boost::json::value& item) { return holds_nul(item); });
    case boost::json::kind::object:
      return std::any_of(value.get_object().begin(), value.get_object().end(), [](const auto& entry) {
        return entry.key().find('\0') != std::string_view::npos || holds_nul(entry.value());
      });
    default: return false;
  }
}

}  // namespace

bool storable(const boost::json::value& value) noexcept { return !holds_nul(value) && !holds_infinity(value); }

void append_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending stretch that needs no escaping
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, run, i - run);
    run = i + 1;
    if (c < 0x20)
      out.append("\\u00").append(1, hex[c >> 4]).append(1, hex[c & 0xf]);
    else
      out.append(1, '\\').append(1, static_cast<char>(c));
  }
  out.append(text, run).append(1, '"');
}

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;  // skip continuation bytes
  }
  return count;
}

bool valid_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    const auto n = sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string clean_utf8(std::string_view text, std::size_t max_characters) {
  std::string out;
  out.reserve(std::min(text.size(), 4 * max_characters));
  for (std::size_t i = 0, kept = 0; i < text.size() && kept < max_characters;) {
    const auto n = sequence_length(text, i);
    if (n == 0 || text[i] == '\0') {
      ++i;
      continue;
    }
    out.append(text, i, n);
    i += n;
    ++kept;
  }
  return out;
}

boost::json::object parse_object(std::string_view body) {
  if (!valid_utf8(body)) throw Error(ErrorCode::bad_request, "request body is not valid UTF-8");
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) {
    throw Error(ErrorCode::bad_request, fmt::format("request body is not valid JSON ({})", ec.message()));
  }
  if (!value.is_object()) throw Error(ErrorCode::bad_request, "request body must be a JSON object");
  if (holds_infinity(value)) throw Error(ErrorCode::bad_request, "request body holds a number out of range");
  return std::move(value.get_object());
}

const boost::json::value* ObjectReader::lookup(std::string_view key, bool required) {
  seen_.emplace(key);
  const auto* value = object_.if_contains(key);
  if (value == nullptr || value->is_null()) {
    if (required) fail(key, "is required");
    return nullptr;
  }
  return value;
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    fail(key, "must be a string");
    return std::nullopt;
  }
  const std::string_view text = value->get_string();
  if (text.find('\0') != std::string_view::npos) {
    fail(key, "must not contain NUL characters");
    return std::nullopt;
  }
  return std::string(text);
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  boost::system::error_code ec;
  const bool whole = value->is_int64() || value->is_uint64();
  const auto number = whole ? value->to_number<std::int64_t>(ec) : 0;
  if (!whole || ec) {
    fail(key, whole ? "must be an integer of at most 64 bits" : "must be an integer");
    return std::nullopt;
  }
  return number;
}

std::optional<double> ObjectReader::number(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    fail(key, "must be a number");
    return std::nullopt;
  }
  return value->to_number<double>();
}

bool ObjectReader::adopt(const std::string& prefix, ObjectReader& item) {
  for (const auto& entry : item.object_) {
    if (!item.seen_.contains(entry.key())) item.fail(entry.key(), "unknown field");
  }
  for (auto& [field, problem] : item.problems_) problems_.emplace(prefix + "." + field, std::move(problem));
  return item.problems_.empty();
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) {
    fail(key, "must be a boolean");
    return std::nullopt;
  }
  return value->get_bool();
}

std::optional<std::string> ObjectReader::date(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string() || !parse_date(value->get_string())) {
    fail(key, "must be a date YYYY-MM-DD");
    return std::nullopt;
  }
  return std::string(value->get_string());
}

std::optional<std::string> ObjectReader::time_of_day(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  const std::string_view t = value->is_string() ? std::string_view(value->get_string()) : std::string_view();
  const auto digit = [&](std::size_t i) { return t[i] >= '0' && t[i] <= '9'; };
  if (t.size() != 5 || t[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4) || t.substr(0, 2) > "23" ||
      t[3] > '5') {
    fail(key, "must be a time HH:MM");
    return std::nullopt;
  }
  return std::string(t);
}

std::optional<Timestamp> ObjectReader::timestamp(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  std::optional<Timestamp> t;
  if (value->is_string()) t = parse_rfc3339(value->get_string());
  if (!t) fail(key, "must be an RFC 3339 timestamp");
  return t;
}

std::optional<boost::json::object> ObjectReader::object(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) {
    fail(key, "must be an object");
    return std::nullopt;
  }
  if (!storable(*value)) {
    fail(key, "must not contain NUL characters");
    return std::nullopt;
  }
  return value->get_object();
}

std::optional<std::vector<std::string>> ObjectReader::strings(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  const auto is_text = [](const boost::json::value& item) {
    return item.is_string() && item.get_string().find('\0') == boost::json::string::npos;
  };
  if (!value->is_array() || !std::all_of(value->get_array().begin(), value->get_array().end(), is_text)) {
    fail(key, "must be an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : value->get_array()) out.emplace_back(item.get_string());
  return out;
}

const boost::json::value* ObjectReader::any(std::string_view key, bool required) {
  const auto* value = lookup(key, required);
  // Kept for the caller even so: a PATCH tells null (clear) from present by it.
  if (value != nullptr && !storable(*value)) fail(key, "must not contain NUL characters");
  return value;
}

bool ObjectReader::has(std::string_view key) const { return object_.contains(key); }

void ObjectReader::fail(std::string_view key, std::string problem) {
  problems_.try_emplace(std::string(key), std::move(problem));  // the first problem wins
}

void ObjectReader::fail(const std::map<std::string, std::string>& problems) {
  for (const auto& [field, problem] : problems) problems_.try_emplace(field, problem);
}

void ObjectReader::finish(const std::map<std::string, std::string>& rules) {
  for (const auto& entry : object_) {
    const std::string_view key = entry.key();
    if (!seen_.contains(key)) fail(key, "unknown field");
  }
  fail(rules);
  if (!problems_.empty()) throw Error("invalid request body", std::move(problems_));
}

}  // namespace ignition::json
