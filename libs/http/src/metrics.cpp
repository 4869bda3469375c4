#include <ignition/http/metrics.hpp>

#include <fmt/format.h>
#include <array>
#include <charconv>

#include <ignition/common/histogram.hpp>

namespace ignition::http {

namespace {
constexpr std::array<double, 13> bucket_bounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                  0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

// Label values come from route templates and method names; escape anyway.
std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

struct Metrics::Series {
  std::string route;
  std::string method;
  unsigned status = 0;
  std::string labels;                 // route="...",method="...",status="..."
  Histogram duration{bucket_bounds};  // its count is http_requests_total
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view route, std::string_view method, unsigned status, double seconds) {
  std::lock_guard lock(mutex_);
  // Requests come in runs of the same kind: the last series is compared before the map is
  // searched (whose key would first have to be built).
  if (!last_ || last_->status != status || last_->method != method || last_->route != route) {
    // Built in a reused buffer: formatting a fresh key on every request showed in profiles.
    thread_local std::string key;
    key.clear();
    key.append(route).append(1, '\x1f').append(method).append(1, '\x1f');
    char digits[8];
    key.append(digits, std::to_chars(digits, digits + sizeof digits, status).ptr);
    auto it = series_.find(key);
    if (it == series_.end()) {
      auto s = std::make_unique<Series>();
      s->route = route;
      s->method = method;
      s->status = status;
      s->labels = fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"",
                              escape_label(route.empty() ? "unmatched" : route), escape_label(method), status);
      it = series_.emplace(key, std::move(s)).first;
    }
    last_ = it->second.get();
  }
  last_->duration.observe(seconds);
}

void Metrics::add_source(std::function<void(std::string&)> render) {
  std::lock_guard lock(mutex_);
  sources_.push_back(std::move(render));
}

std::string Metrics::render() const {
  std::string out;
  std::vector<std::function<void(std::string&)>> sources;
  {
    std::lock_guard lock(mutex_);
    out += "# HELP http_requests_total Requests answered, by route template, method and status.\n";
    out += "# TYPE http_requests_total counter\n";
    for (const auto& [_, s] : series_)
      out += fmt::format("http_requests_total{{{}}} {}\n", s->labels, s->duration.count());
    render_histogram_header(out, "http_request_duration_seconds", "Time from request head to response.");
    for (const auto& [_, s] : series_) s->duration.render(out, "http_request_duration_seconds", s->labels);
    sources = sources_;
  }
  for (const auto& source : sources) source(out);
  return out;
}

}  // namespace ignition::http
