// import-d1: plan (first pass), then per table in foreign-key order stage the converted rows,
// settle them against the target's constraints and insert the rows not already present, all
// in ONE transaction (ADR-022).

#include "ignition/d1import/import.hpp"

#include <fmt/format.h>

#include "pg.hpp"
#include "stage.hpp"
#include "target.hpp"

namespace ignition::d1import {

using namespace detail;

namespace {

Report new_report(RowSource& source, const std::filesystem::path& from) {
  Report report;
  report.source = from.string();
  report.format = source.format();
  report.ignored_tables = source.other_tables();
  return report;
}

}  // namespace

Report analyse(const std::filesystem::path& from, ProgressMode mode) {
  auto source = open_source(from);
  Report report = new_report(*source, from);
  Progress progress(mode);
  const Plan plan = Plan::build(*source, report, progress);
  // The value-level counters come from converting every kept row. Without a target there are
  // no column types or constraints: only the rules that need none apply.
  const ColumnTypes no_types;
  for (std::size_t table : import_order()) {
    if (not_imported_reason(inventory()[table].name)) continue;
    for_each_target_row(table, *source, plan, no_types, progress, "check",
                        [&](std::size_t, const std::string&, const TargetRow&, const RowLog& log) {
                          log.commit(table, report);
                          if (log.repaired) ++report.tables[table].repaired;
                        });
    progress.finish();
  }
  return report;
}

Report import_d1(const std::string& conninfo, const ImportOptions& options) {
  auto source = open_source(options.from);
  Report report = new_report(*source, options.from);
  report.dry_run = options.dry_run;
  Progress progress(options.progress);
  const Plan plan = Plan::build(*source, report, progress);

  PgConnection db(conninfo);
  db.exec("BEGIN");
  settle_tables(db, *source, plan, report, progress, "write", [&](std::size_t table, Stage& stage) {
    const auto written = stage.write(report);
    report.tables[table].inserted = written.inserted;
    report.tables[table].already_present = written.already_present;
    report.tables[table].replaced_seeded = written.replaced_seeded;
  });
  db.exec(options.dry_run ? "ROLLBACK" : "COMMIT");
  report.written = true;
  return report;
}

}  // namespace ignition::d1import
