#pragma once
/// In-app feedback to the team. It outlives its author (user_id is set NULL when the
/// account is deleted); admins triage it.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include <ignition/common/uuid.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::feedback {

struct NewFeedback {
  std::string kind;  // bug | idea | other
  std::string message;
  std::optional<std::string> page_url;
  std::optional<std::string> user_agent;
};

/// Records the feedback; returns {id, kind, message, page_url, status, created_at}.
boost::asio::awaitable<boost::json::object> submit(db::Pool& pool, Uuid user, NewFeedback feedback);

}  // namespace ignition::feedback
