// verify: what importing the source must give, compared with the database: every row the rules
// keep, column by column, row counts per table, and every foreign key (validated, and no row
// pointing at nothing).

#include "ignition/d1import/import.hpp"

#include <fmt/format.h>

#include <ostream>

#include "pg.hpp"
#include "sql_text.hpp"
#include "stage.hpp"

namespace ignition::d1import {

using namespace detail;

namespace {

// Every foreign key of the schema: validated, and no row whose key points at nothing.
int check_foreign_keys(PgConnection& db, std::ostream& out) {
  // Column lists quoted and joined with \x1f, as the staging reads them (stage.cpp).
  const auto fks = db.exec(
      "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text, c.convalidated, "
      "  (SELECT string_agg(quote_ident(a.attname), E'\\x1f' ORDER BY k.o) FROM unnest(c.conkey) WITH ORDINALITY "
      "     k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), "
      "  (SELECT string_agg(quote_ident(a.attname), E'\\x1f' ORDER BY k.o) FROM unnest(c.confkey) WITH ORDINALITY "
      "     k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) "
      "FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace ORDER BY 1");
  int mismatches = 0;
  for (int r = 0; r < fks.rows(); ++r) {
    const auto name = fks.get(r, 0);
    if (fks.get(r, 3) != "t") {
      out << fmt::format("MISMATCH foreign key {} is not validated\n", name);
      ++mismatches;
    }
    const auto child_cols = split(fks.get(r, 4), '\x1f');
    const auto parent_cols = split(fks.get(r, 5), '\x1f');
    std::string not_null;
    for (const auto& c : child_cols) not_null += fmt::format(" AND c.{} IS NOT NULL", c);
    const auto join = matching(parent_cols, "p.", child_cols, "c.");
    // regclass::text is already quoted where needed.
    const auto dangling =
        db.exec(fmt::format("SELECT count(*) FROM {} c WHERE true{} AND NOT EXISTS "
                            "(SELECT 1 FROM {} p WHERE {})",
                            fks.get(r, 1), not_null, fks.get(r, 2), join));
    if (dangling.get(0, 0) != "0") {
      out << fmt::format("MISMATCH foreign key {}: {} rows point at nothing\n", name, dangling.get(0, 0));
      ++mismatches;
    }
  }
  return mismatches;
}

}  // namespace

int verify(const std::string& conninfo, const std::filesystem::path& from, std::ostream& out, ProgressMode mode) {
  auto source = open_source(from);
  Report report;
  report.source = from.string();
  report.format = source->format();
  Progress progress(mode);
  const Plan plan = Plan::build(*source, report, progress);

  // The import's own second pass against the database, rolled back: the rows it would keep,
  // repair and skip are the ones the import kept, repaired and skipped.
  PgConnection db(conninfo);
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
  int mismatches = 0;
  settle_tables(db, *source, plan, report, progress, "verify",
                [&](std::size_t, Stage& stage) { mismatches += stage.compare(report, out); });
  mismatches += check_foreign_keys(db, out);
  db.exec("ROLLBACK");

  std::int64_t rows = 0;
  for (const auto& t : report.tables) rows += t.expected_rows;
  out << fmt::format("verify {} ({}): {} tables, {} rows expected and compared column by column, {}\n", report.source,
                     report.format, inventory().size(), rows,
                     mismatches == 0 ? "no mismatch" : fmt::format("{} MISMATCHES", mismatches));
  return mismatches;
}

}  // namespace ignition::d1import
