#include "ignition/storage/range.hpp"

#include <algorithm>

#include <ignition/common/parse.hpp>

namespace ignition::storage {

RangeRequest parse_range(std::string_view header, std::uint64_t size) noexcept {
  if (!header.starts_with("bytes=") || header.find(',') != std::string_view::npos) return {};
  const auto spec = header.substr(6);
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const auto first = spec.substr(0, dash);
  const auto last = spec.substr(dash + 1);
  if (first.empty()) {  // the last n bytes
    const auto n = parse_integer<std::uint64_t>(last);
    if (!n) return {};
    if (*n == 0 || size == 0) return {std::nullopt, true};
    return {ByteRange{size > *n ? size - *n : 0, size - 1}, false};
  }
  const auto from = parse_integer<std::uint64_t>(first);
  const auto to =
      last.empty() ? std::optional<std::uint64_t>(size == 0 ? 0 : size - 1) : parse_integer<std::uint64_t>(last);
  if (!from || !to) return {};
  if (*from >= size) return {std::nullopt, true};
  if (*to < *from) return {};  // not a range: ignored, as RFC 9110 says
  return {ByteRange{*from, std::min(*to, size - 1)}, false};
}

}  // namespace ignition::storage
