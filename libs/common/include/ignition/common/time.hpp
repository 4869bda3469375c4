#pragma once
/// RFC 3339 timestamps (always UTC, `Z`, milliseconds) and calendar dates.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ignition {

using Clock = std::chrono::system_clock;
using Timestamp = std::chrono::time_point<Clock, std::chrono::microseconds>;

/// "2026-01-07T12:00:00.000Z" (milliseconds, UTC).
std::string format_rfc3339(Timestamp t);
/// Accepts RFC 3339 with `Z` or a numeric offset and optional fraction (up to
/// microseconds kept); nullopt when malformed or out of range.
std::optional<Timestamp> parse_rfc3339(std::string_view text) noexcept;
/// Postgres `timestamptz` text output in ISO style ("2026-01-07 12:00:00.123456+00").
std::optional<Timestamp> parse_pg_timestamp(std::string_view text) noexcept;
/// Postgres input form for a timestamp parameter ("2026-01-07 12:00:00.123456+00").
std::string format_pg_timestamp(Timestamp t);

/// "YYYY-MM-DD"; nullopt unless a valid calendar date.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text) noexcept;
std::string format_date(std::chrono::year_month_day d);

/// Now, truncated to microseconds (Postgres precision).
Timestamp now();
/// The wall clock as of its last tick (at most a few milliseconds behind), for expiry
/// checks of seconds on the request path.
Timestamp coarse_now() noexcept;
/// The monotonic clock as of its last tick (at most a few milliseconds behind), for
/// deadlines and expiry of seconds: a precise reading costs more than what it times.
std::chrono::steady_clock::time_point coarse_steady_now() noexcept;

}  // namespace ignition
