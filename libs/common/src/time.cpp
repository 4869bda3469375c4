#include "ignition/common/time.hpp"

#include <fmt/format.h>
#include <ctime>

#include <ignition/common/parse.hpp>

namespace ignition {

using namespace std::chrono;

namespace {

using Cursor = TextCursor;

/// "YYYY-MM-DD<sep>HH:MM:SS[.fraction]" as if it were UTC; the fraction keeps microseconds.
std::optional<Timestamp> parse_date_time(Cursor& c, std::string_view separators) noexcept {
  const auto date = c.date();
  if (!date || c.done() || separators.find(c.text[c.pos]) == std::string_view::npos) {
    return std::nullopt;
  }
  ++c.pos;
  const auto h = c.number(2);
  if (!h || !c.eat(':')) return std::nullopt;
  const auto m = c.number(2);
  if (!m || !c.eat(':')) return std::nullopt;
  const auto s = c.number(2);
  if (!s || *h > 23 || *m > 59 || *s > 59) return std::nullopt;
  microseconds fraction{0};
  if (c.eat('.')) {
    const auto digits = c.fraction();
    if (!digits) return std::nullopt;
    fraction = *digits;
  }
  return Timestamp{sys_days{*date}} + hours{*h} + minutes{*m} + seconds{*s} + fraction;
}

/// "+HH:MM" / "-HH:MM" or, when `pg`, Postgres's "+HH[:MM[:SS]]"; returns the offset east of UTC.
std::optional<seconds> parse_offset(Cursor& c, bool pg) noexcept {
  const bool negative = c.eat('-');
  if (!negative && !c.eat('+')) return std::nullopt;
  const auto h = c.number(2);
  if (!h) return std::nullopt;
  int m = 0;
  int s = 0;
  if (!pg || !c.done()) {
    const auto mm = c.eat(':') ? c.number(2) : std::nullopt;
    if (!mm) return std::nullopt;
    m = *mm;
    if (pg && !c.done()) {
      const auto ss = c.eat(':') ? c.number(2) : std::nullopt;
      if (!ss) return std::nullopt;
      s = *ss;
    }
  }
  if (*h > 23 || m > 59 || s > 59) return std::nullopt;
  const seconds offset = hours{*h} + minutes{m} + seconds{s};
  return negative ? -offset : offset;
}

std::string format_with(Timestamp t, char separator, int fraction_digits, std::string_view zone) {
  const auto day_start = floor<days>(t);
  const year_month_day date{day_start};
  const hh_mm_ss tod{t - day_start};
  auto fraction = tod.subseconds().count();
  for (int i = fraction_digits; i < 6; ++i) fraction /= 10;
  const int year = static_cast<int>(date.year());
  if (year >= 0 && year <= 9999 && fraction_digits >= 1 && fraction_digits <= 6) {
    // Digits written in place: this runs for every timestamp of every JSON response.
    std::string out(20 + static_cast<std::size_t>(fraction_digits), '0');
    auto put = [&out](std::size_t at, std::int64_t value, int width) {
      for (int i = width - 1; i >= 0; --i, value /= 10) out[at + static_cast<std::size_t>(i)] = char('0' + value % 10);
    };
    put(0, year, 4);
    out[4] = '-';
    put(5, static_cast<unsigned>(date.month()), 2);
    out[7] = '-';
    put(8, static_cast<unsigned>(date.day()), 2);
    out[10] = separator;
    put(11, tod.hours().count(), 2);
    out[13] = ':';
    put(14, tod.minutes().count(), 2);
    out[16] = ':';
    put(17, tod.seconds().count(), 2);
    out[19] = '.';
    put(20, fraction, fraction_digits);
    out += zone;
    return out;
  }
  return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}.{:0{}}{}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), separator,
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count(), fraction, fraction_digits,
                     zone);
}

}  // namespace

std::string format_rfc3339(Timestamp t) { return format_with(t, 'T', 3, "Z"); }

std::optional<Timestamp> parse_rfc3339(std::string_view text) noexcept {
  Cursor c{text};
  const auto local = parse_date_time(c, "Tt");
  if (!local) return std::nullopt;
  seconds offset{0};
  if (!c.eat('Z') && !c.eat('z')) {
    const auto parsed = parse_offset(c, false);
    if (!parsed) return std::nullopt;
    offset = *parsed;
  }
  if (!c.done()) return std::nullopt;
  return *local - offset;
}

std::optional<Timestamp> parse_pg_timestamp(std::string_view text) noexcept {
  Cursor c{text};
  const auto local = parse_date_time(c, " ");
  if (!local) return std::nullopt;
  const auto offset = parse_offset(c, true);
  if (!offset || !c.done()) return std::nullopt;
  return *local - *offset;
}

std::string format_pg_timestamp(Timestamp t) { return format_with(t, ' ', 6, "+00"); }

std::optional<year_month_day> parse_date(std::string_view text) noexcept {
  Cursor c{text};
  const auto date = c.date();
  if (!date || !c.done()) return std::nullopt;
  return date;
}

std::string format_date(year_month_day d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

Timestamp now() { return floor<microseconds>(Clock::now()); }

// CLOCK_REALTIME_COARSE is CLOCK_REALTIME (system_clock) at tick resolution.
Timestamp coarse_now() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return Timestamp(duration_cast<microseconds>(seconds(ts.tv_sec) + nanoseconds(ts.tv_nsec)));
}

// CLOCK_MONOTONIC_COARSE is CLOCK_MONOTONIC (libstdc++'s steady_clock) at tick resolution.
std::chrono::steady_clock::time_point coarse_steady_now() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::steady_clock::time_point(seconds(ts.tv_sec) + nanoseconds(ts.tv_nsec));
}

}  // namespace ignition
