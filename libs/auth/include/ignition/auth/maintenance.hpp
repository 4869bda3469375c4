#pragma once
/// The background job: writes the sessions' due last_active_at every second
/// (SessionStore::write_activity), deletes expired sessions and OAuth states every
/// `cleanup_interval`, and refreshes the active-sessions gauge every minute. Several
/// instances may run it at once (the writes and deletes are idempotent).

#include <boost/asio/awaitable.hpp>
#include <chrono>

namespace ignition::auth {

class SessionStore;
class AuthMetrics;

/// Runs until cancelled; failures (database down) are logged and retried next tick.
boost::asio::awaitable<void> session_maintenance(SessionStore& store, AuthMetrics& metrics,
                                                 std::chrono::milliseconds cleanup_interval);

}  // namespace ignition::auth
