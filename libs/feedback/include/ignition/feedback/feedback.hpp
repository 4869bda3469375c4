#pragma once
/// In-app feedback to the team. It outlives its author (user_id is set NULL when the
/// account is deleted); admins triage it.

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::feedback {

namespace rules {
inline constexpr std::array<std::string_view, 3> kinds{"bug", "idea", "other"};
inline constexpr domain::Text message{1, 5'000};
inline constexpr domain::Text page_url{1, 2'048};
/// The triage states an admin moves feedback through.
inline constexpr std::array<std::string_view, 3> statuses{"new", "triaged", "closed"};
}  // namespace rules

struct NewFeedback {
  std::string kind;  // one of rules::kinds
  std::string message;
  std::optional<std::string> page_url;
  std::optional<std::string> user_agent;
};

domain::Check check(const NewFeedback& feedback);

/// Records the feedback (Error(validation_failed) when it breaks the rules); returns
/// {id, kind, message, page_url, status, created_at}.
boost::asio::awaitable<boost::json::object> submit(db::Pool& pool, Uuid user, NewFeedback feedback);

}  // namespace ignition::feedback
