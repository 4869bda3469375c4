#pragma once
/// A dedicated LISTEN connection that delivers notifications to subscribers. It
/// reconnects by itself with backoff; since notifications sent while it was away are
/// lost, subscribers are told when it (re)connects so they can resynchronise (e.g. a
/// cache drops everything).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

namespace ignition::db {

class Listener {
 public:
  using Handler = std::function<void(std::string_view payload)>;

  Listener(boost::asio::any_io_executor executor, std::string url,
           std::chrono::milliseconds connect_timeout = std::chrono::seconds(5));
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  /// Before start(): deliver payloads on `channel` ([a-z_][a-z0-9_]*, else
  /// std::invalid_argument) to `handler` (called on an I/O thread; keep it short).
  void subscribe(std::string channel, Handler handler);
  /// Before start(): called after every successful (re)connection, once LISTEN is in
  /// place.
  void on_connected(std::function<void()> handler);

  void start();
  /// Stops listening; returns at once, the loop ends on its own.
  void stop();
  bool connected() const noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace ignition::db
