#pragma once
/// Books and reading sessions. The current page never passes the total; reaching the last
/// page (or setting the status) finishes the book and stamps finished_at.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::books {

namespace rules {
inline constexpr domain::Text title{1, 300};
inline constexpr domain::Text author{1, 200};
inline constexpr domain::Text isbn{1, 32};
inline constexpr domain::Range total_pages{1, 100'000};
inline constexpr domain::Range current_page{0, 100'000};
/// A new book is to be read or being read; later it may also be completed or abandoned.
inline constexpr std::array<std::string_view, 2> new_statuses{"want_to_read", "reading"};
inline constexpr std::array<std::string_view, 4> statuses{"want_to_read", "reading", "completed", "abandoned"};
inline constexpr domain::Range rating{1, 5};
inline constexpr domain::Text notes{0, 5'000};
inline constexpr domain::Text cover_url{1, 2'048};
inline constexpr domain::Range session_pages{0, 10'000};
inline constexpr domain::Range session_minutes{0, 1'440};
}  // namespace rules

struct NewBook {
  std::string title;
  std::optional<std::string> author;
  std::optional<std::string> isbn;
  std::optional<std::int64_t> total_pages;
  std::string status = "reading";  // or want_to_read
  std::optional<std::string> cover_url;
};

struct BookChanges {
  domain::Change<std::string> title;
  domain::Change<std::string> author;
  domain::Change<std::string> isbn;
  domain::Change<std::int64_t> total_pages;
  domain::Change<std::int64_t> current_page;
  domain::Change<std::string> status;
  domain::Change<std::int64_t> rating;
  domain::Change<std::string> notes;
  domain::Change<std::string> cover_url;
};

struct Session {
  std::int64_t pages = 0;
  std::optional<std::int64_t> minutes;
  std::optional<std::string> notes;
};

domain::Check check(const NewBook& book);
domain::Check check(const BookChanges& changes);
domain::Check check(const Session& session);

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewBook book);
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);
/// Error(validation_failed) on current_page when it would pass total_pages.
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, BookChanges changes);
boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id);
/// Logs reading: advances the current page (capped at the total) and finishes the book
/// on its last page. Returns {session, book}.
boost::asio::awaitable<boost::json::object> log_session(db::Pool& pool, Uuid user, Uuid book, Session session);

}  // namespace ignition::books
