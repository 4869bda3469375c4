#pragma once
/// Counters the auth layers keep for /metrics.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <ignition/common/histogram.hpp>

namespace ignition::auth {

class SessionStore;

class AuthMetrics {
 public:
  void sign_in(const std::string& provider, const std::string& outcome);
  void csrf_rejected() { ++csrf_rejections_; }
  void rate_limited() { ++rate_limit_rejections_; }
  void revoked(std::int64_t n) { revocations_ += static_cast<std::uint64_t>(n); }
  void set_active_sessions(std::int64_t n) { active_sessions_ = n; }
  /// A session cookie checked: from the cache without suspending, or by validate().
  enum Source { from_cache, from_database };
  void session_validated(Source source, double seconds) noexcept { validations_[source].observe(seconds); }

  /// Appends the exposition lines (including the store's cache counters).
  void render(std::string& out, const SessionStore& store) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> sign_ins_;
  std::atomic<std::uint64_t> csrf_rejections_{0};
  std::atomic<std::uint64_t> rate_limit_rejections_{0};
  std::atomic<std::uint64_t> revocations_{0};
  std::atomic<std::int64_t> active_sessions_{0};
  std::array<Histogram, 2> validations_;  // by Source
};

}  // namespace ignition::auth
