#include "pg.hpp"

#include <libpq-fe.h>

#include <stdexcept>

namespace ignition::d1import::detail {

PgResult::~PgResult() { PQclear(r_); }
int PgResult::rows() const { return PQntuples(r_); }
int PgResult::columns() const { return PQnfields(r_); }
bool PgResult::is_null(int row, int column) const { return PQgetisnull(r_, row, column) != 0; }
std::string PgResult::get(int row, int column) const {
  return std::string(PQgetvalue(r_, row, column), static_cast<std::size_t>(PQgetlength(r_, row, column)));
}
std::int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::stoll(n) : 0;
}

bool PgError::row_level() const noexcept {
  const std::string_view cls = std::string_view(sqlstate_).substr(0, 2);
  return cls == "22" || cls == "23" || cls == "54" || cls == "P0";
}

PgConnection::PgConnection(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(c_) != CONNECTION_OK) {
    // libpq's message names host and port, never the password.
    std::string error = PQerrorMessage(c_);
    PQfinish(c_);
    throw std::runtime_error("cannot connect to the database: " + error);
  }
}

PgConnection::~PgConnection() { PQfinish(c_); }

void PgConnection::fail(const std::string& what) { throw std::runtime_error(what + ": " + PQerrorMessage(c_)); }

PgResult PgConnection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PgResult result(
      PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    throw PgError(PQresultErrorMessage(result.get()), state ? state : "");
  }
  return result;
}

void PgConnection::copy_begin(const std::string& sql) {
  PgResult r(PQexec(c_, sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_COPY_IN) throw std::runtime_error(std::string(PQresultErrorMessage(r.get())));
}

void PgConnection::copy_send(std::string_view data) {
  if (PQputCopyData(c_, data.data(), static_cast<int>(data.size())) != 1) fail("COPY failed");
}

void PgConnection::copy_end() {
  if (PQputCopyEnd(c_, nullptr) != 1) fail("COPY failed");
  bool failed = false;
  std::string error;
  while (PGresult* r = PQgetResult(c_)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      failed = true;
      error = PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  if (failed) throw std::runtime_error("COPY failed: " + error);
}

}  // namespace ignition::d1import::detail
