#pragma once
/// The knowledge base: the user's own entries and the system's (entries without a user,
/// readable by everyone, changed only by admins), with ranked Postgres full-text search
/// over title and content.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::infobase {

namespace rules {
inline constexpr domain::Text title{1, 200};
inline constexpr domain::Text content{0, 200'000};
inline constexpr domain::Text category{1, 64};
inline constexpr domain::TextList tags{10, {1, 32}};
}  // namespace rules

struct NewEntry {
  std::string title;
  std::string content;
  std::optional<std::string> category;
  std::vector<std::string> tags;
};

struct EntryChanges {
  domain::Change<std::string> title;
  domain::Change<std::string> content;
  domain::Change<std::string> category;
  domain::Change<std::vector<std::string>> tags;
};

domain::Check check(const NewEntry& entry);
domain::Check check(const EntryChanges& changes);

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewEntry entry);
/// The user's own entry or a system entry.
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
/// The user's own and the system entries, newest first.
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);
/// The same entries matching `query` (web-search syntax: words, "phrases", -not, or),
/// best match first (title words weigh more than content words); one page of at most
/// `limit` results, without a cursor.
boost::asio::awaitable<domain::Page> search(db::Pool& pool, Uuid user, std::string query, int limit);
/// Only the user's own entries change; a system entry answers not found.
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, EntryChanges changes);
boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id);

}  // namespace ignition::infobase
