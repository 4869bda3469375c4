#pragma once
/// The one form of the HTTP Range header (RFC 9110 §14.2) that downloads honour: a single byte
/// range of an object, read against the object's size.

#include <cstdint>
#include <optional>
#include <string_view>

#include <ignition/storage/store.hpp>

namespace ignition::storage {

/// What a Range header asks of an object.
struct RangeRequest {
  std::optional<ByteRange> range;  ///< the bytes to send (within the object); nullopt: all of them
  bool unsatisfiable = false;      ///< the range starts past the end: 416 with `Content-Range: bytes */size`
};

/// "bytes=first-last", "bytes=first-" or "bytes=-suffix" against an object of `size` bytes. A
/// header this server does not honour (none, another unit, several ranges, last before first,
/// anything malformed) asks for the whole object; a range that starts at or past the end, or an
/// empty suffix, is unsatisfiable. Never throws.
RangeRequest parse_range(std::string_view header, std::uint64_t size) noexcept;

}  // namespace ignition::storage
