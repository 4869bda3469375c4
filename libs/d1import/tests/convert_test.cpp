// The value rules of QUIRKS.md one by one, with the edge cases it names. No database.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <ignition/d1import/convert.hpp>
#include <ignition/d1import/source.hpp>

using namespace ignition;
using namespace ignition::d1import;

namespace {

Value text(std::string s) { return Value{std::move(s)}; }
Value integer(std::int64_t n) { return Value{n}; }

std::string when(const Value& v, bool epoch_seconds = false) {
  auto t = parse_datetime(v, epoch_seconds);
  return t ? format_rfc3339(*t) : "unparseable";
}

}  // namespace

TEST_CASE("R3: a UUID in any case is that UUID, any other id is uuid5 of '<table>:<id>'") {
  CHECK(normalize_id("users", "F3C668B1-14ED-4049-90E3-2E8239455353").to_string() ==
        "f3c668b1-14ed-4049-90e3-2e8239455353");
  // The ids of expected.json's legacy_id_map and of migration 0004.
  CHECK(normalize_id("quests", "quest_first_focus").to_string() == "fb476308-a4e2-5b1d-93cf-2f353e670382");
  CHECK(normalize_id("onboarding_flows", "flow_main_v1").to_string() == "c40ac494-672e-53a1-b1a6-ba804bd72740");
  CHECK(normalize_id("achievement_definitions", "ach_first_focus").to_string() ==
        "0dd6d7a1-3a58-5d47-93b0-d201910dea62");
  // The table is part of the name: the same legacy id in two tables gives two uuids.
  CHECK(normalize_id("quests", "x") != normalize_id("universal_quests", "x"));
  // Almost a UUID is a legacy id.
  CHECK(normalize_id("users", "f3c668b1-14ed-4049-90e3-2e823945535") !=
        *Uuid::parse("f3c668b1-14ed-4049-90e3-2e8239455350"));
}

TEST_CASE("R5: every accepted datetime format, no zone means UTC") {
  CHECK(when(text("2025-03-04 17:22:05")) == "2025-03-04T17:22:05.000Z");
  CHECK(when(text("2025-03-04 17:22:05.123")) == "2025-03-04T17:22:05.123Z");
  CHECK(when(text("2025-03-04T17:22:05.123Z")) == "2025-03-04T17:22:05.123Z");
  CHECK(when(text("2025-03-04T17:22:05Z")) == "2025-03-04T17:22:05.000Z");
  CHECK(when(text("2025-03-04T17:22Z")) == "2025-03-04T17:22:00.000Z");
  CHECK(when(text("2025-03-04T17:22:05")) == "2025-03-04T17:22:05.000Z");
  CHECK(when(text("2025-03-04T17:22:05.123+02:00")) == "2025-03-04T15:22:05.123Z");
  CHECK(when(text("2025-03-04T17:22:05-05:30")) == "2025-03-04T22:52:05.000Z");
  CHECK(when(text("2025-03-04")) == "2025-03-04T00:00:00.000Z");
  CHECK(when(text("2025-03-04T17:22:05.123456789Z")) == "2025-03-04T17:22:05.123Z");
}

TEST_CASE("R5: epoch milliseconds as integer or digit string, seconds for accounts.expires_at") {
  CHECK(when(integer(1741108925123)) == "2025-03-04T17:22:05.123Z");
  CHECK(when(text("1741108925123")) == "2025-03-04T17:22:05.123Z");
  CHECK(when(text("-1000")) == "1969-12-31T23:59:59.000Z");
  CHECK(when(integer(1741112524), true) == "2025-03-04T18:22:04.000Z");
  CHECK(when(text("1741112524"), true) == "2025-03-04T18:22:04.000Z");
  CHECK(when(integer(0)) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("R5: no clamping; anything else is unparseable") {
  CHECK(when(text("1970-01-01 00:00:00")) == "1970-01-01T00:00:00.000Z");
  CHECK(when(text("9999-12-31T23:59:59.999Z")) == "9999-12-31T23:59:59.999Z");
  for (const char* bad : {"Invalid Date", "", " 2025-03-04", "2025-03-04 ", "2025-13-01", "2025-02-30",
                          "2025-03-04 17:22", "2025-03-04T25:00:00Z", "2025-03-04T17:22:05+0200", "2025-03-04Z",
                          "2025-03-04T17:22:05.Z", "04/03/2025", "12345678901234567", "1741108925123.5", "null"}) {
    INFO(bad);
    CHECK_FALSE(parse_datetime(text(bad)));
  }
  CHECK_FALSE(parse_datetime(integer(400000000000000)));  // year > 9999
  CHECK_FALSE(parse_datetime(Value{}));
  // An offset that moves the time before year 1 or past 9999, by however little (found by fuzzing).
  CHECK(when(text("0001-01-01T01:00:00+01:00")) == "0001-01-01T00:00:00.000Z");
  CHECK_FALSE(parse_datetime(text("0001-01-01T00:59:59.5+01:00")));
  CHECK_FALSE(parse_datetime(text("0001-01-01T00:59:59.999999+01:00")));
  CHECK(when(text("9999-12-31T22:59:59.999-01:00")) == "9999-12-31T23:59:59.999Z");
  CHECK_FALSE(parse_datetime(text("9999-12-31T23:00:00-01:00")));
}

TEST_CASE("R5: date columns keep the calendar date as written") {
  auto day = [](const Value& v) {
    auto d = parse_calendar_date(v);
    return d ? format_date(*d) : "unparseable";
  };
  CHECK(day(text("2025-03-04")) == "2025-03-04");
  CHECK(day(text("2025-03-04T23:30:00-05:00")) == "2025-03-04");  // not 2025-03-05 in UTC
  CHECK(day(text("2025-03-04 23:59:59")) == "2025-03-04");
  CHECK(day(integer(1741132800000)) == "2025-03-05");  // epoch: the UTC day
  CHECK(day(text("9999-12-31")) == "9999-12-31");
  CHECK(day(text("2025-02-29")) == "unparseable");
  CHECK(day(text("Invalid Date")) == "unparseable");
}

TEST_CASE("R6: booleans from integers and text in any case") {
  bool from_text = true;
  CHECK(parse_boolean(integer(1), from_text) == true);
  CHECK_FALSE(from_text);
  CHECK(parse_boolean(integer(0), from_text) == false);
  for (const char* t : {"true", "TRUE", "True", "1"}) {
    CHECK(parse_boolean(text(t), from_text) == true);
    CHECK(from_text);
  }
  for (const char* f : {"false", "False", "0"}) CHECK(parse_boolean(text(f), from_text) == false);
  for (const char* bad : {"yes", "", " true", "2", "t"}) CHECK_FALSE(parse_boolean(text(bad), from_text));
  CHECK_FALSE(parse_boolean(integer(2), from_text));
  CHECK_FALSE(parse_boolean(Value{}, from_text));
  // A REAL 1.0 reads as the NDJSON export prints it: 1 (R13, R14).
  CHECK(parse_boolean(Value{1.0}, from_text) == true);
  CHECK(parse_boolean(Value{0.0}, from_text) == false);
  CHECK_FALSE(parse_boolean(Value{0.5}, from_text));
}

TEST_CASE("R7: strict JSON at any depth; 'null' is JSON") {
  for (const char* ok : {"null", "{}", "[]", "0", "\"x\"", "{\"a\":[1,2.5,{\"b\":null}]}", " [1] ", "[-1e308]"}) {
    INFO(ok);
    CHECK(is_strict_json(ok));
  }
  for (const char* bad : {"", "[object Object]", "{'source': 'import'}", "[0.12,0.5,NaN,0.33]", "[Infinity]",
                          "[\"music\",\"idea\",]", "{\"a\":1,}", "{\"exercise_id\":\"ex_squat\"}{\"reps\":8}",
                          "{\"interests\": [\"focus\"", "// c\n{}", "[1] x"}) {
    INFO(bad);
    CHECK_FALSE(is_strict_json(bad));
  }
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  CHECK(is_strict_json(deep));
  CHECK_FALSE(is_strict_json(deep + "]"));
}

namespace {

// make_storable on a copy: the outcome, and the value it leaves.
std::pair<Storability::Outcome, std::string> storable(PgType type, std::string value) {
  const auto result = make_storable(type, value);
  return {result.outcome, value};
}

}  // namespace

TEST_CASE("text Postgres cannot store: each invalid byte and NUL becomes U+FFFD, the rest is kept") {
  CHECK(storable(PgType::text, "Zo\xC3\xAB \xF0\x9F\x9A\x80\x01") ==
        std::pair{Storability::storable, std::string("Zo\xC3\xAB \xF0\x9F\x9A\x80\x01")});
  CHECK(storable(PgType::text, std::string("a\0b", 3)) == std::pair{Storability::repaired, std::string("a\xEF\xBF\xBD"
                                                                                                       "b")});
  CHECK(storable(PgType::text, "\xFF\xFEx").second == "\xEF\xBF\xBD\xEF\xBF\xBDx");
  CHECK(storable(PgType::text, "\xC0\xAF").second == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  CHECK(storable(PgType::text, "\xED\xA0\x80").second == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(storable(PgType::text, "ab\xE2\x82").second == "ab\xEF\xBF\xBD\xEF\xBF\xBD");              // truncated
}

TEST_CASE("numbers Postgres cannot store are unusable") {
  CHECK(storable(PgType::int4, "2147483647").first == Storability::storable);
  CHECK(storable(PgType::int4, "-2147483648").first == Storability::storable);
  CHECK(storable(PgType::int4, "2147483648").first == Storability::unusable);
  CHECK(storable(PgType::int8, "9223372036854775807").first == Storability::storable);
  CHECK(storable(PgType::int8, "9223372036854775808").first == Storability::unusable);
  CHECK(storable(PgType::float8, "1e308").first == Storability::storable);
  CHECK(storable(PgType::float8, "inf").first == Storability::unusable);
  CHECK(storable(PgType::float8, "-inf").first == Storability::unusable);
}

TEST_CASE("times and hex take only their own form") {
  for (const char* ok : {"08:30", "23:59:59", "07:00:00.5", "24:00", "24:00:00"}) {
    INFO(ok);
    CHECK(storable(PgType::time, ok).first == Storability::storable);
  }
  for (const char* bad : {"8:30", "8:30 AM", "24:01", "12:60", "allballs", "", "12:00:00.1234567"}) {
    INFO(bad);
    CHECK(storable(PgType::time, bad).first == Storability::unusable);
  }
  CHECK(storable(PgType::bytea, "\\xdeadBEEF").first == Storability::storable);
  CHECK(storable(PgType::bytea, "\\xabc").first == Storability::unusable);
  CHECK(storable(PgType::bytea, "\\xzz").first == Storability::unusable);
}

TEST_CASE("JSON jsonb cannot hold: escaped NUL repaired, too deep or out of numeric's range unusable") {
  CHECK(storable(PgType::jsonb, R"({"a":"x\u0000y"})") ==
        std::pair{Storability::repaired, std::string(R"({"a":"x\uFFFDy"})")});
  CHECK(storable(PgType::jsonb, R"(["\\u0000"])").first == Storability::storable);  // an escaped backslash
  const auto nested = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  CHECK(storable(PgType::jsonb, nested(max_json_depth)).first == Storability::storable);
  CHECK(storable(PgType::jsonb, nested(max_json_depth + 1)).first == Storability::unusable);
  // The limits measured on Postgres 15: 1e131071 and 1e-16383 fit, one more digit does not.
  for (const char* ok : {"1e131071", "1e-16383", "0e99999999", "0.1e-16382", "-12.5E+3", "[0, -0.0, 1e308]"}) {
    INFO(ok);
    CHECK(storable(PgType::jsonb, ok).first == Storability::storable);
  }
  for (const char* bad : {"1e131072", "10e131071", "1e-16384", "0e-20000", "1.00e-16382", "[1e999999]",
                          "1e99999999999999999999", "{\"a\": NaN}"}) {
    INFO(bad);
    CHECK(storable(PgType::jsonb, bad).first == Storability::unusable);
  }
}

TEST_CASE("R10: emails compare trimmed and case-insensitively") {
  CHECK(normalize_email("  Vera.Ng@Mail.example.com ") == "vera.ng@mail.example.com");
  CHECK(normalize_email("dj.luna@students.example.edu") == "dj.luna@students.example.edu");
  CHECK(normalize_email("   ").empty());
}

TEST_CASE("R13: INTEGER stays integer, REAL stays floating point, whatever the token") {
  CHECK(as_real(integer(120)) == 120.0);  // the NDJSON prints REAL 120.0 as 120
  CHECK(as_real(Value{8.5}) == 8.5);
  CHECK(as_integer(Value{120.0}) == 120);
  CHECK_FALSE(as_integer(Value{120.5}));
  CHECK(as_integer(text("42")) == 42);
  CHECK_FALSE(as_integer(text("42a")));
}

TEST_CASE("R9 and COPY: text goes byte for byte, escaped for COPY's text format") {
  std::string line;
  append_copy_field(line, std::string("a\tb\nc\\d\re  "));
  CHECK(line == "a\\tb\\nc\\\\d\\re  ");
  line.clear();
  append_copy_field(line, std::nullopt);
  CHECK(line == "\\N");
  line.clear();
  append_copy_field(line, std::string("\\N"));
  CHECK(line == "\\\\N");  // the text "\N" is not NULL
}

TEST_CASE("report prefixes count code points, not bytes") {
  const std::string s = "Zoe\xCC\x88 \xF0\x9F\x9A\x80!";  // e + combining diaeresis, rocket
  CHECK(utf8_length(s) == 7);
  CHECK(utf8_prefix(s, 4) == "Zoe\xCC\x88");
  CHECK(utf8_prefix(s, 100) == s);
}

TEST_CASE("the NDJSON reader streams long lines and keeps integral REALs as numbers") {
  const auto dir = std::filesystem::temp_directory_path() / ("d1_ndjson_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string long_text(300000, 'x');
  {
    std::ofstream out(dir / "track_analysis_cache.ndjson");
    out << "{\"id\":\"A\",\"track_id\":\"t\",\"bpm\":128,\"musical_key\":\"" << long_text
        << "\",\"energy\":0.5,\"danceability\":null,\"loudness_lufs\":-9,\"sections_json\":null,"
           "\"waveform_json\":\"[1]\",\"analyzer_version\":\"v1\",\"analyzed_at\":\"1741108925123\","
           "\"created_at\":\"2025-03-04 17:22:05\"}\n";
    std::ofstream(dir / "d1_migrations.ndjson") << "{\"id\":1}\n{\"id\":2}\n";
  }
  auto source = open_source(dir);
  const auto& spec = inventory()[*find_table("track_analysis_cache")];
  auto rows = source->rows(spec);
  Row row;
  REQUIRE(rows->next(row));
  CHECK(row[spec.column_index("musical_key")].text()->size() == long_text.size());
  CHECK(as_real(row[spec.column_index("bpm")]) == 128.0);
  CHECK(row[spec.column_index("danceability")].is_null());
  CHECK(*row[spec.column_index("analyzed_at")].text() == "1741108925123");
  CHECK_FALSE(rows->next(row));
  // A table that was not exported has no rows; a file that is not in the inventory is named.
  CHECK_FALSE(source->rows(inventory()[*find_table("users")])->next(row));
  const auto others = source->other_tables();
  REQUIRE(others.size() == 1);
  CHECK(others[0] == std::pair<std::string, std::int64_t>{"d1_migrations", 2});
  std::filesystem::remove_all(dir);
}

TEST_CASE("the NDJSON reader takes bytes that are not UTF-8 and lone surrogate escapes as D1 held them") {
  const auto dir = std::filesystem::temp_directory_path() / ("d1_ndjson_odd_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "feedback.ndjson", std::ios::binary);
    const std::string rest = R"(,"page_url":null,"user_agent":null,"status":"new","created_at":"2025-03-04 17:22:05"})"
                             "\n";
    out << R"({"id":"a","user_id":null,"type":"bug","message":"x)"
        << "\xFF\xFE"
        << R"(y")" << rest;
    out << R"({"id":"b","user_id":null,"type":"bug","message":"\ud83d \ude00 \ud83d\ude00 \\ud800")" << rest;
  }
  auto source = open_source(dir);
  const auto& spec = inventory()[*find_table("feedback")];
  auto rows = source->rows(spec);
  Row row;
  REQUIRE(rows->next(row));
  CHECK(*row[spec.column_index("message")].text() == "x\xFF\xFEy");  // raw: the text rule repairs it
  REQUIRE(rows->next(row));
  // Each lone half of a pair stands for U+FFFD; a pair is its character; an escaped backslash
  // followed by "ud800" is text.
  CHECK(*row[spec.column_index("message")].text() == "\xEF\xBF\xBD \xEF\xBF\xBD \xF0\x9F\x98\x80 \\ud800");
  std::filesystem::remove_all(dir);
}
