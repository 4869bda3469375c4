#pragma once
/// Fixed-window request counting per client and route class, in bounded memory.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <ignition/auth/config.hpp>

namespace ignition::guard {

struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::chrono::seconds reset{0};  ///< until the window ends
};

class RateLimiter {
 public:
  /// At most `capacity` clients are tracked, in two halves: those seen since the last turn and
  /// those seen in the turn before. When the newer half is full it becomes the older one and the
  /// oldest half is dropped. A flood of new clients so pushes out only clients that did not come
  /// back while half a table of others arrived, and a client's own count is never reset by it.
  explicit RateLimiter(std::size_t capacity = 200'000) : half_(std::max<std::size_t>(1, capacity / 2)) {}

  RateDecision check(std::string_view key, const auth::RateRule& rule,
                     std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  std::size_t tracked() const;

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    std::int64_t count;
  };
  std::size_t half_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Window> recent_, older_;
};

/// The key a request is counted under: its route class and its client, an IPv6 client by its
/// /64 (the block one subscriber is usually given: counted by single addresses, one subscriber
/// would have 2^64 budgets). An IPv4-mapped address counts as the IPv4 address.
std::string rate_key(std::string_view bucket, std::string_view client_ip);

}  // namespace ignition::guard
