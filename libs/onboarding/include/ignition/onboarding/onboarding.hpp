#pragma once
/// Onboarding: the user walks the active flow's steps in order; they may skip it or
/// start over. The state lives in Postgres, so it survives restarts and devices.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>

#include <ignition/common/uuid.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::onboarding {

/// {flow: {id, name, total_steps}|null, status, current_step_id, started_at, completed_at,
/// skipped_at, responses, steps: [...]}. A user meets the active flow on first read;
/// without an active flow, flow is null, status "none" and steps empty.
boost::asio::awaitable<boost::json::object> state(db::Pool& pool, Uuid user);
/// Completes the current step (with an optional response kept under the step's id) and
/// moves to the next; after the last one the flow is completed. Error(conflict) for any
/// other step of the flow or a finished flow, Error(not_found) for a step not in it.
boost::asio::awaitable<boost::json::object> complete_step(db::Pool& pool, Uuid user, Uuid step,
                                                          std::optional<boost::json::value> response);
boost::asio::awaitable<boost::json::object> skip(db::Pool& pool, Uuid user);
/// Back to the first step with no responses.
boost::asio::awaitable<boost::json::object> reset(db::Pool& pool, Uuid user);

}  // namespace ignition::onboarding
