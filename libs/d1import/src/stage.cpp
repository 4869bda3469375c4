#include "stage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include <ignition/common/json.hpp>

#include "sql_text.hpp"

namespace ignition::d1import::detail {

namespace json = boost::json;

namespace {

// The legacy OAuth columns of accounts hold credentials: a mismatch names them, never shows them.
bool is_secret_column(std::string_view column) {
  return column.find("token") != std::string_view::npos || column.find("secret") != std::string_view::npos ||
         column == "session_state";
}

// The rows a data-modifying statement returns, in source order: the report lists them in the
// same order on every run and from either input.
PgResult in_source_order(PgConnection& db, const std::string& statement) {
  return db.exec("WITH changed AS (" + statement + ") SELECT * FROM changed ORDER BY 1");
}

std::string shorten(std::string_view text) {
  return text.size() > 80 ? std::string(utf8_prefix(text, 77)) + "..." : std::string(text);
}

}  // namespace

TargetSchema TargetSchema::load(PgConnection& db, std::string_view name) {
  TargetSchema s;
  s.table = quote_ident(name);
  const std::vector<std::optional<std::string>> table{s.table};
  const auto columns = db.exec(
      "SELECT a.attname, t.typname, a.attnotnull, a.attgenerated <> '' OR a.attidentity <> '', "
      "  coalesce(pg_get_expr(d.adbin, d.adrelid), '') "
      "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
      "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      table);
  for (int r = 0; r < columns.rows(); ++r) {
    s.columns.push_back({columns.get(r, 0), pg_type(columns.get(r, 1)), columns.get(r, 2) == "t",
                         columns.get(r, 3) == "t", columns.get(r, 4)});
    s.types[columns.get(r, 0)] = s.columns.back().type;
  }
  const auto checks = db.exec(
      "SELECT c.conname, pg_get_expr(c.conbin, c.conrelid), "
      "  CASE WHEN cardinality(c.conkey) = 1 THEN (SELECT attname FROM pg_attribute "
      "    WHERE attrelid = c.conrelid AND attnum = c.conkey[1]) ELSE '' END "
      "FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype = 'c' ORDER BY c.conname",
      table);
  for (int r = 0; r < checks.rows(); ++r) s.checks.push_back({checks.get(r, 0), checks.get(r, 1), checks.get(r, 2)});
  // Column lists are quoted and joined with \x1f, which no identifier of ours holds.
  const auto fks = db.exec(
      "SELECT c.conname, c.confrelid::regclass::text, c.confrelid = c.conrelid, c.confdeltype = 'n', "
      "  (SELECT string_agg(quote_ident(a.attname), E'\\x1f' ORDER BY k.o) FROM unnest(c.conkey) WITH ORDINALITY "
      "     k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), "
      "  (SELECT string_agg(quote_ident(a.attname), E'\\x1f' ORDER BY k.o) FROM unnest(c.confkey) WITH ORDINALITY "
      "     k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n), "
      "  coalesce((SELECT string_agg(quote_ident(a.attname), E'\\x1f') FROM unnest(c.confdelsetcols) k(n) "
      "     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), '') "
      "FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype = 'f' ORDER BY c.conname",
      table);
  for (int r = 0; r < fks.rows(); ++r) {
    TargetSchema::ForeignKey fk{fks.get(r, 0),
                                fks.get(r, 1),
                                split(fks.get(r, 4), '\x1f'),
                                split(fks.get(r, 5), '\x1f'),
                                split(fks.get(r, 6), '\x1f'),
                                fks.get(r, 2) == "t",
                                fks.get(r, 3) == "t"};
    if (fk.set_null && fk.set_null_columns.empty()) fk.set_null_columns = fk.columns;
    s.foreign_keys.push_back(std::move(fk));
  }
  const auto uniques = db.exec(
      "SELECT i.indexrelid::regclass::text, "
      "  (SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), E'\\x1f' ORDER BY k) "
      "     FROM generate_series(1, i.indnkeyatts) k), "
      "  coalesce(pg_get_expr(i.indpred, i.indrelid), '') "
      "FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indisunique AND NOT i.indisprimary ORDER BY 1",
      table);
  for (int r = 0; r < uniques.rows(); ++r) {
    s.uniques.push_back({uniques.get(r, 0), split(uniques.get(r, 1), '\x1f'), uniques.get(r, 2)});
  }
  return s;
}

const TargetSchema::Column* TargetSchema::column(std::string_view name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Stage::Stage(PgConnection& db, std::size_t table)
    : db_(db), index_(table), name_(inventory()[table].name), schema_(TargetSchema::load(db, name_)),
      stage_(quote_ident("d1_stage_" + name_)) {}

void Stage::begin(const TargetRow& row) {
  for (const auto& [name, value] : row) {
    if (!schema_.column(name)) throw std::runtime_error(fmt::format("{} has no column {}", name_, name));
    columns_.emplace_back(name);
  }
  // The target's columns and defaults without its constraints, which settle() applies itself,
  // plus the source row and its legacy id for the report.
  db_.exec(fmt::format("CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP", stage_, schema_.table));
  std::string alter = "ADD COLUMN d1_row bigint, ADD COLUMN d1_id text";
  for (const auto& c : schema_.columns) {
    if (c.not_null) alter += fmt::format(", ALTER COLUMN {} DROP NOT NULL", quote_ident(c.name));
  }
  db_.exec(fmt::format("ALTER TABLE {} {}", stage_, alter));
  db_.copy_begin(fmt::format("COPY {} (d1_row, d1_id, {}) FROM STDIN", stage_, column_list(columns_)));
}

void Stage::add(std::size_t row, const std::string& raw_id, const TargetRow& out, const RowLog& log) {
  if (columns_.empty()) begin(out);
  buffer_ += std::to_string(row);
  buffer_ += '\t';
  append_copy_field(buffer_, printable(raw_id));
  for (const auto& [name, cell] : out) {
    buffer_ += '\t';
    append_copy_field(buffer_, cell);
  }
  buffer_ += '\n';
  ++staged_;
  if (!log.counters.empty() || !log.entries.empty() || log.repaired) logs_.emplace_back(row, log);
  if (buffer_.size() >= (1U << 20)) flush();
}

void Stage::flush() {
  if (buffer_.empty()) return;
  db_.copy_send(buffer_);
  buffer_.clear();
}

void Stage::skip(Report& report, std::int64_t row, const std::string& raw_id, std::string_view reason,
                 json::object detail, std::string_view list) {
  skipped_.insert(row);
  report.add_skip(index_, std::string(reason));
  json::object item{{"table", name_}, {"id", raw_id}};
  if (list == "refused") item["reason"] = reason;
  for (auto& [key, value] : detail) item[key] = std::move(value);
  report.list(std::string(list)).push_back(std::move(item));
}

// The order matters and is fixed, so both inputs and every rerun settle the same way: values
// first (a repair may spare the row), then rows, parents before uniqueness (a row refused for
// its parent does not win a key), references within the table last.
void Stage::settle(Report& report) {
  if (columns_.empty()) return;
  flush();
  db_.copy_end();
  repair_single_column_checks();
  refuse_rows(report);
  settle_foreign_keys(report, false);
  refuse_duplicates(report);
  settle_foreign_keys(report, true);
}

void Stage::finish(Report& report) {
  for (const auto& [row, log] : logs_) {
    if (skipped_.contains(static_cast<std::int64_t>(row))) continue;
    log.commit(index_, report);
    if (log.repaired) repaired_.insert(static_cast<std::int64_t>(row));
  }
  logs_.clear();
}

void Stage::note_repair(std::int64_t row, std::string_view list, json::object item, std::string_view counter) {
  RowLog log;
  log.repaired = true;
  if (!counter.empty()) log.counters.push_back(counter);
  log.entries.emplace_back(list, std::move(item));
  logs_.emplace_back(static_cast<std::size_t>(row), std::move(log));
}

std::int64_t Stage::repaired() const { return static_cast<std::int64_t>(repaired_.size()); }

// A CHECK on one column that a value breaks: the column takes NULL where it may, or its
// default where it is a NOT NULL jsonb (R7's fallback); the row stays.
void Stage::repair_single_column_checks() {
  struct Group {
    std::string column;
    std::vector<const TargetSchema::Check*> checks;
    std::string replacement;
  };
  std::vector<Group> groups;
  for (const auto& check : schema_.checks) {
    const auto* column = schema_.column(check.column);
    if (!column) continue;
    std::string replacement;
    if (!column->not_null) {
      replacement = "NULL";
    } else if (column->type == PgType::jsonb && !column->default_expr.empty()) {
      replacement = column->default_expr;
    } else {
      continue;
    }
    auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.column == check.column; });
    if (group == groups.end()) group = groups.insert(groups.end(), Group{check.column, {}, replacement});
    group->checks.push_back(&check);
  }
  if (groups.empty()) return;
  std::string reasons;
  std::string any;
  std::string sets;
  std::string returned;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::string when;
    for (const auto* check : groups[g].checks) {
      when += fmt::format(" WHEN ({}) IS FALSE THEN {}", check->expr, quote_literal(check->name));
      any += fmt::format("{}({}) IS FALSE", any.empty() ? "" : " OR ", check->expr);
    }
    const auto column = quote_ident(groups[g].column);
    reasons += fmt::format(", CASE{} END AS r{}", when, g);
    sets += fmt::format("{}{} = CASE WHEN b.r{} IS NULL THEN s.{} ELSE {} END", g ? ", " : "", column, g, column,
                        groups[g].replacement);
    returned += fmt::format(", b.r{}", g);
  }
  const auto result = in_source_order(db_, fmt::format("WITH b AS (SELECT d1_row{} FROM {} WHERE {}) "
                                                       "UPDATE {} s SET {} FROM b WHERE s.d1_row = b.d1_row "
                                                       "RETURNING s.d1_row, s.d1_id{}",
                                                       reasons, stage_, any, stage_, sets, returned));
  for (int r = 0; r < result.rows(); ++r) {
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (result.is_null(r, static_cast<int>(2 + g))) continue;
      note_repair(std::stoll(result.get(r, 0)), "repairs",
                  {{"table", name_},
                   {"id", result.get(r, 1)},
                   {"column", groups[g].column},
                   {"reason", "check:" + result.get(r, static_cast<int>(2 + g))}});
    }
  }
}

// A NOT NULL column left without a value (a required value missing or unusable), or a CHECK no
// repair settles (several columns, or a NOT NULL column): the row is refused. One scan for both.
void Stage::refuse_rows(Report& report) {
  std::string any;
  std::string null_column;
  std::string broken_check;
  for (const auto& c : schema_.columns) {
    if (!c.not_null || c.generated) continue;
    const auto column = quote_ident(c.name);
    any += fmt::format("{}{} IS NULL", any.empty() ? "" : " OR ", column);
    null_column += fmt::format(" WHEN {} IS NULL THEN {}", column, quote_literal(c.name));
  }
  for (const auto& check : schema_.checks) {
    any += fmt::format("{}({}) IS FALSE", any.empty() ? "" : " OR ", check.expr);
    broken_check += fmt::format(" WHEN ({}) IS FALSE THEN {}", check.expr, quote_literal(check.name));
  }
  if (any.empty()) return;
  const auto result =
      in_source_order(db_, fmt::format("DELETE FROM {} WHERE {} RETURNING d1_row, d1_id, CASE{} END, CASE{} END",
                                       stage_, any, null_column.empty() ? " WHEN false THEN ''" : null_column,
                                       broken_check.empty() ? " WHEN false THEN ''" : broken_check));
  for (int r = 0; r < result.rows(); ++r) {
    const auto row = std::stoll(result.get(r, 0));
    if (!result.is_null(r, 2)) {  // a missing value explains a check that fails on it too
      skip(report, row, result.get(r, 1), "required_value", {{"column", result.get(r, 2)}});
    } else {
      skip(report, row, result.get(r, 1), "check_violation", {{"constraint", result.get(r, 3)}});
    }
  }
}

// References whose parent is not in the target (or, within the table, not staged either): a
// parent the target refused, or a composite key naming another user's row. ON DELETE SET NULL
// keys empty their columns (R11's `null` action); the others refuse the row (R11's `skip`).
void Stage::settle_foreign_keys(Report& report, bool self) {
  for (const auto& fk : schema_.foreign_keys) {
    if (fk.self != self) continue;
    std::string missing;
    for (const auto& c : fk.columns) missing += fmt::format("s.{} IS NOT NULL AND ", c);
    missing += fmt::format("NOT EXISTS (SELECT 1 FROM {} p WHERE {})", fk.parent,
                           matching(fk.parent_columns, "p.", fk.columns, "s."));
    if (self) {
      missing += fmt::format(" AND NOT EXISTS (SELECT 1 FROM {} p WHERE {})", stage_,
                             matching(fk.parent_columns, "p.", fk.columns, "s."));
    }
    const auto& shown = fk.set_null ? fk.set_null_columns.front() : fk.columns.front();
    // Within the table a refused row may leave children behind: go on until nothing changes.
    for (bool again = true; again;) {
      if (fk.set_null) {
        std::string sets;
        for (const auto& c : fk.set_null_columns) sets += fmt::format("{}{} = NULL", sets.empty() ? "" : ", ", c);
        // RETURNING sees the new row: the old value comes from a self-join.
        const auto result =
            in_source_order(db_, fmt::format("UPDATE {0} s SET {1} FROM {0} o WHERE o.d1_row = s.d1_row AND {2} "
                                             "RETURNING s.d1_row, s.d1_id, o.{3}::text",
                                             stage_, sets, missing, shown));
        for (int r = 0; r < result.rows(); ++r) {
          note_repair(std::stoll(result.get(r, 0)), "fk_set_null",
                      {{"table", name_},
                       {"id", result.get(r, 1)},
                       {"column", shown},
                       {"value", result.get(r, 2)},
                       {"reason", "no_matching_parent"}},
                      "fk_set_null");
        }
        again = false;  // emptying a reference refuses no row, so no other row loses its parent
      } else {
        const auto result = in_source_order(
            db_,
            fmt::format("DELETE FROM {} s WHERE {} RETURNING s.d1_row, s.d1_id, s.{}::text", stage_, missing, shown));
        for (int r = 0; r < result.rows(); ++r) {
          skip(report, std::stoll(result.get(r, 0)), result.get(r, 1), "orphan",
               {{"column", shown}, {"value", result.get(r, 2)}, {"reason", "no_matching_parent"}}, "orphans");
        }
        again = self && result.rows() > 0;
      }
    }
  }
}

// The target's unique keys beyond the ones the plan settles (R12): a row whose key another
// staged row took first, or a row of the target holds that no staged row replaces, is refused.
// (A staged row's own id in the target is left out: it is the row itself, or a seeded row about
// to take the staged values, so the first run and a rerun decide alike.)
void Stage::refuse_duplicates(Report& report) {
  // A refused row's seeded twin keeps its key in the target: go on until nothing changes.
  for (bool again = true; again;) {
    again = false;
    for (const auto& unique : schema_.uniques) {
      // A key that holds the id is unique whenever the id is, and ids are settled by R4.
      if (std::find(unique.keys.begin(), unique.keys.end(), "id") != unique.keys.end()) continue;
      // The key's parts as columns k0, k1... of the staged and the target rows alike.
      std::string where;
      std::string parts;
      std::string names;
      std::string same;
      for (std::size_t k = 0; k < unique.keys.size(); ++k) {
        where += fmt::format("{}({}) IS NOT NULL", k ? " AND " : "", unique.keys[k]);
        parts += fmt::format(", ({}) AS k{}", unique.keys[k], k);
        names += fmt::format("{}k{}", k ? ", " : "", k);
        same += fmt::format(" AND x.k{0} = o.k{0}", k);
      }
      if (!unique.predicate.empty()) where += fmt::format(" AND ({})", unique.predicate);
      // Hash aggregates and hash joins: a sort of every staged row would cost several times more.
      const auto result = in_source_order(
          db_, fmt::format("WITH x AS MATERIALIZED (SELECT d1_row, id{1} FROM {0} WHERE {2}), "
                           "firsts AS (SELECT {3}, min(d1_row) AS d1_row FROM x GROUP BY {3} HAVING count(*) > 1), "
                           "held AS (SELECT id{1} FROM {4} t WHERE {2} AND NOT EXISTS "
                           "  (SELECT 1 FROM {0} s WHERE s.id = t.id)), "
                           "lost AS (SELECT x.d1_row FROM x JOIN firsts o ON x.d1_row <> o.d1_row{5} "
                           "  UNION SELECT x.d1_row FROM x JOIN held o ON true{5}) "
                           "DELETE FROM {0} s USING lost WHERE s.d1_row = lost.d1_row RETURNING s.d1_row, s.d1_id",
                           stage_, parts, where, names, schema_.table, same));
      for (int r = 0; r < result.rows(); ++r) {
        skip(report, std::stoll(result.get(r, 0)), result.get(r, 1), "unique_conflict", {{"constraint", unique.name}});
      }
      again = again || result.rows() > 0;
    }
  }
}

Stage::Written Stage::write(Report& report) {
  Written written;
  if (columns_.empty()) return written;
  const auto list = column_list(columns_);
  const auto all_stage = column_list(columns_, "s.");
  const auto all_target = column_list(columns_, "t.");
  if (seeded_catalogue(name_)) {
    // A seeded row takes the old app's values (ADR-019); equal rows are left alone, so a
    // rerun changes nothing.
    written.replaced_seeded = replace_seeded(report);
  } else {
    // A row present with other values means the target is not the database this source went
    // into: user data the import did not write is never overwritten, and the run stops.
    auto differing = db_.exec(
        fmt::format("SELECT s.d1_id FROM {} s JOIN {} t ON t.id = s.id WHERE ROW({}) IS DISTINCT FROM ROW({}) LIMIT 5",
                    stage_, schema_.table, all_stage, all_target));
    if (differing.rows() > 0) {
      std::string ids;
      for (int r = 0; r < differing.rows(); ++r) ids += (r ? ", " : "") + differing.get(r, 0);
      throw std::runtime_error(
          fmt::format("{}: rows already exist with other values (ids {}); nothing was imported", name_, ids));
    }
  }
  // Source order: where the target decides between two rows, the first one wins.
  insert_all(written, report);
  db_.exec("DROP TABLE " + stage_);
  written.already_present = kept() - written.inserted;
  return written;
}

// A seeded row takes the old app's values (ADR-019); equal rows are left alone, so a rerun
// changes nothing. Should two seeded rows trade keys, one statement may collide with itself:
// then the rows go one at a time in source order, again while any succeeds, and a row that still
// collides keeps the seeded values and its legacy row is skipped.
std::int64_t Stage::replace_seeded(Report& report) {
  const auto update = fmt::format(
      "UPDATE {} t SET ({}) = ROW({}) FROM {} s WHERE t.id = s.id AND ROW({}) IS DISTINCT "
      "FROM ROW({})",
      schema_.table, column_list(columns_), column_list(columns_, "s."), stage_, column_list(columns_, "s."),
      column_list(columns_, "t."));
  db_.exec("SAVEPOINT d1_replace");
  try {
    const auto replaced = db_.exec(update).affected();
    db_.exec("RELEASE SAVEPOINT d1_replace");
    return replaced;
  } catch (const PgError& e) {
    if (!e.row_level()) throw;
    db_.exec("ROLLBACK TO SAVEPOINT d1_replace");
    db_.exec("RELEASE SAVEPOINT d1_replace");
  }
  const auto rows =
      db_.exec(fmt::format("SELECT s.d1_row FROM {} s JOIN {} t ON t.id = s.id WHERE ROW({}) IS DISTINCT "
                           "FROM ROW({}) ORDER BY 1",
                           stage_, schema_.table, column_list(columns_, "s."), column_list(columns_, "t.")));
  std::vector<std::string> pending;
  for (int r = 0; r < rows.rows(); ++r) pending.push_back(rows.get(r, 0));
  std::int64_t replaced = 0;
  std::string error;
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    std::vector<std::string> failed;
    for (const auto& row : pending) {
      db_.exec("SAVEPOINT d1_replace");
      try {
        replaced += db_.exec(update + " AND s.d1_row = $1", {row}).affected();
        db_.exec("RELEASE SAVEPOINT d1_replace");
        progress = true;
      } catch (const PgError& e) {
        if (!e.row_level()) throw;
        db_.exec("ROLLBACK TO SAVEPOINT d1_replace");
        db_.exec("RELEASE SAVEPOINT d1_replace");
        failed.push_back(row);
        error = e.what();
      }
    }
    pending = std::move(failed);
  }
  for (const auto& row : pending) refuse(report, std::stoll(row), error);
  return replaced;
}

// Skips a staged row the target refused, with Postgres's reason.
void Stage::refuse(Report& report, std::int64_t row, const std::string& error) {
  const auto id =
      db_.exec(fmt::format("DELETE FROM {} WHERE d1_row = $1 RETURNING d1_id", stage_), {std::to_string(row)});
  skip(report, row, id.rows() ? id.get(0, 0) : "", "target_refused",
       {{"error", ignition::json::clean_utf8(error.substr(0, error.find('\n')), 300)}});
}

// Inserts the settled rows not yet present in one statement. settle() leaves nothing the target
// refuses, as far as it knows the target; should it refuse a row anyway (a trigger, a limit),
// the rows go in halves instead.
void Stage::insert_all(Written& written, Report& report) {
  db_.exec("SAVEPOINT d1_insert");
  try {
    written.inserted += db_.exec(fmt::format("INSERT INTO {0} ({1}) SELECT {1} FROM {2} s WHERE NOT EXISTS "
                                             "(SELECT 1 FROM {0} t WHERE t.id = s.id)",
                                             schema_.table, column_list(columns_), stage_))
                            .affected();
    db_.exec("RELEASE SAVEPOINT d1_insert");
    return;
  } catch (const PgError& e) {
    if (!e.row_level()) throw;
    db_.exec("ROLLBACK TO SAVEPOINT d1_insert");
    db_.exec("RELEASE SAVEPOINT d1_insert");
  }
  db_.exec(fmt::format("CREATE INDEX ON {} (d1_row)", stage_));  // the halves read rows by number
  const auto pending = db_.exec(
      fmt::format("SELECT d1_row FROM {} s WHERE NOT EXISTS (SELECT 1 FROM {} t WHERE t.id = s.id) ORDER BY d1_row",
                  stage_, schema_.table));
  std::vector<std::int64_t> rows;
  rows.reserve(static_cast<std::size_t>(pending.rows()));
  for (int r = 0; r < pending.rows(); ++r) rows.push_back(std::stoll(pending.get(r, 0)));
  insert_range(rows, 0, rows.size(), written, report);
}

// Inserts rows[from, to) in one statement; a range the target refuses is halved until the row
// it refuses stands alone and is skipped with Postgres's reason. The left half goes first, so of
// two rows that cannot both be there the first in source order stays.
void Stage::insert_range(const std::vector<std::int64_t>& rows, std::size_t from, std::size_t to, Written& written,
                         Report& report) {
  if (from == to) return;
  const auto list = column_list(columns_);
  db_.exec("SAVEPOINT d1_insert");
  try {
    written.inserted +=
        db_.exec(fmt::format("INSERT INTO {0} ({1}) SELECT {1} FROM {2} s WHERE d1_row BETWEEN $1 AND $2 "
                             "AND NOT EXISTS (SELECT 1 FROM {0} t WHERE t.id = s.id)",
                             schema_.table, list, stage_),
                 {std::to_string(rows[from]), std::to_string(rows[to - 1])})
            .affected();
    db_.exec("RELEASE SAVEPOINT d1_insert");
  } catch (const PgError& e) {
    if (!e.row_level()) throw;
    db_.exec("ROLLBACK TO SAVEPOINT d1_insert");
    db_.exec("RELEASE SAVEPOINT d1_insert");
    if (to - from == 1) return refuse(report, rows[from], e.what());
    const auto middle = from + (to - from) / 2;
    insert_range(rows, from, middle, written, report);
    insert_range(rows, middle, to, written, report);
  }
}

int Stage::compare(Report& report, std::ostream& out) {
  int mismatches = 0;
  // A row the target lacks is a mismatch unless the target refuses it, as it refused it when
  // the import ran (a limit or a trigger settle() does not know): try it, then take it back.
  std::vector<std::string> missing;
  if (!columns_.empty()) {
    const auto absent = db_.exec(fmt::format(
        "SELECT d1_row, d1_id FROM {} s WHERE NOT EXISTS (SELECT 1 FROM {} t WHERE t.id = s.id) ORDER BY d1_row",
        stage_, schema_.table));
    const auto list = column_list(columns_);
    for (int r = 0; r < absent.rows(); ++r) {
      db_.exec("SAVEPOINT d1_compare");
      try {
        db_.exec(
            fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} WHERE d1_row = $1", schema_.table, list, list, stage_),
            {absent.get(r, 0)});
        missing.push_back(absent.get(r, 1));
      } catch (const PgError& e) {
        if (!e.row_level()) throw;
        db_.exec("ROLLBACK TO SAVEPOINT d1_compare");
        refuse(report, std::stoll(absent.get(r, 0)), e.what());
        continue;
      }
      db_.exec("ROLLBACK TO SAVEPOINT d1_compare");
    }
  }
  // The migrations seed the catalogue under the import's ids (ADR-019): a seeded row (one with
  // a legacy_id) whose legacy row was skipped stays, and is not the source's to count.
  std::string counted;
  if (seeded_catalogue(name_)) {
    counted =
        columns_.empty()
            ? " WHERE legacy_id IS NULL"
            : fmt::format(" t WHERE t.legacy_id IS NULL OR EXISTS (SELECT 1 FROM {} s WHERE s.id = t.id)", stage_);
  }
  const auto target_rows = std::stoll(db_.exec("SELECT count(*) FROM " + schema_.table + counted).get(0, 0));
  if (target_rows != kept()) {
    out << fmt::format("MISMATCH {}: {} rows, the rules give {}\n", name_, target_rows, kept());
    ++mismatches;
  }
  for (std::size_t r = 0; r < missing.size(); ++r) {
    if (r < 5) out << fmt::format("MISMATCH {} {}: row missing\n", name_, missing[r]);
    ++mismatches;
  }
  if (columns_.empty()) return mismatches;
  // Column by column in the column's own type: jsonb, timestamptz and double compare as values.
  std::string select;
  for (const auto& c : columns_) {
    const auto q = quote_ident(c);
    select += fmt::format(", s.{0}::text, t.{0}::text, s.{0} IS NOT DISTINCT FROM t.{0}", q);
  }
  const auto differing = db_.exec(fmt::format(
      "SELECT s.d1_id{} FROM {} s JOIN {} t ON t.id = s.id WHERE ROW({}) IS DISTINCT FROM ROW({}) ORDER BY s.d1_row "
      "LIMIT 5",
      select, stage_, schema_.table, column_list(columns_, "s."), column_list(columns_, "t.")));
  for (int r = 0; r < differing.rows(); ++r) {
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const int col = static_cast<int>(1 + 3 * c);
      if (differing.get(r, col + 2) == "t") continue;
      ++mismatches;
      const auto id = differing.get(r, 0);
      if (is_secret_column(columns_[c])) {
        out << fmt::format("MISMATCH {} {} {}: differs (value not shown)\n", name_, id, columns_[c]);
        continue;
      }
      out << fmt::format("MISMATCH {} {} {}: expected {}, found {}\n", name_, id, columns_[c],
                         differing.is_null(r, col) ? "NULL" : shorten(differing.get(r, col)),
                         differing.is_null(r, col + 1) ? "NULL" : shorten(differing.get(r, col + 1)));
    }
  }
  db_.exec("DROP TABLE " + stage_);
  return mismatches;
}

void settle_tables(PgConnection& db, RowSource& source, const Plan& plan, Report& report, Progress& progress,
                   const std::string& phase, const std::function<void(std::size_t, Stage&)>& then) {
  // The staging tables and their sorts stay in memory: Postgres's defaults (8 MB of temporary
  // buffers, 4 MB per sort) send a large table to disk at every statement. Must come before
  // the session's first temporary table.
  db.exec("SET temp_buffers = '256MB'");
  db.exec("SET work_mem = '64MB'");
  // Unanalysed staging tables make the planner guess millions of rows, and JIT compilation for
  // such a guess costs more than the statement (0.6 s of 0.9 s on a table of 188,000 rows).
  db.exec("SET jit = off");
  for (std::size_t table : import_order()) {
    if (not_imported_reason(inventory()[table].name)) continue;
    Stage stage(db, table);
    for_each_target_row(table, source, plan, stage.types(), progress, phase,
                        [&](std::size_t row, const std::string& raw_id, const TargetRow& out, const RowLog& log) {
                          stage.add(row, raw_id, out, log);
                        });
    stage.settle(report);
    then(table, stage);
    stage.finish(report);
    report.tables[table].expected_rows = stage.kept();
    report.tables[table].repaired = stage.repaired();
    progress.finish();  // rows/s include the statements on the staging table
  }
}

}  // namespace ignition::d1import::detail
