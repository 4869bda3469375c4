#pragma once
/// A spool: bytes written once, then read back, kept in an unlinked temporary file rather than
/// in memory. For a document that must be made whole before it is sent (a user's export is
/// read in one short database transaction, then sent as fast as the client reads it).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ignition {

class Spool {
 public:
  /// A new, empty spool in `TMPDIR` (or /tmp); the file has no name and goes with the object.
  /// Throws std::system_error when no file can be made.
  Spool();
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  /// Appends `bytes`. Throws std::system_error when the disk refuses them.
  void append(std::string_view bytes);
  /// Bytes appended so far.
  std::uint64_t size() const noexcept { return size_; }
  /// Up to `max` bytes from `offset` (fewer at the end). Throws std::system_error on a read error.
  std::string read(std::uint64_t offset, std::size_t max) const;

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace ignition
