// import-d1: plan (first pass), then per table in foreign-key order COPY into a staging table
// and insert the rows not already present, all in ONE transaction (ADR-022).

#include "ignition/d1import/import.hpp"

#include <fmt/format.h>

#include "pg.hpp"
#include "sql_text.hpp"
#include "target.hpp"

namespace ignition::d1import {

using namespace detail;

namespace {

// Rows go to a temporary copy of the target table first, so that rows already present (a
// rerun, or the catalogue 0004 seeds under the same ids) can be told apart from new ones and
// compared value by value before anything is inserted.
class TableWriter {
 public:
  TableWriter(PgConnection& db, std::string_view table)
      : db_(db), table_(table), stage_(quote_ident("d1_stage_" + std::string(table))) {}

  void add(const TargetRow& row) {
    if (columns_.empty()) begin(row);
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) buffer_ += '\t';
      append_copy_field(buffer_, row[i].second);
    }
    buffer_ += '\n';
    ++staged_;
    if (buffer_.size() >= (1U << 20)) flush();
  }

  struct Outcome {
    std::int64_t inserted = 0;
    std::int64_t already_present = 0;
    std::int64_t replaced_seeded = 0;  ///< seeded catalogue rows given the legacy values
  };

  /// Inserts the staged rows not yet present.
  Outcome finish() {
    if (columns_.empty()) return {};
    flush();
    db_.copy_end();
    const auto target = quote_ident(table_);
    const auto list = column_list(columns_);
    const auto all_stage = column_list(columns_, "s.");
    const auto all_target = column_list(columns_, "t.");
    Outcome outcome;
    if (seeded_catalogue(table_)) {
      // A seeded row takes the old app's values (ADR-019); equal rows are left alone, so a
      // rerun changes nothing.
      outcome.replaced_seeded =
          db_.exec(
                 fmt::format("UPDATE {} t SET ({}) = ROW({}) FROM {} s WHERE t.id = s.id AND ROW({}) IS DISTINCT FROM "
                             "ROW({})",
                             target, list, all_stage, stage_, all_stage, all_target))
              .affected();
    } else {
      // A row present with other values is not ours to overwrite: the import stops.
      auto differing = db_.exec(fmt::format(
          "SELECT s.id::text FROM {} s JOIN {} t ON t.id = s.id WHERE ROW({}) IS DISTINCT FROM ROW({}) LIMIT 5", stage_,
          target, all_stage, all_target));
      if (differing.rows() > 0) {
        std::string ids;
        for (int r = 0; r < differing.rows(); ++r) ids += (r ? ", " : "") + differing.get(r, 0);
        throw std::runtime_error(
            fmt::format("{}: rows already exist with other values (ids {}); nothing was imported", table_, ids));
      }
    }
    try {
      outcome.inserted = db_.exec(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} s WHERE NOT EXISTS "
                                              "(SELECT 1 FROM {} t WHERE t.id = s.id)",
                                              target, list, list, stage_, target))
                             .affected();
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(table_ + ": " + e.what());
    }
    db_.exec("DROP TABLE " + stage_);
    outcome.already_present = staged_ - outcome.inserted;
    return outcome;
  }

 private:
  void begin(const TargetRow& row) {
    for (const auto& [name, value] : row) columns_.emplace_back(name);
    const auto list = column_list(columns_);
    db_.exec(
        fmt::format("CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP", stage_, quote_ident(table_)));
    db_.copy_begin(fmt::format("COPY {} ({}) FROM STDIN", stage_, list));
  }

  void flush() {
    if (buffer_.empty()) return;
    db_.copy_send(buffer_);
    buffer_.clear();
  }

  PgConnection& db_;
  std::string table_;
  std::string stage_;
  std::vector<std::string> columns_;
  std::string buffer_;
  std::int64_t staged_ = 0;
};

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
  // The value-level counters come from converting every kept row.
  for (std::size_t table : import_order()) {
    if (not_imported_reason(inventory()[table].name)) continue;
    for_each_target_row(table, *source, plan, report, progress, "check", [](const TargetRow&) {});
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
  for (std::size_t table : import_order()) {
    if (not_imported_reason(inventory()[table].name)) continue;
    TableWriter writer(db, inventory()[table].name);
    for_each_target_row(table, *source, plan, report, progress, "write",
                        [&](const TargetRow& row) { writer.add(row); });
    const auto outcome = writer.finish();
    progress.finish();  // rows/s include the INSERT from the staging table
    report.tables[table].inserted = outcome.inserted;
    report.tables[table].already_present = outcome.already_present;
    report.tables[table].replaced_seeded = outcome.replaced_seeded;
  }
  db.exec(options.dry_run ? "ROLLBACK" : "COMMIT");
  report.written = true;
  return report;
}

}  // namespace ignition::d1import
