#include <ignition/planner/planner.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <ignition/db/pool.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::planner {

namespace {

#define PLAN_COLUMNS "id, date, items, notes, created_at, updated_at"

const db::Statement get_statement{"planner_get",
                                  "SELECT " PLAN_COLUMNS " FROM daily_plans WHERE user_id = $1 AND date = $2::date"};
const db::Statement put_statement{
    "planner_put",
    "INSERT INTO daily_plans (user_id, date, items, notes) VALUES ($1, $2::date, $3::jsonb, $4)"
    " ON CONFLICT (user_id, date) DO UPDATE SET items = excluded.items, notes = excluded.notes, updated_at = now()"
    " RETURNING " PLAN_COLUMNS};

#undef PLAN_COLUMNS

db::JsonText items_json(const std::vector<Item>& items) {
  boost::json::array out;
  out.reserve(items.size());
  for (const auto& item : items) {
    boost::json::object o{{"title", item.title}, {"done", item.done}};
    if (item.time) o["time"] = *item.time;
    if (item.kind) o["kind"] = *item.kind;
    out.emplace_back(std::move(o));
  }
  return db::JsonText{boost::json::serialize(out)};
}

}  // namespace

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, std::string date) {
  auto rows = co_await pool.execute(get_statement, user, date);
  if (!rows.empty()) co_return domain::to_object(rows, 0);
  boost::json::object empty;
  empty["date"] = date;
  empty["items"] = boost::json::array();
  empty["notes"] = nullptr;
  co_return empty;
}

domain::Check check(const Item& item) {
  domain::Check c;
  c.text("title", item.title, rules::title).text("kind", item.kind, rules::kind);
  return c;
}

domain::Check check(const std::vector<Item>& items, const std::optional<std::string>& notes) {
  domain::Check c;
  c.items("items", items, rules::max_items).text("notes", notes, rules::notes);
  return c;
}

boost::asio::awaitable<boost::json::object> put(db::Pool& pool, Uuid user, std::string date, std::vector<Item> items,
                                                std::optional<std::string> notes) {
  check(items, notes).done();
  const auto items_text = items_json(items);
  auto rows = co_await pool.execute(put_statement, user, date, items_text, notes);
  co_return domain::to_object(rows, 0);
}

}  // namespace ignition::planner
