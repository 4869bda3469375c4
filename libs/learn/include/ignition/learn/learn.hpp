#pragma once
/// Learning content: topics, their lessons, the user's progress, and a dashboard.
/// Completing a lesson pays its reward once, however often it is completed.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::learn {

/// Topics in catalogue order, each with lesson and completion counts for the user.
boost::asio::awaitable<boost::json::array> topics(db::Pool& pool, Uuid user);
/// A topic's published lessons in order, each with the user's status.
/// Error(not_found) for an unknown topic.
boost::asio::awaitable<boost::json::array> lessons(db::Pool& pool, Uuid user, Uuid topic);
/// {lessons_total, lessons_completed, xp_from_lessons, next_lesson|null}.
boost::asio::awaitable<boost::json::object> dashboard(db::Pool& pool, Uuid user);
namespace rules {
inline constexpr domain::Range quiz_score{0, 100};
}

/// Marks a lesson completed (optionally with a rules::quiz_score) and pays its reward the
/// first time. Returns the progress with `rewarded` telling whether this call paid.
boost::asio::awaitable<boost::json::object> complete(db::Pool& pool, Uuid user, Uuid lesson,
                                                     std::optional<std::int64_t> quiz_score);

}  // namespace ignition::learn
