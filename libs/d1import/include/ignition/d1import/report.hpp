#pragma once
/// What an import found and did: per table the source rows, the rows a correct import ends
/// with, the skipped rows by reason and the values it changed by rule (the shape of the
/// dataset's expected.json), plus the itemised lists (orphans, merged users, invalid JSON...).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ignition::d1import {

struct TableReport {
  std::int64_t source_rows = 0;
  std::int64_t expected_rows = 0;                ///< rows the rules keep: imported, as they are or repaired
  std::int64_t repaired = 0;                     ///< of those, rows with a value changed or left out by a rule
  std::map<std::string, std::int64_t> skipped;   ///< reason -> rows
  std::map<std::string, std::int64_t> counters;  ///< e.g. invalid_json, text_booleans; zeros left out
  std::int64_t inserted = 0;                     ///< rows this run wrote
  std::int64_t already_present = 0;              ///< rows found in the target under the same id (R14)
  std::int64_t replaced_seeded = 0;              ///< of those, seeded catalogue rows given the legacy values (ADR-019)
};

struct Report {
  std::string source;
  std::string format;  ///< "sqlite" or "ndjson"
  bool dry_run = false;
  bool written = false;  ///< the import wrote (or, with dry_run, rolled back) the rows
  std::vector<std::pair<std::string, std::int64_t>> ignored_tables;  ///< R1
  std::vector<TableReport> tables;                                   ///< by inventory() index
  /// "not_imported", "duplicate_pk", "merged_users", "orphans", "fk_set_null",
  /// "unique_conflicts", "invalid_json", "unparseable_datetimes" (expected.json's), "repairs"
  /// (other values changed or left out) and "refused" (rows the target's constraints refuse):
  /// arrays of objects naming table, legacy id, column and reason.
  boost::json::object lists;

  Report();
  void add_skip(std::size_t table, const std::string& reason) { ++tables[table].skipped[reason]; }
  void count(std::size_t table, const std::string& counter) { ++tables[table].counters[counter]; }
  boost::json::array& list(const std::string& name) { return lists[name].as_array(); }

  /// The JSON report: "tables" and "totals" have expected.json's shape; "outcomes" holds each
  /// table's imported/repaired/skipped rows, "written" its inserted/already_present rows.
  boost::json::value to_json() const;
  /// A few lines for people: totals, skips by reason, changed values by rule.
  std::string summary() const;
};

}  // namespace ignition::d1import
