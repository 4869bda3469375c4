#include <ignition/auth/maintenance.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include <ignition/auth/metrics.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/common/log.hpp>

namespace asio = boost::asio;

namespace ignition::auth {

namespace {
using Steady = std::chrono::steady_clock;
constexpr auto activity_tick = std::chrono::seconds(1);
constexpr auto gauge_tick = std::chrono::seconds(60);
}  // namespace

asio::awaitable<void> session_maintenance(SessionStore& store, AuthMetrics& metrics,
                                          std::chrono::milliseconds cleanup_interval) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto next_cleanup = Steady::now();
  auto next_gauge = Steady::now();
  // While the database is down every tick fails: that is said once a minute, not every second.
  std::optional<Steady::time_point> warned;
  auto warn = [&warned](const char* error) {
    if (warned && Steady::now() - *warned < gauge_tick) return;
    log::warn("session maintenance failed", {{"error", error}});
    warned = Steady::now();
  };
  for (;;) {
    try {
      co_await store.write_activity();
      if (Steady::now() >= next_cleanup) {
        next_cleanup = Steady::now() + std::min<Steady::duration>(gauge_tick, cleanup_interval);  // if it fails
        auto deleted = co_await store.delete_expired();
        if (deleted > 0) log::info("expired sessions deleted", {{"count", deleted}});
        next_cleanup = Steady::now() + cleanup_interval;
      }
      if (Steady::now() >= next_gauge) {
        next_gauge = Steady::now() + gauge_tick;
        auto active = co_await store.count_active();
        metrics.set_active_sessions(active);
      }
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) throw;  // shutting down
      warn(e.what());
    } catch (const std::exception& e) {
      warn(e.what());
    }
    timer.expires_after(std::min<Steady::duration>(activity_tick, cleanup_interval));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace ignition::auth
