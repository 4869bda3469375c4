#include <ignition/auth/metrics.hpp>

#include <fmt/format.h>

#include <ignition/auth/sessions.hpp>

namespace ignition::auth {

void AuthMetrics::sign_in(const std::string& provider, const std::string& outcome) {
  std::lock_guard lock(mutex_);
  ++sign_ins_[{provider, outcome}];
}

void AuthMetrics::render(std::string& out, const SessionStore& store) const {
  out += "# HELP auth_sign_ins_total Sign-in attempts by provider and outcome.\n# TYPE auth_sign_ins_total counter\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, n] : sign_ins_) {
      out += fmt::format("auth_sign_ins_total{{provider=\"{}\",outcome=\"{}\"}} {}\n", key.first, key.second, n);
    }
  }
  auto cache = store.cache_stats();
  out += fmt::format(
      "# HELP auth_active_sessions Live sessions (refreshed by the cleanup job).\n# TYPE auth_active_sessions gauge\n"
      "auth_active_sessions {}\n"
      "# HELP auth_session_revocations_total Sessions revoked by this instance.\n"
      "# TYPE auth_session_revocations_total counter\nauth_session_revocations_total {}\n"
      "# HELP auth_session_cache_hits_total Sessions served from the in-memory cache.\n"
      "# TYPE auth_session_cache_hits_total counter\nauth_session_cache_hits_total {}\n"
      "# HELP auth_session_cache_misses_total Sessions looked up in Postgres.\n"
      "# TYPE auth_session_cache_misses_total counter\nauth_session_cache_misses_total {}\n"
      "# HELP auth_csrf_rejections_total Unsafe requests refused for CSRF.\n"
      "# TYPE auth_csrf_rejections_total counter\nauth_csrf_rejections_total {}\n"
      "# HELP http_rate_limit_rejections_total Requests refused with 429.\n"
      "# TYPE http_rate_limit_rejections_total counter\nhttp_rate_limit_rejections_total {}\n",
      active_sessions_.load(), revocations_.load(), cache.hits, cache.misses, csrf_rejections_.load(),
      rate_limit_rejections_.load());
  render_histogram_header(out, "auth_session_validation_duration_seconds",
                          "Time to check a session cookie, from the in-memory cache or from Postgres.");
  validations_[from_cache].render(out, "auth_session_validation_duration_seconds", R"(source="cache")");
  validations_[from_database].render(out, "auth_session_validation_duration_seconds", R"(source="database")");
}

}  // namespace ignition::auth
