#pragma once
// A small blocking libpq connection for the import and verify commands (ADR-022): they run
// alone in a command-line process, so there is no event loop to keep free. Values are always
// passed as parameters or COPY data; identifiers come from the inventory, quoted.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace ignition::d1import::detail {

class PgResult {
 public:
  explicit PgResult(pg_result* r) : r_(r) {}
  ~PgResult();
  PgResult(PgResult&& other) noexcept : r_(other.r_) { other.r_ = nullptr; }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  PgResult& operator=(PgResult&&) = delete;

  int rows() const;
  int columns() const;
  bool is_null(int row, int column) const;
  std::string get(int row, int column) const;
  /// Rows affected by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;
  pg_result* get() const noexcept { return r_; }

 private:
  pg_result* r_;
};

/// A statement Postgres refused; `sqlstate` tells a refused row (classes 22, 23, 54, P0) from a
/// failed run.
class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// The data of a row, not the run, is at fault: a value, a constraint, a size limit or a trigger.
  bool row_level() const noexcept;

 private:
  std::string sqlstate_;
};

class PgConnection {
 public:
  /// Throws std::runtime_error when the connection fails (the message omits the password).
  explicit PgConnection(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Runs a statement with text parameters (nullopt = NULL); throws PgError on error.
  PgResult exec(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});

  /// COPY ... FROM STDIN in text format: begin, send data in chunks, end.
  void copy_begin(const std::string& sql);
  void copy_send(std::string_view data);
  void copy_end();

 private:
  [[noreturn]] void fail(const std::string& what);
  pg_conn* c_;
};

}  // namespace ignition::d1import::detail
