#pragma once
/// A Prometheus histogram of durations: fixed bucket bounds, a count and a sum, observed from
/// any thread without a lock, rendered in the text exposition format.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ignition {

class Histogram {
 public:
  /// Bounds (seconds, ascending) from 100 µs to 10 s: database queries, session checks.
  static constexpr std::array<double, 13> fine_bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                         0.025,  0.05,    0.1,    0.25,  1.0,    10.0};

  /// `bounds` must outlive the histogram (a static array).
  explicit Histogram(std::span<const double> bounds = fine_bounds);

  void observe(double seconds) noexcept;
  /// Observations so far.
  std::uint64_t count() const noexcept;

  /// Appends `<name>_bucket{<labels>,le="…"}` (cumulative, +Inf included), `<name>_sum` and
  /// `<name>_count` lines; `labels` is `key="value",…` or empty.
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::span<const double> bounds_;
  std::vector<std::atomic<std::uint64_t>> counts_;  // per bucket, not cumulative; the last is +Inf
  std::atomic<double> sum_{0};
};

/// What a histogram observes of a span that began at `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// `# HELP` and `# TYPE … histogram` lines.
void render_histogram_header(std::string& out, std::string_view name, std::string_view help);

}  // namespace ignition
