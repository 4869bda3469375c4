#pragma once
// The second pass: one legacy row -> one row of the target table (docs/schema.md "Legacy ->
// new"), every value converted by its rule, with the report's per-rule counters.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "plan.hpp"

namespace ignition::d1import::detail {

/// A value in Postgres text input form; nullopt is SQL NULL.
using Cell = std::optional<std::string>;
/// Target column -> value, always the same columns in the same order for one table.
using TargetRow = std::vector<std::pair<std::string_view, Cell>>;
/// Target column -> its type, read from the target database (empty without one).
using ColumnTypes = std::unordered_map<std::string, PgType>;

/// What converting one row counted and listed. It reaches the report only if the row is
/// imported in the end: a row the target's constraints refuse later counts as skipped only.
struct RowLog {
  std::vector<std::string_view> counters;                                 ///< expected.json's per-table counters
  std::vector<std::pair<std::string_view, boost::json::object>> entries;  ///< report list -> item
  bool repaired = false;  ///< a value was changed or left out because no rule keeps it as it is

  void clear() {
    counters.clear();
    entries.clear();
    repaired = false;
  }
  /// Moves the counts and items into the report.
  void commit(std::size_t table, Report& report) const;
};

/// Tables whose starting rows the migrations seed under the import's ids (ADR-019): the
/// legacy row replaces a seeded one with other values, since the old app's catalogue is
/// the one its users know.
bool seeded_catalogue(std::string_view table) noexcept;

class RowConverter {
 public:
  RowConverter(std::size_t table, const Plan& plan, const ColumnTypes& types);
  std::string_view target_table() const noexcept { return target_; }
  /// Converts a row the plan keeps. Never throws for a value: what no rule keeps becomes NULL
  /// and is logged (a NOT NULL column then makes the target refuse the row).
  void convert(const Row& row, TargetRow& out, RowLog& log);

 private:
  Cell convert_cell(std::size_t column, const Value& value, const std::string& raw_id, RowLog& log);
  void derive(const Row& row, const std::vector<Cell>& cells, TargetRow& out);
  void make_storable(TargetRow& out, const std::string& raw_id, RowLog& log);
  void repair(RowLog& log, const std::string& raw_id, std::string_view column, std::string_view reason);
  std::string_view target_name(std::size_t column) const;

  const TableSpec& spec_;
  const Plan& plan_;
  const ColumnTypes& types_;
  std::string_view target_;
};

}  // namespace ignition::d1import::detail

namespace ignition::d1import::detail {

/// The second pass over one table: reads it again and hands every row the plan keeps,
/// converted, to `sink(row_index, raw_id, target_row, log)`. Starts the table's progress; the
/// caller finishes it once the rows are where they go.
template <typename Sink>
void for_each_target_row(std::size_t table, RowSource& source, const Plan& plan, const ColumnTypes& types,
                         Progress& progress, const std::string& phase, Sink&& sink) {
  const auto& spec = inventory()[table];
  const auto& keep = plan.tables[table].keep;
  const auto pk = spec.primary_key();
  RowConverter converter(table, plan, types);
  progress.start(phase, std::string(spec.name), plan.tables[table].kept);
  auto cursor = source.rows(spec);
  Row row;
  TargetRow out;
  RowLog log;
  for (std::size_t i = 0; cursor->next(row); ++i) {
    if (i >= keep.size()) throw std::runtime_error(std::string(spec.name) + " changed while it was read");
    if (!keep[i]) continue;
    log.clear();
    converter.convert(row, out, log);
    sink(i, row[pk].to_string(), out, log);
    progress.tick();
  }
}

}  // namespace ignition::d1import::detail
