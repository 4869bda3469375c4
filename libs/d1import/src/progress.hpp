#pragma once
// Progress on stderr: a redrawn bar with rows/s on a terminal, one quiet line per table
// otherwise (logs, CI, a test reading the child's stderr).

#include <chrono>
#include <cstdint>
#include <string>

#include <ignition/d1import/import.hpp>

namespace ignition::d1import::detail {

class Progress {
 public:
  explicit Progress(ProgressMode mode);
  /// A phase ("read", "write", "verify") of one table; `total` 0 when unknown.
  void start(std::string phase, std::string table, std::int64_t total);
  void tick() {
    if (++done_ % 1024 == 0 && bar_) draw(false);
  }
  void finish();

 private:
  void draw(bool final);

  ProgressMode mode_;
  bool bar_ = false;
  std::string phase_;
  std::string table_;
  std::int64_t total_ = 0;
  std::int64_t done_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace ignition::d1import::detail
