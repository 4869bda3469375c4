// The D1 database file, read through libsqlite3 read-only, rows in rowid order.

#include "sources.hpp"
#include "sql_text.hpp"

#include <sqlite3.h>

#include <algorithm>

#include <stdexcept>

namespace ignition::d1import::detail {

namespace {

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      std::string error = sqlite3_errmsg(db);
      sqlite3_finalize(stmt_);
      throw std::runtime_error("sqlite: " + error);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }

  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
  }
  sqlite3_stmt* get() const noexcept { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteCursor : public RowCursor {
 public:
  SqliteCursor(sqlite3* db, const std::string& sql, std::size_t columns) : stmt_(db, sql), columns_(columns) {}

  bool next(Row& row) override {
    if (!stmt_.step()) return false;
    row.resize(columns_);
    for (std::size_t i = 0; i < columns_; ++i) {
      const int c = static_cast<int>(i);
      switch (sqlite3_column_type(stmt_.get(), c)) {
        case SQLITE_NULL: row[i].data = std::monostate{}; break;
        case SQLITE_INTEGER: row[i].data = static_cast<std::int64_t>(sqlite3_column_int64(stmt_.get(), c)); break;
        case SQLITE_FLOAT: row[i].data = sqlite3_column_double(stmt_.get(), c); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), c));
          row[i].data = std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), c)));
        }
      }
    }
    return true;
  }

 private:
  Statement stmt_;
  std::size_t columns_;
};

class SqliteSource : public RowSource {
 public:
  explicit SqliteSource(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      std::string error = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open " + path.string() + ": " + error);
    }
  }
  ~SqliteSource() override { sqlite3_close(db_); }
  SqliteSource(const SqliteSource&) = delete;
  SqliteSource& operator=(const SqliteSource&) = delete;

  std::string format() const override { return "sqlite"; }

  std::vector<std::pair<std::string, std::int64_t>> other_tables() override {
    std::vector<std::string> names;
    Statement list(db_, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid");
    while (list.step()) names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)));
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& name : names) {
      if (find_table(name)) continue;
      Statement count(db_, "SELECT count(*) FROM " + quote_ident(name));
      count.step();
      out.emplace_back(name, sqlite3_column_int64(count.get(), 0));
    }
    return out;
  }

  std::unique_ptr<RowCursor> rows(const TableSpec& table) override {
    std::vector<std::string> present;
    {
      Statement info(db_, "SELECT name FROM pragma_table_info(?)");
      info.bind(1, table.name);
      while (info.step()) present.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 0)));
    }
    if (present.empty()) return std::make_unique<EmptyCursor>();
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      const auto& name = table.columns[i].name;
      if (std::find(present.begin(), present.end(), name) == present.end()) {
        throw std::runtime_error("sqlite: table " + std::string(table.name) + " has no column " + std::string(name));
      }
      sql += (i ? ", " : "") + quote_ident(name);
    }
    sql += " FROM " + quote_ident(table.name) + " ORDER BY rowid";
    return std::make_unique<SqliteCursor>(db_, sql, table.columns.size());
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<RowSource> open_sqlite(const std::filesystem::path& path) {
  return std::make_unique<SqliteSource>(path);
}

}  // namespace ignition::d1import::detail
