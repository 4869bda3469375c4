#pragma once
// The second pass: one legacy row -> one row of the target table (docs/schema.md "Legacy ->
// new"), every value converted by its rule, with the report's per-rule counters.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plan.hpp"

namespace ignition::d1import::detail {

/// A value in Postgres text input form; nullopt is SQL NULL.
using Cell = std::optional<std::string>;
/// Target column -> value, always the same columns in the same order for one table.
using TargetRow = std::vector<std::pair<std::string_view, Cell>>;

/// Tables whose starting rows the migrations seed under the import's ids (ADR-019): the
/// legacy row replaces a seeded one with other values, since the old app's catalogue is
/// the one its users know.
bool seeded_catalogue(std::string_view table) noexcept;

class RowConverter {
 public:
  RowConverter(std::size_t table, const Plan& plan, Report& report);
  std::string_view target_table() const noexcept { return target_; }
  /// Converts a row the plan keeps. Throws std::runtime_error for a value no rule covers.
  void convert(const Row& row, TargetRow& out);

 private:
  Cell convert_cell(std::size_t column, const Value& value, const std::string& raw_id);
  void derive(const Row& row, const std::vector<Cell>& cells, TargetRow& out);
  std::string_view target_name(std::size_t column) const;

  std::size_t index_;
  const TableSpec& spec_;
  const Plan& plan_;
  Report& report_;
  std::string_view target_;
};

}  // namespace ignition::d1import::detail

namespace ignition::d1import::detail {

/// The second pass over one table: reads it again and hands every row the plan keeps,
/// converted, to `sink`. Starts the table's progress; the caller finishes it once the rows
/// are where they go.
template <typename Sink>
void for_each_target_row(std::size_t table, RowSource& source, const Plan& plan, Report& report, Progress& progress,
                         const std::string& phase, Sink&& sink) {
  const auto& spec = inventory()[table];
  const auto& keep = plan.tables[table].keep;
  RowConverter converter(table, plan, report);
  progress.start(phase, std::string(spec.name), plan.tables[table].kept);
  auto cursor = source.rows(spec);
  Row row;
  TargetRow out;
  for (std::size_t i = 0; cursor->next(row); ++i) {
    if (i >= keep.size()) throw std::runtime_error(std::string(spec.name) + " changed while it was read");
    if (!keep[i]) continue;
    converter.convert(row, out);
    sink(out);
    progress.tick();
  }
}

}  // namespace ignition::d1import::detail
