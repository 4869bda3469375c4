#include <ignition/guard/rate_limit.hpp>

#include <boost/asio/ip/address_v6.hpp>

namespace ignition::guard {

RateDecision RateLimiter::check(std::string_view key, const auth::RateRule& rule,
                                std::chrono::steady_clock::time_point now) {
  if (rule.off()) return {};
  std::lock_guard lock(mutex_);
  std::string name(key);
  auto it = recent_.find(name);
  if (it == recent_.end()) {
    Window window{now, 0};
    if (auto old = older_.find(name); old != older_.end()) {
      window = old->second;  // back within a turn: its count goes on
      older_.erase(old);
    }
    if (recent_.size() >= half_) {
      older_.swap(recent_);
      recent_.clear();
    }
    it = recent_.emplace(std::move(name), window).first;
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
  return recent_.size() + older_.size();
}

std::string rate_key(std::string_view bucket, std::string_view client_ip) {
  namespace ip = boost::asio::ip;
  std::string key = std::string(bucket) + '|';
  if (client_ip.find(':') == std::string_view::npos) return key.append(client_ip);  // IPv4
  boost::system::error_code ec;
  const auto v6 = ip::make_address_v6(client_ip, ec);
  if (ec) return key.append(client_ip);
  if (v6.is_v4_mapped()) return key.append(ip::make_address_v4(ip::v4_mapped, v6).to_string());
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return key.append(ip::address_v6(bytes).to_string()).append("/64");
}

}  // namespace ignition::guard
