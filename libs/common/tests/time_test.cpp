#include <catch2/catch.hpp>
#include <ignition/common/time.hpp>

using namespace std::chrono;
using ignition::Timestamp;

namespace {

Timestamp at(year_month_day date, microseconds since_midnight = {}) {
  return Timestamp{sys_days{date}} + since_midnight;
}

}  // namespace

TEST_CASE("format_rfc3339 prints UTC with milliseconds") {
  const auto t = at(2026y / 1 / 7, 12h + 123456us);
  CHECK(ignition::format_rfc3339(t) == "2026-01-07T12:00:00.123Z");
  CHECK(ignition::format_rfc3339(at(2026y / 1 / 7, 12h)) == "2026-01-07T12:00:00.000Z");
  CHECK(ignition::format_rfc3339(Timestamp{}) == "1970-01-01T00:00:00.000Z");
  CHECK(ignition::format_rfc3339(at(1969y / 12 / 31, 23h + 59min + 59s + 999999us)) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("parse_rfc3339 round-trips and honours offsets") {
  const auto t = at(2026y / 1 / 7, 12h + 123ms);
  CHECK(ignition::parse_rfc3339(ignition::format_rfc3339(t)) == t);
  CHECK(ignition::parse_rfc3339("2026-01-07T12:00:00Z") == at(2026y / 1 / 7, 12h));
  CHECK(ignition::parse_rfc3339("2026-01-07t12:00:00z") == at(2026y / 1 / 7, 12h));
  CHECK(ignition::parse_rfc3339("2026-01-07T17:30:00+05:30") == at(2026y / 1 / 7, 12h));
  CHECK(ignition::parse_rfc3339("2026-01-07T09:00:00-03:00") == at(2026y / 1 / 7, 12h));
  CHECK(ignition::parse_rfc3339("2026-01-01T01:00:00+02:00") == at(2025y / 12 / 31, 23h));
  CHECK(ignition::parse_rfc3339("2026-01-07T12:00:00.5Z") == at(2026y / 1 / 7, 12h + 500ms));
  CHECK(ignition::parse_rfc3339("2026-01-07T12:00:00.123456Z") == at(2026y / 1 / 7, 12h + 123456us));
  // Digits beyond microseconds are dropped.
  CHECK(ignition::parse_rfc3339("2026-01-07T12:00:00.123456789Z") == at(2026y / 1 / 7, 12h + 123456us));
  CHECK(ignition::parse_rfc3339("2024-02-29T00:00:00Z") == at(2024y / 2 / 29));
}

TEST_CASE("parse_rfc3339 rejects malformed or impossible timestamps") {
  for (const auto* bad : {
           "",
           "2026-01-07",
           "2026-01-07T12:00:00",              // no zone
           "2026-01-07 12:00:00Z",             // space instead of T
           "2026-02-30T12:00:00Z",             // no such day
           "2025-02-29T12:00:00Z",             // not a leap year
           "2026-13-01T12:00:00Z",             // no such month
           "2026-01-07T24:00:00Z",             // hour out of range
           "2026-01-07T12:60:00Z",             // minute out of range
           "2026-01-07T12:00:60Z",             // leap seconds unsupported
           "2026-01-07T12:00:00.Z",            // empty fraction
           "2026-01-07T12:00:00.1234567890Z",  // too many fraction digits
           "2026-01-07T12:00:00+0530",         // offset without colon
           "2026-01-07T12:00:00+05",           // offset without minutes
           "2026-01-07T12:00:00+24:00",        // offset out of range
           "2026-01-07T12:00:00Zjunk",         // trailing data
           "2026-1-07T12:00:00Z",              // short month
           "+026-01-07T12:00:00Z",
       }) {
    INFO(bad);
    CHECK_FALSE(ignition::parse_rfc3339(bad));
  }
}

TEST_CASE("Postgres timestamptz text") {
  const auto noon = at(2026y / 1 / 7, 12h);
  CHECK(ignition::parse_pg_timestamp("2026-01-07 12:00:00.123456+00") == noon + 123456us);
  CHECK(ignition::parse_pg_timestamp("2026-01-07 12:00:00+00") == noon);
  CHECK(ignition::parse_pg_timestamp("2026-01-07 12:00:00.12+00") == noon + 120ms);
  CHECK(ignition::parse_pg_timestamp("2026-01-07 17:30:00+05:30") == noon);
  CHECK(ignition::parse_pg_timestamp("2026-01-07 09:00:00-03") == noon);
  CHECK(ignition::parse_pg_timestamp("2026-01-07 12:00:10+00:00:10") == noon);
  for (const auto* bad :
       {"2026-01-07T12:00:00+00", "2026-01-07 12:00:00", "2026-01-07 12:00:00Z", "2026-02-30 12:00:00+00",
        "2026-01-07 12:00:00+0", "2026-01-07 12:00:00+00:", "infinity", "2026-01-07 12:00:00+00 BC"}) {
    INFO(bad);
    CHECK_FALSE(ignition::parse_pg_timestamp(bad));
  }
  CHECK(ignition::format_pg_timestamp(noon + 123456us) == "2026-01-07 12:00:00.123456+00");
  CHECK(ignition::format_pg_timestamp(noon + 5us) == "2026-01-07 12:00:00.000005+00");
  const auto t = noon + 987654us;
  CHECK(ignition::parse_pg_timestamp(ignition::format_pg_timestamp(t)) == t);
}

TEST_CASE("Calendar dates") {
  CHECK(ignition::parse_date("2026-01-07") == 2026y / 1 / 7);
  CHECK(ignition::parse_date("2024-02-29") == 2024y / 2 / 29);
  CHECK(ignition::format_date(2026y / 1 / 7) == "2026-01-07");
  CHECK(ignition::format_date(33y / 12 / 1) == "0033-12-01");
  for (const auto* bad : {"", "2026-02-30", "2025-02-29", "2026-00-01", "2026-01-00", "2026-1-7", "2026-01-07 ",
                          "2026/01/07", "20260107"}) {
    INFO(bad);
    CHECK_FALSE(ignition::parse_date(bad));
  }
}

TEST_CASE("now() has microsecond precision") {
  const auto before = floor<microseconds>(system_clock::now());
  const auto t = ignition::now();
  CHECK(t >= before);
  CHECK(t <= system_clock::now());
}
