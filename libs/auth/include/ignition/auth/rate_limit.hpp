#pragma once
/// Fixed-window request counting per client and route class, in bounded memory.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <ignition/auth/config.hpp>

namespace ignition::auth {

struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::chrono::seconds reset{0};  ///< until the window ends
};

class RateLimiter {
 public:
  /// At most `capacity` clients are tracked per limiter; when a flood of distinct
  /// clients fills it, expired windows are dropped, and if that is not enough the
  /// table starts over (a flood cannot exhaust memory).
  explicit RateLimiter(std::size_t capacity = 200'000) : capacity_(capacity) {}

  RateDecision check(std::string_view key, const RateRule& rule,
                     std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  std::size_t tracked() const;

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    std::int64_t count;
  };
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace ignition::auth
