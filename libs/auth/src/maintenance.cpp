#include <ignition/auth/maintenance.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <ignition/auth/metrics.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/common/log.hpp>

namespace asio = boost::asio;

namespace ignition::auth {

asio::awaitable<void> session_maintenance(SessionStore& store, AuthMetrics& metrics,
                                          std::chrono::milliseconds cleanup_interval) {
  constexpr auto tick = std::chrono::seconds(60);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto next_cleanup = std::chrono::steady_clock::now();
  for (;;) {
    try {
      if (std::chrono::steady_clock::now() >= next_cleanup) {
        auto deleted = co_await store.delete_expired();
        if (deleted > 0) log::info("expired sessions deleted", {{"count", deleted}});
        next_cleanup = std::chrono::steady_clock::now() + cleanup_interval;
      }
      auto active = co_await store.count_active();
      metrics.set_active_sessions(active);
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) throw;  // shutting down
      log::warn("session maintenance failed", {{"error", e.what()}});
    } catch (const std::exception& e) {
      log::warn("session maintenance failed", {{"error", e.what()}});
    }
    timer.expires_after(std::min<std::chrono::steady_clock::duration>(tick, cleanup_interval));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace ignition::auth
