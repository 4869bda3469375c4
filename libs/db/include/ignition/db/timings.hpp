#pragma once
/// How long the pool's statements and waits for a connection take, for /metrics: one histogram
/// per statement name (names are the code's constants, so the series are bounded) and one of
/// the acquires.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <ignition/common/histogram.hpp>

namespace ignition::db {

class Timings {
 public:
  void statement(std::string_view name, double seconds);
  void acquire(double seconds) noexcept { acquire_.observe(seconds); }

  /// `db_query_duration_seconds{statement}` and `db_pool_acquire_duration_seconds`.
  void render(std::string& out) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> statements_;
  Histogram acquire_;
};

}  // namespace ignition::db
