#pragma once
/// The daily plan: one per user and day, an ordered list of items plus notes, replaced
/// as a whole by each save.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::planner {

namespace rules {
inline constexpr std::size_t max_items = 100;
inline constexpr domain::Text title{1, 200};
inline constexpr domain::Text kind{0, 32};
inline constexpr domain::Text notes{0, 5'000};
}  // namespace rules

struct Item {
  std::string title;
  bool done = false;
  std::optional<std::string> time;  // "HH:MM"
  std::optional<std::string> kind;
};

domain::Check check(const Item& item);
/// The plan's rules, each item's as "items[i].field".
domain::Check check(const std::vector<Item>& items, const std::optional<std::string>& notes);

/// The plan of `date` (YYYY-MM-DD). A day without a saved plan is not an error: it
/// reads as {"date": date, "items": [], "notes": null}.
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, std::string date);
/// Creates or replaces the plan of `date` with `items`, in this order, and `notes`.
boost::asio::awaitable<boost::json::object> put(db::Pool& pool, Uuid user, std::string date, std::vector<Item> items,
                                                std::optional<std::string> notes);

}  // namespace ignition::planner
