// The Range header of downloads (storage::parse_range) against objects of every size: a range
// it grants lies within the object, is what the header's numbers say, and is never empty.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <ignition/common/parse.hpp>
#include <ignition/storage/range.hpp>

#include "check.hpp"

using ignition::storage::parse_range;

namespace {

void check(std::string_view header, std::uint64_t size) {
  const auto wanted = parse_range(header, size);
  if (wanted.unsatisfiable) {
    FUZZ_CHECK(!wanted.range);
    return;
  }
  if (!wanted.range) return;
  const auto& r = *wanted.range;
  FUZZ_CHECK(r.first <= r.last && r.last < size && r.size() >= 1 && r.size() <= size);
  // Only the one form is granted, and its numbers are the range's.
  FUZZ_CHECK(header.starts_with("bytes=") && header.find(',') == std::string_view::npos);
  const auto spec = header.substr(6);
  const auto dash = spec.find('-');
  FUZZ_CHECK(dash != std::string_view::npos);
  if (dash == 0) {
    const auto n = ignition::parse_integer<std::uint64_t>(spec.substr(1));
    FUZZ_CHECK(n && r.last == size - 1 && r.size() == std::min(*n, size));
  } else {
    const auto from = ignition::parse_integer<std::uint64_t>(spec.substr(0, dash));
    FUZZ_CHECK(from && r.first == *from);
    if (dash + 1 < spec.size()) {
      const auto to = ignition::parse_integer<std::uint64_t>(spec.substr(dash + 1));
      FUZZ_CHECK(to && r.last == std::min(*to, size - 1));
    } else {
      FUZZ_CHECK(r.last == size - 1);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first 8 bytes are the object's size, the rest the header; the header is also read
  // against the sizes where the arithmetic turns (empty, one byte, the largest).
  if (size < 8) return 0;
  std::uint64_t object_size = 0;
  std::memcpy(&object_size, data, 8);
  const std::string_view header(reinterpret_cast<const char*>(data) + 8, size - 8);
  check(header, object_size);
  check(header, object_size % 4096);
  for (const std::uint64_t edge : {std::uint64_t{0}, std::uint64_t{1}, UINT64_MAX - 1, UINT64_MAX}) check(header, edge);
  return 0;
}
