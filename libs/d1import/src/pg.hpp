#pragma once
// A small blocking libpq connection for the import and verify commands (ADR-022): they run
// alone in a command-line process, so there is no event loop to keep free. Values are always
// passed as parameters or COPY data; identifiers come from the inventory, quoted.

#include <cstdint>
#include <memory>
#include <optional>
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

class PgConnection {
 public:
  /// Throws std::runtime_error when the connection fails (the message omits the password).
  explicit PgConnection(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Runs a statement with text parameters (nullopt = NULL); throws std::runtime_error on error.
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
