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

namespace ignition::db {
class Pool;
}

namespace ignition::books {

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
  int pages = 0;
  std::optional<int> minutes;
  std::optional<std::string> notes;
};

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
