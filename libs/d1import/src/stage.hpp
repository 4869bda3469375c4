#pragma once
// The staging table of one target table. Converted rows go in with COPY; the target's own
// constraints, read from the catalog, are checked on them set by set (docs/import.md "What the
// target refuses"); what stays is then written (import) or compared with the target (verify).
// A row-level problem never ends the run: each staged row is kept, repaired or skipped.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <unordered_set>
#include <vector>

#include "pg.hpp"
#include "target.hpp"

namespace ignition::d1import::detail {

/// One target table as the catalog describes it.
struct TargetSchema {
  struct Column {
    std::string name;
    PgType type;
    bool not_null;
    bool generated;  ///< a generated or identity column: never written
    std::string default_expr;
  };
  struct Check {
    std::string name;
    std::string expr;
    std::string column;  ///< the one column it reads, or "" for several
  };
  struct ForeignKey {
    std::string name;
    std::string parent;                                                  ///< quoted, as regclass prints it
    std::vector<std::string> columns, parent_columns, set_null_columns;  ///< quoted
    bool self;
    bool set_null;  ///< ON DELETE SET NULL: a missing parent empties the columns, the row stays
  };
  struct Unique {
    std::string name;
    std::vector<std::string> keys;  ///< column names or expressions
    std::string predicate;          ///< "" for a full index
  };

  std::string table;  ///< quoted
  std::vector<Column> columns;
  std::vector<Check> checks;
  std::vector<ForeignKey> foreign_keys;
  std::vector<Unique> uniques;
  ColumnTypes types;

  static TargetSchema load(PgConnection& db, std::string_view table);
  const Column* column(std::string_view name) const;
};

class Stage {
 public:
  Stage(PgConnection& db, std::size_t table);

  const ColumnTypes& types() const noexcept { return schema_.types; }
  /// Stages one converted row; its log reaches the report if the row is kept.
  void add(std::size_t row, const std::string& raw_id, const TargetRow& out, const RowLog& log);
  /// Applies the target's constraints to the staged rows; reports the skips.
  void settle(Report& report);
  /// Reports the repairs and counters of the rows kept in the end (after write or compare).
  void finish(Report& report);

  struct Written {
    std::int64_t inserted = 0;
    std::int64_t already_present = 0;
    std::int64_t replaced_seeded = 0;
  };
  /// Inserts the settled rows not yet present. A row the target still refuses is skipped.
  Written write(Report& report);
  /// Compares the settled rows with the target (verify); prints mismatches, returns their number.
  int compare(Report& report, std::ostream& out);

  std::int64_t kept() const noexcept { return staged_ - static_cast<std::int64_t>(skipped_.size()); }
  std::int64_t repaired() const;

 private:
  void begin(const TargetRow& row);
  void flush();
  void repair_single_column_checks();
  void note_repair(std::int64_t row, std::string_view list, boost::json::object item, std::string_view counter = {});
  void refuse_rows(Report& report);
  void settle_foreign_keys(Report& report, bool self);
  void refuse_duplicates(Report& report);
  std::int64_t replace_seeded(Report& report);
  void refuse(Report& report, std::int64_t row, const std::string& error);
  void insert_all(Written& written, Report& report);
  void insert_range(const std::vector<std::int64_t>& rows, std::size_t from, std::size_t to, Written& written,
                    Report& report);
  void skip(Report& report, std::int64_t row, const std::string& raw_id, std::string_view reason,
            boost::json::object detail, std::string_view list = "refused");

  PgConnection& db_;
  std::size_t index_;
  std::string name_;
  TargetSchema schema_;
  std::string stage_;
  std::vector<std::string> columns_;
  std::string buffer_;
  std::int64_t staged_ = 0;
  std::vector<std::pair<std::size_t, RowLog>> logs_;  ///< what converting or settling a row counted and listed
  std::unordered_set<std::int64_t> skipped_, repaired_;
};

/// The second pass: every table the import writes, in foreign-key order, converted, staged and
/// settled; `then` writes or compares the table's rows. The report gets each table's outcome.
void settle_tables(PgConnection& db, RowSource& source, const Plan& plan, Report& report, Progress& progress,
                   const std::string& phase, const std::function<void(std::size_t, Stage&)>& then);

}  // namespace ignition::d1import::detail
