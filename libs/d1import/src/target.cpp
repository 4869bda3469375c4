#include "target.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <ignition/common/json.hpp>
#include <stdexcept>

namespace ignition::d1import::detail {

namespace json = boost::json;

namespace {

// docs/schema.md: users.created_at NULL (joined before 2024-11-15) -> launch day.
constexpr std::string_view launch_day = "2024-10-01 00:00:00.000000+00";

struct Rename {
  std::string_view table;
  std::string_view from;
  std::string_view to;  ///< "" = not a column of its own (folded into a derived value or dropped)
};

// Renames of docs/schema.md's "Legacy -> new" table. Every other column keeps its name, minus
// a `_json` suffix.
constexpr Rename renames[] = {
    {"users", "emailVerified", "email_verified_at"},
    {"users", "tos_version", "tos_accepted_version"},
    {"users", "tos_accepted", ""},  // equals tos_accepted_at IS NOT NULL
    {"accounts", "userId", "user_id"},
    {"accounts", "providerAccountId", "provider_account_id"},
    {"user_settings", "nudge_intensity", ""},  // the settings object
    {"user_settings", "default_focus_duration", ""},
    {"user_settings", "gamification_visible", ""},
    {"user_settings", "planner_mode", ""},
    {"user_settings", "theme", ""},
    {"user_settings", "notifications_enabled", ""},
    {"user_settings", "sound_enabled", ""},
    {"user_settings", "timezone", ""},
    {"user_settings", "preferences_json", ""},
    {"calendar_events", "start_time", "starts_at"},
    {"calendar_events", "end_time", "ends_at"},
    {"books", "completed_at", "finished_at"},
    {"learn_lessons", "audio_r2_key", "audio_storage_key"},
    {"reference_tracks", "r2_key", "storage_key"},
    {"reference_tracks", "mime_type", "content_type"},
    {"reference_tracks", "bytes", "size_bytes"},
    {"ideas", "content", "body"},
    {"feedback", "type", "kind"},
};

// Target tables with a NOT NULL jsonb array column whose legacy column may be NULL or invalid
// (target column names).
bool empty_array_default(std::string_view table, std::string_view column) {
  return (table == "exercises" && column == "muscle_groups") || (table == "reference_tracks" && column == "tags") ||
         (table == "ideas" && column == "tags");
}

bool has_legacy_id(std::string_view table) {
  for (auto t : {"onboarding_flows", "onboarding_steps", "quests", "universal_quests", "exercises", "learn_topics",
                 "learn_lessons", "market_items", "achievement_definitions"}) {
    if (table == t) return true;
  }
  return false;
}

// Tables whose target has updated_at where legacy had none: it takes created_at.
bool updated_from_created(std::string_view table) {
  return table == "focus_sessions" || table == "quests" || table == "goal_milestones" || table == "exercises" ||
         table == "program_weeks";
}

// Child tables that take user_id from their parent: the reference column and parent table.
std::optional<std::pair<std::string_view, std::string_view>> owner_from(std::string_view table) {
  if (table == "goal_milestones") return std::pair{std::string_view("goal_id"), std::string_view("goals")};
  if (table == "program_weeks") return std::pair{std::string_view("program_id"), std::string_view("training_programs")};
  if (table == "track_analysis_cache")
    return std::pair{std::string_view("track_id"), std::string_view("reference_tracks")};
  return std::nullopt;
}

const Cell& cell_of(const TableSpec& spec, const std::vector<Cell>& cells, std::string_view column) {
  return cells[spec.column_index(column)];
}

}  // namespace

bool seeded_catalogue(std::string_view table) noexcept {
  for (auto t : {"achievement_definitions", "exercises", "market_items", "learn_topics", "learn_lessons",
                 "onboarding_flows", "onboarding_steps", "universal_quests"}) {
    if (table == t) return true;
  }
  return false;
}

void RowLog::commit(std::size_t table, Report& report) const {
  for (auto counter : counters) report.count(table, std::string(counter));
  for (const auto& [list, item] : entries) report.list(std::string(list)).push_back(item);
}

RowConverter::RowConverter(std::size_t table, const Plan& plan, const ColumnTypes& types)
    : spec_(inventory()[table]), plan_(plan), types_(types), target_(spec_.name) {}

void RowConverter::repair(RowLog& log, const std::string& raw_id, std::string_view column, std::string_view reason) {
  log.repaired = true;
  log.entries.emplace_back("repairs",
                           json::object{{"table", spec_.name}, {"id", raw_id}, {"column", column}, {"reason", reason}});
}

std::string_view RowConverter::target_name(std::size_t column) const {
  const auto name = spec_.columns[column].name;
  for (const auto& r : renames) {
    if (r.table == spec_.name && r.from == name) return r.to;
  }
  if (name.ends_with("_json")) return name.substr(0, name.size() - 5);
  return name;
}

Cell RowConverter::convert_cell(std::size_t column, const Value& value, const std::string& raw_id, RowLog& log) {
  const auto& col = spec_.columns[column];
  if (value.is_null()) return std::nullopt;
  // R8: '' in a nullable column is NULL, whatever the column's kind.
  if (value.is_empty_text() && !col.not_null) {
    log.counters.push_back("empty_string_to_null");
    return std::nullopt;
  }
  // A value of the wrong kind: no rule keeps it, so the column takes NULL.
  auto unusable = [&](std::string_view reason) -> Cell {
    repair(log, raw_id, col.name, reason);
    return std::nullopt;
  };
  switch (col.kind) {
    case Kind::id: return normalize_id(spec_.name, value.to_string()).to_string();
    case Kind::ref: {
      const auto& ref = spec_.reference(col.name);
      const auto target = plan_.resolve(ref, value);
      if (!plan_.is_kept(ref, target)) {
        // Only `null` references get here: rows with a missing `skip` parent are not kept.
        log.counters.push_back("fk_set_null");
        log.repaired = true;
        return std::nullopt;
      }
      return target.by_key ? target.key : target.id.to_string();
    }
    case Kind::text: return value.to_string();
    case Kind::integer: {
      if (auto n = as_integer(value)) return std::to_string(*n);
      return unusable("not_an_integer");
    }
    case Kind::real: {
      if (auto x = as_real(value)) return fmt::format("{}", *x);
      return unusable("not_a_number");
    }
    case Kind::boolean: {
      bool from_text = false;
      auto b = parse_boolean(value, from_text);
      if (!b) return unusable("not_a_boolean");
      if (from_text) log.counters.push_back("text_booleans");
      return *b ? "t" : "f";
    }
    case Kind::timestamp:
    case Kind::date:
    case Kind::epoch_seconds: {
      std::optional<std::string> converted;
      if (col.kind == Kind::date) {
        if (auto d = parse_calendar_date(value)) converted = format_date(*d);
      } else if (auto t = parse_datetime(value, col.kind == Kind::epoch_seconds)) {
        converted = format_pg_timestamp(*t);
      }
      if (!converted) {
        // R5: unparseable -> NULL, reported; the row stays.
        log.counters.push_back("unparseable_datetime_to_null");
        log.repaired = true;
        log.entries.emplace_back(
            "unparseable_datetimes",
            json::object{{"table", spec_.name}, {"id", raw_id}, {"column", col.name}, {"value", value.to_string()}});
        return std::nullopt;
      }
      return converted;
    }
    case Kind::json: {
      std::string text = value.to_string();
      if (is_strict_json(text)) return text;
      // R7: invalid JSON is reported and becomes NULL, or [] in a NOT NULL column.
      log.counters.push_back("invalid_json");
      log.repaired = true;
      log.entries.emplace_back("invalid_json",
                               json::object{{"table", spec_.name},
                                            {"id", raw_id},
                                            {"column", col.name},
                                            {"becomes", col.not_null ? json::value("[]") : json::value(nullptr)},
                                            {"value_prefix", ignition::json::clean_utf8(utf8_prefix(text, 60), 60)},
                                            {"value_length", utf8_length(text)}});
      if (col.not_null) return std::string("[]");
      return std::nullopt;
    }
  }
  return unusable("no_rule");
}

void RowConverter::convert(const Row& row, TargetRow& out, RowLog& log) {
  out.clear();
  const auto pk = spec_.primary_key();
  const std::string raw_id = row[pk].to_string();
  if (!Uuid::parse(raw_id)) log.counters.push_back("legacy_ids");
  std::vector<Cell> cells(row.size());
  for (std::size_t c = 0; c < row.size(); ++c) {
    cells[c] = convert_cell(c, row[c], raw_id, log);
    const auto name = target_name(c);
    if (!name.empty()) {
      out.emplace_back(name, cells[c]);
    } else if (cells[c] && (spec_.columns[c].kind == Kind::text || spec_.columns[c].kind == Kind::json)) {
      // A column folded into a derived value (user_settings' keys): storable before it is folded.
      const auto kind = spec_.columns[c].kind == Kind::text ? PgType::text : PgType::jsonb;
      const auto result = d1import::make_storable(kind, *cells[c]);
      if (result.outcome != Storability::storable) repair(log, raw_id, spec_.columns[c].name, result.reason);
      if (result.outcome == Storability::unusable) cells[c].reset();
    }
  }
  derive(row, cells, out);
  make_storable(out, raw_id, log);
  // The NOT NULL jsonb arrays whose legacy column may be NULL or unusable (R7's fallback).
  for (auto& [name, cell] : out) {
    if (!cell && empty_array_default(spec_.name, name)) cell = "[]";
  }
}

// What Postgres cannot take as it is (docs/import.md "Values Postgres cannot store").
void RowConverter::make_storable(TargetRow& out, const std::string& raw_id, RowLog& log) {
  for (auto& [name, cell] : out) {
    if (!cell) continue;
    const auto type = types_.find(std::string(name));
    if (type == types_.end()) continue;
    const auto result = d1import::make_storable(type->second, *cell);
    if (result.outcome == Storability::storable) continue;
    repair(log, raw_id, name, result.reason);
    if (result.outcome == Storability::unusable) cell.reset();
  }
}

// The values docs/schema.md derives (new columns, folded columns, per-table fixes).
void RowConverter::derive(const Row& row, const std::vector<Cell>& cells, TargetRow& out) {
  auto set = [&](std::string_view column, Cell value) {
    for (auto& [name, cell] : out) {
      if (name == column) {
        cell = std::move(value);
        return;
      }
    }
    out.emplace_back(column, std::move(value));
  };
  const auto table = spec_.name;
  const auto pk = spec_.primary_key();

  if (has_legacy_id(table)) {
    const auto raw = row[pk].to_string();
    set("legacy_id", Uuid::parse(raw) ? Cell{} : Cell{raw});
  }
  if (updated_from_created(table)) set("updated_at", cell_of(spec_, cells, "created_at"));
  if (auto owner = owner_from(table)) {
    const auto& ref = spec_.reference(owner->first);
    const auto parent = plan_.resolve(ref, row[spec_.column_index(owner->first)]);
    const auto& owners = plan_.tables[*find_table(owner->second)].owner;
    const auto it = owners.find(parent.id);
    set("user_id", it == owners.end() ? Cell{} : Cell{it->second.to_string()});
  }

  if (table == "users") {
    // R10: emails are imported trimmed and lower-cased.
    if (const auto& email = cell_of(spec_, cells, "email")) set("email", normalize_email(*email));
    for (auto column : {"created_at", "updated_at"}) {
      if (!cell_of(spec_, cells, column)) set(column, std::string(launch_day));
    }
  } else if (table == "accounts") {
    // New created_at: the user's.
    const auto user = plan_.resolve(spec_.references.front(), row[spec_.column_index("userId")]);
    const auto it = plan_.user_created_at.find(user.id);
    set("created_at",
        it != plan_.user_created_at.end() && it->second ? format_pg_timestamp(*it->second) : std::string(launch_day));
  } else if (table == "user_settings") {
    // One settings object: preferences_json (if an object) with one key per legacy column.
    json::object settings;
    if (const auto& prefs = cell_of(spec_, cells, "preferences_json")) {
      // Any depth R7 accepts (Boost.JSON's default stops at 32).
      json::parse_options options;
      options.max_depth = max_json_depth;
      boost::system::error_code ec;
      auto parsed = json::parse(*prefs, ec, {}, options);
      if (!ec && parsed.is_object()) settings = std::move(parsed.as_object());
    }
    for (auto column : {"nudge_intensity", "default_focus_duration", "gamification_visible", "planner_mode", "theme",
                        "notifications_enabled", "sound_enabled", "timezone"}) {
      const auto c = spec_.column_index(column);
      const auto& cell = cells[c];
      if (!cell) continue;
      switch (spec_.columns[c].kind) {
        case Kind::integer: settings[column] = as_integer(row[c]).value_or(0); break;
        case Kind::boolean: settings[column] = *cell == "t"; break;
        default: settings[column] = *cell;
      }
    }
    set("settings", json::serialize(settings));
  } else if (table == "quests") {
    const auto& status = cell_of(spec_, cells, "status");
    set("target", std::string("1"));
    set("progress", std::string(status && *status == "completed" ? "1" : "0"));
  } else if (table == "habit_logs") {
    // log_date: the UTC day of completed_at.
    const auto& completed = cell_of(spec_, cells, "completed_at");
    set("log_date", completed ? Cell{completed->substr(0, 10)} : Cell{});
  } else if (table == "user_wallet") {
    const auto user = plan_.resolve(spec_.references.front(), row[spec_.column_index("user_id")]);
    if (auto it = plan_.wallets.find(user.id); it != plan_.wallets.end()) {
      // A sum past int64 is unusable (the NOT NULL column then refuses the wallet).
      auto sum = [](const std::optional<std::int64_t>& n) { return n ? Cell{std::to_string(*n)} : Cell{}; };
      set("coins", sum(it->second.coins));
      set("xp", sum(it->second.xp));
      set("total_skill_stars", sum(it->second.total_skill_stars));
    }
  } else if (table == "reference_tracks") {
    if (const auto& sha = cell_of(spec_, cells, "sha256")) set("sha256", "\\x" + *sha);
  } else if (table == "ideas") {
    // title: the first line of content, at most 200 characters.
    const auto& content = cell_of(spec_, cells, "content");
    const std::string_view body = content ? std::string_view(*content) : std::string_view();
    // ideas.title may not be empty: an idea whose first line is empty is "Untitled".
    auto title = std::string(utf8_prefix(body.substr(0, body.find('\n')), 200));
    set("title", title.empty() ? std::string("Untitled") : std::move(title));
  }
}

}  // namespace ignition::d1import::detail
