#include <ignition/db/timings.hpp>

namespace ignition::db {

void Timings::statement(std::string_view name, double seconds) {
  Histogram* histogram = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = statements_.find(name);
    if (it == statements_.end()) it = statements_.emplace(std::string(name), std::make_unique<Histogram>()).first;
    histogram = it->second.get();
  }
  histogram->observe(seconds);
}

void Timings::render(std::string& out) const {
  render_histogram_header(
      out, "db_query_duration_seconds",
      "Time from sending a prepared statement to its whole result or its failure, by statement name.");
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, histogram] : statements_) {
      // Names are [a-z0-9_] constants of the code: nothing to escape.
      histogram->render(out, "db_query_duration_seconds", "statement=\"" + name + "\"");
    }
  }
  render_histogram_header(out, "db_pool_acquire_duration_seconds",
                          "Time a request waited for a pooled connection (opening one included), timeouts too.");
  acquire_.render(out, "db_pool_acquire_duration_seconds", "");
}

}  // namespace ignition::db
