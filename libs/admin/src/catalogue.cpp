#include <ignition/admin/catalogue.hpp>
#include <ignition/domain/rules.hpp>

#include <fmt/format.h>
#include <algorithm>
#include <functional>
#include <map>
#include <mutex>

#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::admin {

namespace {

using enum FieldKind;

constexpr std::int64_t max_reward = 1'000'000;
constexpr std::int64_t max_order = 1'000'000;

const Field sort_order{"sort_order", integer, false, -max_order, max_order};
const Field description{"description", text, false, 0, 5'000};
const Field icon{"icon", text, false, 1, 64};

const std::vector<Catalogue> all = {
    {"quests",
     "universal_quests",
     "quest",
     {{"title", text, true, 1, 200},
      description,
      {"type", choice, false, 0, 0, {"daily", "weekly"}},
      {"xp_reward", integer, false, 0, max_reward},
      {"coin_reward", integer, false, 0, max_reward},
      {"target", integer, false, 1, 1'000'000},
      {"skill_key", text, false, 1, 64},
      {"is_active", boolean}},
     "created_at, id",
     "true",
     true},
    {"market-items",
     "market_items",
     "market item",
     {{"key", text, true, 1, 64},
      {"name", text, true, 1, 200},
      description,
      {"category", text, true, 1, 64},
      {"cost_coins", integer, true, 0, max_reward},
      icon,
      {"is_available", boolean},
      {"is_active", boolean},
      {"is_consumable", boolean},
      sort_order},
     "sort_order, created_at, id",
     "is_global"},
    {"achievements",
     "achievement_definitions",
     "achievement",
     {{"key", text, true, 1, 64},
      {"name", text, true, 1, 200},
      description,
      {"category", text, true, 1, 64},
      icon,
      {"trigger_type", choice, true, 0, 0, {"count"}},
      {"trigger_config", object, true},
      {"reward_coins", integer, false, 0, max_reward},
      {"reward_xp", integer, false, 0, max_reward},
      {"is_hidden", boolean},
      sort_order},
     "sort_order, created_at, id"},
    {"learn/topics",
     "learn_topics",
     "topic",
     {{"key", text, true, 1, 64},
      {"name", text, true, 1, 200},
      description,
      {"category", text, true, 1, 64},
      icon,
      sort_order},
     "sort_order, created_at, id"},
    {"learn/lessons",
     "learn_lessons",
     "lesson",
     {{"topic_id", uuid, true},
      {"key", text, true, 1, 64},
      {"title", text, true, 1, 200},
      description,
      {"content_markdown", text, false, 0, 100'000},
      {"duration_minutes", integer, false, 0, 600},
      {"difficulty", choice, false, 0, 0, {"beginner", "intermediate", "advanced"}},
      {"quiz", object},
      {"xp_reward", integer, false, 0, max_reward},
      {"coin_reward", integer, false, 0, max_reward},
      {"skill_key", text, false, 1, 64},
      sort_order,
      {"is_published", boolean}},
     "topic_id, sort_order, created_at, id"},
    {"onboarding/steps",
     "onboarding_steps",
     "onboarding step",
     {{"flow_id", uuid, true},
      {"step_order", integer, true, 1, 1'000},
      {"step_type", choice, true, 0, 0, {"explain", "choice", "preference", "tour", "action"}},
      {"title", text, true, 1, 200},
      description,
      {"target_selector", text, false, 1, 200},
      {"target_route", text, false, 1, 200},
      {"fallback_content", text, false, 0, 5'000},
      {"options", json},
      {"allows_multiple", boolean},
      {"required", boolean},
      {"action_type", text, false, 1, 64},
      {"action_config", object}},
     "flow_id, step_order"},
};

// Whether a value obeys its field's rule; the reader keeps the problem when not.
bool obeys(json::ObjectReader& r, const domain::Check& rule) {
  const auto problems = rule.problems();
  r.fail(problems);
  return problems.empty();
}

// One field's value, or nothing when it is absent or wrong (the reader keeps the problem).
std::optional<boost::json::value> read_value(json::ObjectReader& r, const Field& f, bool required) {
  switch (f.kind) {
    case text: {
      const domain::Text rule{static_cast<std::size_t>(f.min), static_cast<std::size_t>(f.max)};
      if (auto v = r.string(f.name, required); v && obeys(r, domain::Check().text(f.name, *v, rule)))
        return boost::json::value(*v);
      break;
    }
    case integer:
      if (auto v = r.integer(f.name, required); v && obeys(r, domain::Check().integer(f.name, v, {f.min, f.max})))
        return boost::json::value(*v);
      break;
    case boolean:
      if (auto v = r.boolean(f.name, required)) return boost::json::value(*v);
      break;
    case object:
      if (auto v = r.object(f.name, required)) return boost::json::value(std::move(*v));
      break;
    case json:
      if (const auto* v = r.any(f.name, required)) return *v;
      break;
    case uuid:
      if (auto v = r.string(f.name, required)) {
        if (auto id = Uuid::parse(*v)) return boost::json::value(id->to_string());
        r.fail(f.name, "must be a UUID");
      }
      break;
    case choice:
      if (auto v = r.string(f.name, required); v && obeys(r, domain::Check().choice(f.name, *v, f.choices)))
        return boost::json::value(*v);
      break;
  }
  return std::nullopt;
}

// Connections keep the name and SQL of what they prepared, so the statements built here
// live as long as the process: one per catalogue, operation and set of columns.
db::Statement interned(std::string name, const std::function<std::string()>& make_sql) {
  static std::mutex mutex;
  static std::map<std::string, std::string, std::less<>> statements;  // name → SQL
  std::lock_guard lock(mutex);
  auto it = statements.find(name);
  if (it == statements.end()) it = statements.emplace(std::move(name), make_sql()).first;
  return db::Statement{it->first, it->second};
}

std::string quoted(std::string_view identifier) { return fmt::format("\"{}\"", identifier); }

// The fields present in `values`, in catalogue order (so equal sets give equal SQL), and a
// bit mask of them that names the prepared statement.
std::pair<std::string, unsigned long> columns_of(const Catalogue& c, const boost::json::object& values) {
  std::vector<std::string> names;
  unsigned long mask = 0;
  for (std::size_t i = 0; i < c.fields.size(); ++i) {
    if (!values.contains(c.fields[i].name)) continue;
    names.push_back(quoted(c.fields[i].name));
    mask |= 1UL << i;
  }
  return {fmt::format("{}", fmt::join(names, ", ")), mask};
}

// Postgres' refusals in the words of the catalogue.
[[noreturn]] void rethrow_write_error(const Catalogue& c) {
  try {
    throw;
  } catch (const db::UniqueViolation&) {
    throw Error(ErrorCode::conflict, fmt::format("a {} with that key or order already exists", c.what));
  } catch (const db::ForeignKeyViolation&) {
    std::map<std::string, std::string> problems;
    for (const auto& f : c.fields)
      if (f.kind == uuid) problems.emplace(std::string(f.name), "must name an existing row");
    throw Error(fmt::format("invalid {}", c.what), std::move(problems));
  } catch (const db::CheckViolation&) {
    throw Error(fmt::format("invalid {}", c.what), {{"body", "breaks a rule of the catalogue"}});
  }
}

boost::asio::awaitable<boost::json::object> lock(db::Transaction& tx, const Catalogue& c, Uuid id) {
  const auto statement = interned(fmt::format("admin_{}_lock", c.table), [&] {
    return fmt::format("SELECT * FROM {} WHERE id = $1 AND {} FOR UPDATE", c.table, c.scope);
  });
  auto rows = co_await tx.execute(statement, id);
  co_return domain::one_or_not_found(rows, c.what);
}

std::string action(const Catalogue& c, std::string_view verb) { return fmt::format("{}.{}", c.table, verb); }

}  // namespace

const std::vector<Catalogue>& catalogues() { return all; }

boost::json::object read_fields(const Catalogue& c, const boost::json::object& body, bool creating) {
  json::ObjectReader reader(body);
  boost::json::object values;
  for (const auto& field : c.fields) {
    if (!reader.has(field.name)) {
      if (creating && field.required) reader.fail(field.name, "is required");
      continue;
    }
    if (reader.any(field.name, false) == nullptr) {  // null: clear the column
      if (field.required) {
        reader.fail(field.name, "must not be null");
      } else {
        values[field.name] = nullptr;
      }
      continue;
    }
    if (auto value = read_value(reader, field, false)) values[field.name] = std::move(*value);
  }
  reader.finish();
  return values;
}

boost::asio::awaitable<boost::json::array> list(db::Pool& pool, const Catalogue& c) {
  const auto statement = interned(fmt::format("admin_{}_list", c.table), [&] {
    return fmt::format("SELECT * FROM {} WHERE {} ORDER BY {}", c.table, c.scope, c.order_by);
  });
  auto rows = co_await pool.execute(statement);
  co_return domain::to_array(rows);
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, const Catalogue& c, Uuid id) {
  const auto statement = interned(fmt::format("admin_{}_get", c.table), [&] {
    return fmt::format("SELECT * FROM {} WHERE id = $1 AND {}", c.table, c.scope);
  });
  auto rows = co_await pool.execute(statement, id);
  co_return domain::one_or_not_found(rows, c.what);
}

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, const Actor& actor, const Catalogue& c,
                                                   boost::json::object fields) {
  const auto columns_and_mask = columns_of(c, fields);
  const std::string& columns = columns_and_mask.first;
  const auto mask = columns_and_mask.second;
  // Values travel as one JSON parameter; Postgres converts each to its column's type.
  const auto statement = interned(fmt::format("admin_{}_insert_{:x}", c.table, mask), [&] {
    return fmt::format("INSERT INTO {0} ({1}) SELECT {1} FROM jsonb_populate_record(NULL::{0}, $1::jsonb) RETURNING *",
                       c.table, columns);
  });
  const db::JsonText values = domain::json_param(boost::json::value(std::move(fields)));
  auto tx = co_await db::Transaction::begin(pool);
  db::Result rows;
  try {
    rows = co_await tx.execute(statement, values);
  } catch (const db::Error&) {
    rethrow_write_error(c);
  }
  auto created = domain::to_object(rows, 0);
  co_await audit(tx, actor, action(c, "created"), std::string(c.table), rows.one().get<std::string>(0), std::nullopt,
                 created);
  co_await tx.commit();
  co_return created;
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, const Actor& actor, const Catalogue& c, Uuid id,
                                                   boost::json::object fields) {
  auto tx = co_await db::Transaction::begin(pool);
  auto before = co_await lock(tx, c, id);
  if (fields.empty()) co_return before;
  const auto columns_and_mask = columns_of(c, fields);
  const std::string& columns = columns_and_mask.first;
  const auto mask = columns_and_mask.second;
  const auto statement = interned(fmt::format("admin_{}_update_{:x}", c.table, mask), [&] {
    return fmt::format(
        "UPDATE {0} SET ({1}) = (SELECT {1} FROM jsonb_populate_record(NULL::{0}, $2::jsonb)){2}"
        " WHERE id = $1 RETURNING *",
        c.table, columns, c.has_updated_at ? ", updated_at = now()" : "");
  });
  const db::JsonText values = domain::json_param(boost::json::value(std::move(fields)));
  db::Result rows;
  try {
    rows = co_await tx.execute(statement, id, values);
  } catch (const db::Error&) {
    rethrow_write_error(c);
  }
  auto after = domain::to_object(rows, 0);
  co_await audit(tx, actor, action(c, "updated"), std::string(c.table), id.to_string(), before, after);
  co_await tx.commit();
  co_return after;
}

boost::asio::awaitable<void> remove(db::Pool& pool, const Actor& actor, const Catalogue& c, Uuid id) {
  auto tx = co_await db::Transaction::begin(pool);
  auto before = co_await lock(tx, c, id);
  const auto statement = interned(fmt::format("admin_{}_delete", c.table),
                                  [&] { return fmt::format("DELETE FROM {} WHERE id = $1", c.table); });
  try {
    co_await tx.execute(statement, id);
  } catch (const db::ForeignKeyViolation&) {
    throw Error(ErrorCode::conflict, fmt::format("this {} is still in use", c.what));
  }
  co_await audit(tx, actor, action(c, "deleted"), std::string(c.table), id.to_string(), before, std::nullopt);
  co_await tx.commit();
}

}  // namespace ignition::admin
