#include "ignition/d1import/report.hpp"

#include <fmt/format.h>

#include <ignition/d1import/convert.hpp>
#include <ignition/d1import/inventory.hpp>

namespace ignition::d1import {

namespace json = boost::json;

Report::Report() : tables(inventory().size()) {
  for (const char* name : {"not_imported", "duplicate_pk", "merged_users", "orphans", "fk_set_null", "unique_conflicts",
                           "invalid_json", "unparseable_datetimes", "repairs", "refused"}) {
    lists[name] = json::array();
  }
}

json::value Report::to_json() const {
  json::object out;
  out["source"] = source;
  out["format"] = format;
  out["dry_run"] = dry_run;
  json::object ignored;
  for (const auto& [name, rows] : ignored_tables) ignored[name] = rows;
  out["ignored_tables"] = std::move(ignored);

  json::object per_table;
  json::object outcomes;
  json::object written_tables;
  std::int64_t source_total = 0;
  std::int64_t expected_total = 0;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const auto& t = tables[i];
    json::object entry;
    entry["source_rows"] = t.source_rows;
    json::object skipped;
    for (const auto& [reason, rows] : t.skipped) skipped[reason] = rows;
    entry["skipped"] = std::move(skipped);
    entry["expected_rows"] = t.expected_rows;
    for (const auto& [counter, n] : t.counters) {
      if (n != 0) entry[counter] = n;
    }
    const std::string name(inventory()[i].name);
    per_table[name] = std::move(entry);
    std::int64_t skipped_rows = 0;
    for (const auto& [reason, rows] : t.skipped) skipped_rows += rows;
    outcomes[name] = json::object{{"imported", t.expected_rows}, {"repaired", t.repaired}, {"skipped", skipped_rows}};
    if (written && !not_imported_reason(name)) {
      json::object w{{"inserted", t.inserted}, {"already_present", t.already_present}};
      if (t.replaced_seeded != 0) w["replaced_seeded"] = t.replaced_seeded;
      written_tables[name] = std::move(w);
    }
    source_total += t.source_rows;
    expected_total += t.expected_rows;
  }
  out["tables"] = std::move(per_table);
  out["totals"] = json::object{{"source_rows", source_total}, {"expected_rows", expected_total}};
  out["outcomes"] = std::move(outcomes);
  // Values from the source may hold bytes that are not UTF-8: shown cleaned, never raw.
  json::object reports = lists;
  for (auto& [name, list] : reports) {
    for (auto& item : list.as_array()) {
      for (auto& [key, value] : item.as_object()) {
        if (value.is_string()) value = printable(value.get_string());
      }
    }
  }
  out["reports"] = std::move(reports);
  if (written) out["written"] = std::move(written_tables);
  return out;
}

std::string Report::summary() const {
  std::int64_t source_total = 0;
  std::int64_t expected_total = 0;
  std::int64_t inserted = 0;
  std::int64_t present = 0;
  std::int64_t repaired = 0;
  std::map<std::string, std::int64_t> skipped;
  std::map<std::string, std::int64_t> counters;
  for (const auto& t : tables) {
    source_total += t.source_rows;
    expected_total += t.expected_rows;
    inserted += t.inserted;
    present += t.already_present;
    repaired += t.repaired;
    for (const auto& [reason, n] : t.skipped) skipped[reason] += n;
    for (const auto& [counter, n] : t.counters) counters[counter] += n;
  }
  std::string out = fmt::format("D1 import from {} ({}){}\n", source, format, dry_run ? ", DRY RUN (rolled back)" : "");
  std::int64_t skipped_total = 0;
  for (const auto& [reason, n] : skipped) skipped_total += n;
  out += fmt::format("  {} source rows in {} tables: {} imported ({} as they are, {} repaired), {} skipped\n",
                     source_total, tables.size(), expected_total, expected_total - repaired, repaired, skipped_total);
  if (written) {
    out +=
        fmt::format("  imported {} rows, {} already present{}\n", inserted, present, dry_run ? " (not committed)" : "");
  }
  for (const auto& [reason, n] : skipped) out += fmt::format("  skipped {:<22} {}\n", reason, n);
  for (const auto& [counter, n] : counters) {
    if (n != 0) out += fmt::format("  changed {:<22} {}\n", counter, n);
  }
  std::string ignored;
  for (const auto& [name, rows] : ignored_tables)
    ignored += fmt::format("{}{} ({} rows)", ignored.empty() ? "" : ", ", name, rows);
  if (!ignored.empty()) out += "  ignored tables (not the app's): " + ignored + "\n";
  out += fmt::format(
      "  merged users: {}, orphans: {}, unique conflicts: {}, invalid JSON: {}, unparseable datetimes: {}, other "
      "repairs: {}, refused by the target: {} (every one in the JSON report)\n",
      lists.at("merged_users").as_array().size(), lists.at("orphans").as_array().size(),
      lists.at("unique_conflicts").as_array().size(), lists.at("invalid_json").as_array().size(),
      lists.at("unparseable_datetimes").as_array().size(), lists.at("repairs").as_array().size(),
      lists.at("refused").as_array().size());
  return out;
}

}  // namespace ignition::d1import
