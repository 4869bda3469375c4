#pragma once
/// Prometheus text exposition: request counts and latency histograms by route
/// template, method and status, plus gauges contributed by other components.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ignition::http {

class Metrics {
 public:
  Metrics();
  ~Metrics();

  void observe_request(std::string_view route, std::string_view method, unsigned status, double seconds);
  /// `render` appends complete exposition lines (with # HELP/# TYPE) to `out`.
  void add_source(std::function<void(std::string& out)> render);
  std::string render() const;

 private:
  struct Series;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Series>, std::less<>> series_;
  Series* last_ = nullptr;  // the series last observed
  std::vector<std::function<void(std::string&)>> sources_;
};

}  // namespace ignition::http
