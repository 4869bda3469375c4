#include "ignition/common/json.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <boost/json/parse.hpp>

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

}  // namespace

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

std::optional<std::string> ObjectReader::string(std::string_view key, bool required, std::size_t min_len,
                                                std::size_t max_len) {
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
  const auto length = utf8_length(text);
  if (length < min_len || length > max_len) {
    fail(key, fmt::format("must be {}..{} characters", min_len, max_len));
    return std::nullopt;
  }
  return std::string(text);
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, bool required, std::int64_t min,
                                                  std::int64_t max) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_int64() && !value->is_uint64()) {
    fail(key, "must be an integer");
    return std::nullopt;
  }
  boost::system::error_code ec;
  const auto number = value->to_number<std::int64_t>(ec);
  if (ec || number < min || number > max) {
    fail(key, fmt::format("must be between {} and {}", min, max));
    return std::nullopt;
  }
  return number;
}

std::optional<double> ObjectReader::number(std::string_view key, bool required, double min, double max) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    fail(key, "must be a number");
    return std::nullopt;
  }
  const double number = value->to_number<double>();
  if (!(number >= min && number <= max)) {
    fail(key, fmt::format("must be between {} and {}", min, max));
    return std::nullopt;
  }
  return number;
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

std::optional<std::string> ObjectReader::one_of(std::string_view key, bool required,
                                                std::initializer_list<std::string_view> allowed) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) {
    const std::string_view text = value->get_string();
    for (auto a : allowed)
      if (a == text) return std::string(text);
  }
  std::string list;
  for (auto a : allowed) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", a);
  fail(key, "must be one of " + list);
  return std::nullopt;
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
  return value->get_object();
}

std::optional<std::vector<std::string>> ObjectReader::strings(std::string_view key, bool required,
                                                              std::size_t max_items, std::size_t max_len) {
  const auto* value = lookup(key, required);
  if (value == nullptr) return std::nullopt;
  const auto problem = fmt::format("must be at most {} strings of 1..{} characters", max_items, max_len);
  if (!value->is_array() || value->get_array().size() > max_items) {
    fail(key, problem);
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : value->get_array()) {
    const auto length = item.is_string() ? utf8_length(item.get_string()) : 0;
    if (length < 1 || length > max_len) {
      fail(key, problem);
      return std::nullopt;
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

const boost::json::value* ObjectReader::any(std::string_view key, bool required) { return lookup(key, required); }

bool ObjectReader::has(std::string_view key) const { return object_.contains(key); }

void ObjectReader::fail(std::string_view key, std::string problem) {
  problems_.try_emplace(std::string(key), std::move(problem));  // the first problem wins
}

void ObjectReader::finish() {
  for (const auto& entry : object_) {
    const std::string_view key = entry.key();
    if (!seen_.contains(key)) fail(key, "unknown field");
  }
  if (!problems_.empty()) throw Error("invalid request body", std::move(problems_));
}

}  // namespace ignition::json
