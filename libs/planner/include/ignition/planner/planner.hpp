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

namespace ignition::db {
class Pool;
}

namespace ignition::planner {

inline constexpr std::size_t max_items = 100;

struct Item {
  std::string title;
  bool done = false;
  std::optional<std::string> time;  // "HH:MM"
  std::optional<std::string> kind;
};

/// The plan of `date` (YYYY-MM-DD). A day without a saved plan is not an error: it
/// reads as {"date": date, "items": [], "notes": null}.
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, std::string date);
/// Creates or replaces the plan of `date` with `items`, in this order, and `notes`.
boost::asio::awaitable<boost::json::object> put(db::Pool& pool, Uuid user, std::string date, std::vector<Item> items,
                                                std::optional<std::string> notes);

}  // namespace ignition::planner
