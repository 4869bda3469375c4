#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace ignition::d1import::detail {

Progress::Progress(ProgressMode mode) : mode_(mode), bar_(mode == ProgressMode::automatic && isatty(STDERR_FILENO)) {}

void Progress::start(std::string phase, std::string table, std::int64_t total) {
  phase_ = std::move(phase);
  table_ = std::move(table);
  total_ = total;
  done_ = 0;
  started_ = last_draw_ = std::chrono::steady_clock::now();
}

void Progress::finish() {
  if (mode_ == ProgressMode::none) return;
  if (bar_) {
    draw(true);
    return;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  fmt::print(stderr, "{} {}: {} rows in {:.2f} s ({:.0f} rows/s)\n", phase_, table_, done_, seconds,
             seconds > 0 ? static_cast<double>(done_) / seconds : 0.0);
  std::fflush(stderr);
}

void Progress::draw(bool final) {
  const auto now = std::chrono::steady_clock::now();
  if (!final && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  constexpr int width = 30;
  const int filled = total_ > 0 ? static_cast<int>(width * std::min(done_, total_) / total_) : (final ? width : 0);
  fmt::print(stderr, "\r{:<6} {:<24} [{:<{}}] {:>8}/{:<8} {:>9.0f} rows/s{}", phase_, table_, std::string(filled, '#'),
             width, done_, total_ > 0 ? std::to_string(total_) : "?",
             seconds > 0 ? static_cast<double>(done_) / seconds : 0.0, final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace ignition::d1import::detail
