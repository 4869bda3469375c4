#pragma once
/// Small strict text parsers shared by the configuration, the HTTP edge, the time formats
/// and the D1 import: whole-string integers and a cursor over fixed-width date text.

#include <charconv>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ignition {

/// The whole of `text` as a decimal integer of type T (no sign for unsigned types, no '+',
/// no spaces); nullopt otherwise, or when it does not fit.
template <std::integral T>
std::optional<T> parse_integer(std::string_view text) noexcept {
  T value{};
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

/// A read position in text parsed field by field; numbers are fixed-width decimal.
struct TextCursor {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const noexcept { return pos == text.size(); }
  bool digit() const noexcept { return pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; }
  bool eat(char c) noexcept {
    if (pos == text.size() || text[pos] != c) return false;
    ++pos;
    return true;
  }
  /// Exactly `width` decimal digits.
  std::optional<int> number(std::size_t width) noexcept {
    int value = 0;
    for (std::size_t i = 0; i < width; ++i, ++pos) {
      if (!digit()) return std::nullopt;
      value = value * 10 + (text[pos] - '0');
    }
    return value;
  }
  /// "YYYY-MM-DD", a real calendar date.
  std::optional<std::chrono::year_month_day> date() noexcept {
    const auto y = number(4);
    if (!y || !eat('-')) return std::nullopt;
    const auto m = number(2);
    if (!m || !eat('-')) return std::nullopt;
    const auto d = number(2);
    if (!d) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                                          std::chrono::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
  }
  /// The digits of a fraction of a second (the '.' already eaten): 1 to 9 of them, kept to
  /// microseconds (truncated).
  std::optional<std::chrono::microseconds> fraction() noexcept {
    std::int64_t micros = 0;
    int digits = 0;
    for (; digit(); ++pos, ++digits) {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (; digits < 6; ++digits) micros *= 10;
    return std::chrono::microseconds{micros};
  }
};

}  // namespace ignition
