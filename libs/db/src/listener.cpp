#include <ignition/db/listener.hpp>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <stdexcept>
#include <vector>

#include <ignition/common/log.hpp>
#include <ignition/db/connection.hpp>

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace ignition::db {

struct Listener::State {
  State(asio::any_io_executor ex, std::string u, std::chrono::milliseconds t)
      : strand(asio::make_strand(ex)), url(std::move(u)), connect_timeout(t) {}

  asio::awaitable<void> run();
  asio::awaitable<void> listen_once();

  asio::strand<asio::any_io_executor> strand;  // the loop and its cancellation live here
  std::string url;
  std::chrono::milliseconds connect_timeout;
  std::map<std::string, std::vector<Handler>, std::less<>> handlers;
  std::vector<std::function<void()>> connected_handlers;
  asio::cancellation_signal stop_signal;
  std::atomic<bool> stopping{false};
  std::atomic<bool> is_connected{false};
  bool started = false;
};

namespace {
// A connection can go silent without a reset (a NAT or firewall forgets it, a host vanishes):
// nothing would ever arrive, and subscribers would go on trusting it for hours. So after half a
// second of quiet the server is asked a question; without an answer within a second the
// connection counts as lost (subscribers see connected() false) and is made anew. (A second,
// not less: the wait includes the turn of busy I/O threads, and a false alarm empties caches.)
constexpr auto quiet_before_heartbeat = std::chrono::milliseconds(500);
constexpr auto heartbeat_answer_within = std::chrono::milliseconds(1000);
}  // namespace

asio::awaitable<void> Listener::State::listen_once() {
  auto connection = co_await Connection::connect(strand, url, connect_timeout);
  std::string sql;
  for (const auto& [channel, _] : handlers) sql += "LISTEN " + channel + ";";
  co_await connection->run_script(sql);
  is_connected = true;
  for (const auto& h : connected_handlers) h();
  asio::steady_timer deadline(strand);
  for (;;) {
    auto notifications = co_await connection->wait_notifications(quiet_before_heartbeat);
    if (notifications.empty()) {
      deadline.expires_after(heartbeat_answer_within);
      auto answered = co_await (connection->run_script("SELECT 1") || deadline.async_wait(asio::use_awaitable));
      if (answered.index() == 1) throw std::runtime_error("the database did not answer the listener's heartbeat");
    }
    for (const auto& n : notifications) {
      if (auto it = handlers.find(n.channel); it != handlers.end()) {
        for (const auto& h : it->second) h(n.payload);
      }
    }
  }
}

asio::awaitable<void> Listener::State::run() {
  auto backoff = std::chrono::milliseconds(100);
  asio::steady_timer timer(strand);
  while (!stopping) {
    try {
      co_await listen_once();
    } catch (const std::exception& e) {
      if (is_connected.exchange(false)) backoff = std::chrono::milliseconds(100);
      if (stopping) break;
      log::warn("notification listener disconnected", {{"error", e.what()}});
    }
    timer.expires_after(backoff);
    try {
      co_await timer.async_wait(asio::use_awaitable);
    } catch (const std::exception&) {
      break;  // stopped
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  is_connected = false;
}

Listener::Listener(asio::any_io_executor executor, std::string url, std::chrono::milliseconds connect_timeout)
    : state_(std::make_shared<State>(std::move(executor), std::move(url), connect_timeout)) {}

Listener::~Listener() { stop(); }

void Listener::subscribe(std::string channel, Handler handler) {
  auto valid_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
  };
  bool ok = !channel.empty() && channel.size() < 64;
  for (std::size_t i = 0; ok && i < channel.size(); ++i) ok = valid_char(channel[i], i == 0);
  // The name goes into LISTEN's SQL text (it cannot be a parameter), so it is checked.
  if (!ok) throw std::invalid_argument("invalid notification channel name: " + channel);
  if (state_->started) throw std::logic_error("Listener::subscribe after start");
  state_->handlers[channel].push_back(std::move(handler));
}

void Listener::on_connected(std::function<void()> handler) {
  if (state_->started) throw std::logic_error("Listener::on_connected after start");
  state_->connected_handlers.push_back(std::move(handler));
}

void Listener::start() {
  state_->started = true;
  auto state = state_;
  asio::co_spawn(
      state->strand, [state]() -> asio::awaitable<void> { co_await state->run(); },
      asio::bind_cancellation_slot(state->stop_signal.slot(), asio::detached));
}

void Listener::stop() {
  if (!state_->started || state_->stopping.exchange(true)) return;
  asio::post(state_->strand, [state = state_] { state->stop_signal.emit(asio::cancellation_type::terminal); });
}

bool Listener::connected() const noexcept { return state_->is_connected; }

}  // namespace ignition::db
