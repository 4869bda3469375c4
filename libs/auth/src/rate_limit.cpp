#include <ignition/auth/rate_limit.hpp>

namespace ignition::auth {

RateDecision RateLimiter::check(std::string_view key, const RateRule& rule, std::chrono::steady_clock::time_point now) {
  if (rule.off()) return {};
  std::lock_guard lock(mutex_);
  auto it = windows_.find(std::string(key));
  if (it == windows_.end()) {
    if (windows_.size() >= capacity_) {
      std::erase_if(windows_, [&](const auto& w) { return now - w.second.start >= rule.per; });
      if (windows_.size() >= capacity_) windows_.clear();
    }
    it = windows_.emplace(std::string(key), Window{now, 0}).first;
  }
  Window& w = it->second;
  if (now - w.start >= rule.per) w = Window{now, 0};
  auto reset = std::chrono::ceil<std::chrono::seconds>(rule.per - (now - w.start));
  if (w.count >= rule.limit) return {false, rule.limit, 0, reset};
  ++w.count;
  return {true, rule.limit, rule.limit - w.count, reset};
}

std::size_t RateLimiter::tracked() const {
  std::lock_guard lock(mutex_);
  return windows_.size();
}

}  // namespace ignition::auth
