// verify: what importing the source must give, compared with the database: row counts per
// table, every foreign key (validated, and no row pointing at nothing), and sampled rows
// value by value after conversion.

#include "ignition/d1import/import.hpp"

#include <fmt/format.h>

#include <map>
#include <ostream>

#include "pg.hpp"
#include "sql_text.hpp"
#include "target.hpp"

namespace ignition::d1import {

using namespace detail;

namespace {

constexpr std::int64_t samples_per_table = 25;

// The legacy OAuth columns of accounts hold credentials: a mismatch names them, never shows them.
bool is_secret_column(std::string_view column) {
  return column.find("token") != std::string_view::npos || column.find("secret") != std::string_view::npos ||
         column == "session_state";
}

std::string shorten(std::string_view text) {
  return text.size() > 80 ? std::string(utf8_prefix(text, 77)) + "..." : std::string(text);
}

// Compares one converted row with the database's row of the same id, column by column, in
// the column's own type (jsonb, timestamptz and double compare as values, not as text).
int check_row(PgConnection& db, std::string_view table, const std::map<std::string, std::string>& types,
              const TargetRow& row, std::ostream& out) {
  std::string select;
  std::vector<std::optional<std::string>> params;
  std::vector<std::string_view> compared;
  std::optional<std::string> id;
  for (const auto& [column, value] : row) {
    if (column == "id") id = value;
    const auto type = types.find(std::string(column));
    if (type == types.end()) throw std::runtime_error(fmt::format("{} has no column {}", table, column));
    params.push_back(value);
    select += fmt::format("{}{}::text, {} IS NOT DISTINCT FROM ${}::{}", select.empty() ? "" : ", ",
                          quote_ident(column), quote_ident(column), params.size(), type->second);
    compared.push_back(column);
  }
  params.push_back(id);
  const auto result =
      db.exec(fmt::format("SELECT {} FROM {} WHERE id = ${}::uuid", select, quote_ident(table), params.size()), params);
  if (result.rows() != 1) {
    out << fmt::format("MISMATCH {} {}: row missing\n", table, id.value_or("?"));
    return 1;
  }
  int mismatches = 0;
  for (std::size_t c = 0; c < compared.size(); ++c) {
    const int col = static_cast<int>(2 * c);
    if (result.get(0, col + 1) == "t") continue;
    ++mismatches;
    if (is_secret_column(compared[c])) {
      out << fmt::format("MISMATCH {} {} {}: differs (value not shown)\n", table, id.value_or("?"), compared[c]);
      continue;
    }
    out << fmt::format("MISMATCH {} {} {}: expected {}, found {}\n", table, id.value_or("?"), compared[c],
                       params[c] ? shorten(*params[c]) : "NULL",
                       result.is_null(0, col) ? "NULL" : shorten(result.get(0, col)));
  }
  return mismatches;
}

// Every foreign key of the schema: validated, and no row whose key points at nothing.
int check_foreign_keys(PgConnection& db, std::ostream& out) {
  const auto fks = db.exec(
      "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text, c.convalidated, "
      "  (SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(c.conkey) WITH ORDINALITY k(n, o) "
      "     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), "
      "  (SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(c.confkey) WITH ORDINALITY k(n, o) "
      "     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) "
      "FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace ORDER BY 1");
  int mismatches = 0;
  for (int r = 0; r < fks.rows(); ++r) {
    const auto name = fks.get(r, 0);
    if (fks.get(r, 3) != "t") {
      out << fmt::format("MISMATCH foreign key {} is not validated\n", name);
      ++mismatches;
    }
    std::vector<std::string> child_cols;
    std::vector<std::string> parent_cols;
    for (auto [text, cols] : {std::pair{fks.get(r, 4), &child_cols}, std::pair{fks.get(r, 5), &parent_cols}}) {
      for (std::size_t start = 0; start <= text.size();) {
        const auto end = std::min(text.find(',', start), text.size());
        cols->push_back(text.substr(start, end - start));
        start = end + 1;
      }
    }
    std::string not_null;
    std::string join;
    for (std::size_t i = 0; i < child_cols.size(); ++i) {
      not_null += fmt::format(" AND c.{} IS NOT NULL", quote_ident(child_cols[i]));
      join += fmt::format("{}p.{} = c.{}", i ? " AND " : "", quote_ident(parent_cols[i]), quote_ident(child_cols[i]));
    }
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

  PgConnection db(conninfo);
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  int mismatches = 0;
  std::int64_t sampled = 0;
  for (std::size_t table : import_order()) {
    const auto name = inventory()[table].name;
    if (not_imported_reason(name)) continue;
    const auto target = quote_ident(name);
    std::map<std::string, std::string> types;
    const auto columns = db.exec(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
        {target});
    for (int r = 0; r < columns.rows(); ++r) types[columns.get(r, 0)] = columns.get(r, 1);

    const auto expected = plan.tables[table].kept;
    const auto actual = std::stoll(db.exec("SELECT count(*) FROM " + target).get(0, 0));
    if (actual != expected) {
      out << fmt::format("MISMATCH {}: {} rows, the rules give {}\n", name, actual, expected);
      ++mismatches;
    }
    const std::int64_t step = std::max<std::int64_t>(1, expected / samples_per_table);
    std::int64_t n = 0;
    for_each_target_row(table, *source, plan, report, progress, "verify", [&](const TargetRow& row) {
      if (n++ % step != 0) return;
      ++sampled;
      mismatches += check_row(db, name, types, row, out);
    });
    progress.finish();
  }
  mismatches += check_foreign_keys(db, out);
  db.exec("ROLLBACK");

  std::int64_t rows = 0;
  for (const auto& t : report.tables) rows += t.expected_rows;
  out << fmt::format("verify {} ({}): {} tables, {} rows expected, {} rows compared column by column, {}\n",
                     report.source, report.format, inventory().size(), rows, sampled,
                     mismatches == 0 ? "no mismatch" : fmt::format("{} MISMATCHES", mismatches));
  return mismatches;
}

}  // namespace ignition::d1import
