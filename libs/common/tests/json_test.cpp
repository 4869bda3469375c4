#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <string>
#include <vector>

using ignition::Error;
using ignition::ErrorCode;
namespace json = ignition::json;

namespace {

Error parse_error(std::string_view body) {
  try {
    (void)json::parse_object(body);
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected ignition::Error for " << body);
  return Error(ErrorCode::internal, "unreachable");
}

Error finish_error(json::ObjectReader& reader, const std::map<std::string, std::string>& rules = {}) {
  try {
    reader.finish(rules);
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected validation error");
  return Error(ErrorCode::internal, "unreachable");
}

}  // namespace

TEST_CASE("Error codes map to contract names and statuses") {
  const std::tuple<ErrorCode, const char*, int> cases[] = {
      {ErrorCode::unauthorized, "unauthorized", 401},
      {ErrorCode::csrf_failed, "csrf_failed", 403},
      {ErrorCode::forbidden, "forbidden", 403},
      {ErrorCode::not_found, "not_found", 404},
      {ErrorCode::method_not_allowed, "method_not_allowed", 405},
      {ErrorCode::request_timeout, "request_timeout", 408},
      {ErrorCode::conflict, "conflict", 409},
      {ErrorCode::insufficient_funds, "insufficient_funds", 409},
      {ErrorCode::payload_too_large, "payload_too_large", 413},
      {ErrorCode::unsupported_media_type, "unsupported_media_type", 415},
      {ErrorCode::header_too_large, "header_too_large", 431},
      {ErrorCode::validation_failed, "validation_failed", 400},
      {ErrorCode::bad_request, "bad_request", 400},
      {ErrorCode::rate_limited, "rate_limited", 429},
      {ErrorCode::internal, "internal", 500},
      {ErrorCode::unavailable, "unavailable", 503},
  };
  for (const auto& [code, name, status] : cases) {
    CHECK(std::string_view(ignition::to_string(code)) == name);
    CHECK(ignition::http_status(code) == status);
    CHECK(Error(code, "m").status() == status);
  }
  const Error fields("invalid", {{"title", "is required"}});
  CHECK(fields.code() == ErrorCode::validation_failed);
  CHECK(fields.status() == 400);
  CHECK(std::string_view(fields.what()) == "invalid");
  CHECK(fields.fields().at("title") == "is required");
}

TEST_CASE("UTF-8 validation and length") {
  CHECK(json::valid_utf8(""));
  CHECK(json::valid_utf8("plain ascii"));
  CHECK(json::valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5"));  // é € 🔥
  for (const auto* bad : {"\xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\xf0\x9f\x94", "\x80", "a\xc3(b"}) {
    CHECK_FALSE(json::valid_utf8(bad));
  }
  CHECK(json::utf8_length("") == 0);
  CHECK(json::utf8_length("abc") == 3);
  CHECK(json::utf8_length("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5") == 8);
}

TEST_CASE("clean_utf8 keeps valid characters, drops the rest and NULs, and cuts at a character") {
  using namespace std::string_literals;
  CHECK(json::clean_utf8("caf\xc3\xa9", 10) == "caf\xc3\xa9");
  CHECK(json::clean_utf8("caf\xc3\xa9", 4) == "caf\xc3\xa9");  // four characters, five bytes
  CHECK(json::clean_utf8("caf\xc3\xa9", 3) == "caf");          // never half of the \xc3\xa9
  CHECK(json::clean_utf8("a\xff"
                         "b\xc3(c"s +
                             '\0' + "d",
                         10) == "ab(cd");
  CHECK(json::clean_utf8("\xf0\x9f\x94\xa5\xf0\x9f\x94", 10) == "\xf0\x9f\x94\xa5");  // a cut-off last sequence
  CHECK(json::clean_utf8("", 5).empty());
  CHECK(json::valid_utf8(json::clean_utf8("\xed\xa0\x80\xc0\xaf ok", 10)));
}

TEST_CASE("parse_object accepts objects only") {
  const auto object = json::parse_object(R"( {"a": 1, "b": [true, null]} )");
  CHECK(object.at("a").as_int64() == 1);
  CHECK(object.at("b").as_array().size() == 2);
  CHECK(json::parse_object("{}").empty());

  for (const auto* bad : {"", "   ", "[]", "\"text\"", "42", "null", "{", R"({"a":1} x)", R"({"a":1}{})", R"({'a':1})",
                          R"({"a":1,})", "{\"a\":\"\xff\"}", R"({"a": /* c */ 1})"}) {
    INFO(bad);
    const auto error = parse_error(bad);
    CHECK(error.code() == ErrorCode::bad_request);
    CHECK(error.status() == 400);
    CHECK_FALSE(std::string_view(error.what()).empty());
  }
  CHECK(std::string_view(parse_error("{\"a\":\"\xc3\"}").what()) == "request body is not valid UTF-8");
  CHECK(std::string_view(parse_error("[1]").what()) == "request body must be a JSON object");
  // Boost.JSON reads these as infinity, which would be written back as "Infinity" (no JSON).
  for (const auto* huge : {R"({"a":1e400})", R"({"a":[-1e400]})", R"({"a":{"b":1e999}})"}) {
    INFO(huge);
    CHECK(std::string_view(parse_error(huge).what()) == "request body holds a number out of range");
  }
  CHECK(json::parse_object(R"({"a":18446744073709551616,"b":1e308})").size() == 2);
}

TEST_CASE("a document jsonb cannot hold: NUL in a string or key, anywhere; the reader names its field") {
  CHECK(json::storable(boost::json::parse(R"({"a":[{"b":"c"}],"d":1.5})")));
  CHECK_FALSE(json::storable(boost::json::parse(R"({"a":[{"b":"c\u0000"}]})")));
  CHECK_FALSE(json::storable(boost::json::parse(R"({"a":{"\u0000":1}})")));
  const auto object = json::parse_object(R"({"doc":{"k":["x\u0000"]},"value":"\u0000","fine":{"k":1}})");
  json::ObjectReader reader(object);
  CHECK_FALSE(reader.object("doc", true));
  CHECK(reader.any("value", true) != nullptr);  // still there: a PATCH tells null from present by it
  CHECK(reader.object("fine", true));
  const auto error = finish_error(reader);
  CHECK(error.fields() == std::map<std::string, std::string>{{"doc", "must not contain NUL characters"},
                                                             {"value", "must not contain NUL characters"}});
}

TEST_CASE("ObjectReader reads valid fields") {
  const auto object = json::parse_object(
      R"({"title":"Caf\u00e9","count":7,"big":9007199254740993,"flag":false,"meta":{"x":1},"note":null})");
  json::ObjectReader reader(object);
  CHECK(reader.string("title", true) == "Caf\xc3\xa9");
  CHECK(reader.integer("count", true) == 7);
  CHECK(reader.integer("big", true) == 9007199254740993);
  CHECK(reader.boolean("flag", true) == false);
  const auto* meta = reader.any("meta", true);
  REQUIRE(meta);
  CHECK(meta->is_object());
  CHECK(reader.has("note"));
  CHECK_FALSE(reader.has("missing"));
  CHECK_FALSE(reader.string("note", false));  // null for an optional field
  CHECK_FALSE(reader.integer("missing", false));
  CHECK_NOTHROW(reader.finish());
}

TEST_CASE("ObjectReader collects every problem, with the domain's rules, into one validation error") {
  const auto object = json::parse_object(R"({
    "title": "",
    "name": 5,
    "nul": "a\u0000b",
    "count": 1.5,
    "huge": 18446744073709551615,
    "weight": "heavy",
    "tags": ["a", 1],
    "flag": "yes",
    "req_null": null,
    "extra": 1,
    "another": "x",
    "custom": 3
  })");
  json::ObjectReader reader(object);
  CHECK(reader.string("title", true) == "");  // its length is a rule, reported below
  CHECK_FALSE(reader.string("name", true));
  CHECK_FALSE(reader.string("nul", true));  // Postgres text cannot hold it
  CHECK_FALSE(reader.integer("count", true));
  CHECK_FALSE(reader.integer("huge", true));
  CHECK_FALSE(reader.number("weight", true));
  CHECK_FALSE(reader.strings("tags", true));
  CHECK_FALSE(reader.boolean("flag", true));
  CHECK_FALSE(reader.string("req_null", true));
  CHECK_FALSE(reader.string("missing", true));
  CHECK_FALSE(reader.any("absent", true));
  CHECK(reader.integer("custom", true) == 3);
  reader.fail("custom", "must be odd and prime");

  // The domain's verdict on what was read; a field the parser already faulted keeps its own.
  const std::map<std::string, std::string> rules{{"title", "must be 1..200 characters"},
                                                 {"name", "must be 1..5 characters"}};
  const auto error = finish_error(reader, rules);
  CHECK(error.code() == ErrorCode::validation_failed);
  CHECK(error.status() == 400);
  const std::map<std::string, std::string> expected{
      {"title", "must be 1..200 characters"},
      {"name", "must be a string"},
      {"nul", "must not contain NUL characters"},
      {"count", "must be an integer"},
      {"huge", "must be an integer of at most 64 bits"},
      {"weight", "must be a number"},
      {"tags", "must be an array of strings"},
      {"flag", "must be a boolean"},
      {"req_null", "is required"},
      {"missing", "is required"},
      {"absent", "is required"},
      {"custom", "must be odd and prime"},
      {"extra", "unknown field"},
      {"another", "unknown field"},
  };
  CHECK(error.fields() == expected);
}

TEST_CASE("ObjectReader reads a time of day as HH:MM, 00:00 to 23:59") {
  const auto object = json::parse_object(
      R"({"a":"09:30","b":"23:59","c":"24:00","d":"9:30","e":"12:60","f":"ab:cd","g":930,"h":"12:30:00"})");
  json::ObjectReader reader(object);
  CHECK(reader.time_of_day("a", true) == "09:30");
  CHECK(reader.time_of_day("b", true) == "23:59");
  for (const char* bad : {"c", "d", "e", "f", "g", "h"}) CHECK_FALSE(reader.time_of_day(bad, true));
  const auto error = finish_error(reader);
  CHECK(error.fields().size() == 6);
  CHECK(error.fields().at("g") == "must be a time HH:MM");
}

TEST_CASE("ObjectReader::finish rejects unknown fields alone") {
  const auto object = json::parse_object(R"({"known":1,"typo":2})");
  json::ObjectReader reader(object);
  CHECK(reader.integer("known", true) == 1);
  const auto error = finish_error(reader);
  CHECK(error.fields() == std::map<std::string, std::string>{{"typo", "unknown field"}});
}

TEST_CASE("append_string writes a JSON string literal that a parser reads back") {
  const std::vector<std::string> samples = {"",
                                            "plain",
                                            R"(say "hi" \ bye)",
                                            std::string("nul \0 tab \t newline \n bell \x07 unit \x1f", 36),
                                            "ünïcødé ✓ 😀",
                                            "</script>"};
  for (const auto& text : samples) {
    std::string out = "prefix:";
    json::append_string(out, text);
    REQUIRE(out.starts_with("prefix:"));
    const std::string literal = out.substr(7);
    INFO(literal);
    CHECK(boost::json::parse(literal).as_string() == text);
  }
}
