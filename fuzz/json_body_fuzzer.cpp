// The JSON body reader every handler uses: json::parse_object on the body, then
// json::ObjectReader reading typed fields the way handlers do (typical names with fixed types,
// every other key with a type picked from its name, arrays of objects item by item) and
// finish(). The only exception either may throw is ignition::Error, bad_request from the parse
// and validation_failed from finish(); a value read is what the body held, in its type. The
// JSON text helpers ride along: a string written by append_string parses back to itself, and
// clean_utf8 keeps valid text without NUL.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <ignition/common/time.hpp>

#include "check.hpp"

namespace json = ignition::json;
using ignition::Error;
using ignition::ErrorCode;

namespace {

void check_string(std::string_view text) {
  std::string written;
  json::append_string(written, text);
  boost::system::error_code ec;
  const auto back = boost::json::parse(written, ec);
  FUZZ_CHECK(!ec && back.is_string() && std::string_view(back.get_string()) == text);
}

// One field read as `type` (0..9): what comes back is the body's value, in that type.
void read_as(json::ObjectReader& reader, const boost::json::object& object, std::string_view key, unsigned type,
             bool required) {
  const auto* raw = object.if_contains(key);
  switch (type % 10) {
    case 0:
      if (auto s = reader.string(key, required)) {
        FUZZ_CHECK(raw && raw->is_string() && *s == std::string_view(raw->get_string()));
        FUZZ_CHECK(s->find('\0') == std::string::npos);
      }
      break;
    case 1:
      if (auto n = reader.integer(key, required)) {
        FUZZ_CHECK(raw && (raw->is_int64() || raw->is_uint64()));
        FUZZ_CHECK(raw->is_int64() ? raw->get_int64() == *n : raw->get_uint64() == static_cast<std::uint64_t>(*n));
      }
      break;
    case 2:
      if (auto x = reader.number(key, required)) FUZZ_CHECK(raw && raw->is_number());
      break;
    case 3:
      if (auto b = reader.boolean(key, required)) FUZZ_CHECK(raw && raw->is_bool() && raw->get_bool() == *b);
      break;
    case 4:
      if (auto d = reader.date(key, required)) {
        const auto parsed = ignition::parse_date(*d);
        FUZZ_CHECK(parsed && ignition::format_date(*parsed) == *d);
      }
      break;
    case 5:
      if (auto t = reader.time_of_day(key, required)) {
        FUZZ_CHECK(t->size() == 5 && (*t)[2] == ':' && t->substr(0, 2) <= "23" && t->substr(3) <= "59");
      }
      break;
    case 6:
      if (auto t = reader.timestamp(key, required)) {
        // Written back with milliseconds, it reads as the same instant to the millisecond.
        const auto again = ignition::parse_rfc3339(ignition::format_rfc3339(*t));
        FUZZ_CHECK(again && *again == std::chrono::floor<std::chrono::milliseconds>(*t));
      }
      break;
    case 7:
      if (auto o = reader.object(key, required)) FUZZ_CHECK(raw && raw->is_object() && *o == raw->get_object());
      break;
    case 8:
      if (auto list = reader.strings(key, required)) {
        FUZZ_CHECK(raw && raw->is_array() && list->size() == raw->get_array().size());
        for (const auto& s : *list) check_string(s);
      }
      break;
    case 9: {
      // Items read like bodies of their own; every item's problems stay under "key[i].".
      auto items = reader.objects(key, required, 8, [&](json::ObjectReader& item) {
        const auto name = item.string("name", true);
        const auto count = item.integer("count", false);
        return std::make_pair(name, count);
      });
      if (items) {
        FUZZ_CHECK(raw && raw->is_array() && items->size() <= raw->get_array().size());
        for (const auto& [name, count] : *items) FUZZ_CHECK(name.has_value());
      }
      break;
    }
  }
}

// The type a key that handlers would not know is read as: a function of its bytes, so the
// fuzzer finds its way to every reader.
unsigned type_of(std::string_view key) {
  unsigned sum = 0;
  for (const char c : key) sum += static_cast<unsigned char>(c);
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  const auto cleaned = json::clean_utf8(body, 64);
  FUZZ_CHECK(json::valid_utf8(cleaned) && cleaned.find('\0') == std::string::npos && json::utf8_length(cleaned) <= 64);
  if (json::valid_utf8(body)) {
    check_string(body);
    if (body.find('\0') == std::string_view::npos && json::utf8_length(body) <= 64) FUZZ_CHECK(cleaned == body);
  }

  boost::json::object object;
  try {
    object = json::parse_object(body);
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ErrorCode::bad_request);
    return 0;
  }
  FUZZ_CHECK(json::valid_utf8(body));

  json::ObjectReader reader(object);
  // The fields of a typical body, then every other key.
  static constexpr std::pair<std::string_view, unsigned> known[] = {
      {"title", 0}, {"count", 1}, {"score", 2}, {"done", 3},  {"due", 4},
      {"at", 6},    {"meta", 7},  {"tags", 8},  {"items", 9}, {"time", 5},
  };
  for (const auto& [key, type] : known) read_as(reader, object, key, type, key == "title");
  std::size_t others = 0;
  bool all_read = true;
  for (const auto& entry : object) {
    const std::string_view key = entry.key();
    check_string(key);
    FUZZ_CHECK(reader.has(key));
    const bool is_known =
        std::any_of(std::begin(known), std::end(known), [&](const auto& k) { return k.first == key; });
    if (is_known) continue;
    if (key.size() % 7 == 3 || ++others > 32) {
      all_read = false;  // left unread: finish() reports it as unknown
      continue;
    }
    read_as(reader, object, key, type_of(key), false);
  }
  if (reader.any("anything", false)) FUZZ_CHECK(object.contains("anything"));
  try {
    reader.finish();
    FUZZ_CHECK(all_read);
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ErrorCode::validation_failed && !e.fields().empty());
  }
  return 0;
}
