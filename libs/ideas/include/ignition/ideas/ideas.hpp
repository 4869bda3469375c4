#pragma once
/// Ideas: quick notes with tags and a favorite flag, listed newest first and filtered
/// by tag or favorite.

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

namespace ignition::ideas {

namespace rules {
inline constexpr domain::Text title{1, 200};
inline constexpr domain::Text body{0, 20'000};
inline constexpr domain::TextList tags{10, {1, 32}};
}  // namespace rules

struct NewIdea {
  std::string title;
  std::optional<std::string> body;
  std::vector<std::string> tags;
  bool is_favorite = false;
};

struct IdeaChanges {
  domain::Change<std::string> title;
  domain::Change<std::string> body;
  domain::Change<std::vector<std::string>> tags;
  domain::Change<bool> is_favorite;
};

domain::Check check(const NewIdea& idea);
domain::Check check(const IdeaChanges& changes);

struct Filter {
  std::optional<std::string> tag;
  std::optional<bool> favorite;
};

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewIdea idea);
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, Filter filter, domain::PageRequest page);
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, IdeaChanges changes);
/// Error(not_found) when there is no such idea of this user.
boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id);

}  // namespace ignition::ideas
