#include <ignition/db/result.hpp>

#include <libpq-fe.h>

#include <cstdlib>
#include <string>

#include <ignition/common/crypto.hpp>

namespace ignition::db {

Result::Result(pg_result* raw) : raw_(raw, PQclear) {}

int Result::rows() const noexcept { return raw_ ? PQntuples(raw_.get()) : 0; }
int Result::columns() const noexcept { return raw_ ? PQnfields(raw_.get()) : 0; }

std::int64_t Result::affected() const noexcept {
  if (!raw_) return 0;
  const char* n = PQcmdTuples(raw_.get());
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

std::string_view Result::command() const noexcept {
  if (!raw_) return {};
  std::string_view tag = PQcmdStatus(raw_.get());
  return tag.substr(0, tag.find(' '));
}

Row Result::one() const {
  if (rows() == 0) throw std::out_of_range("query returned no rows");
  return (*this)[0];
}

int Result::column(std::string_view name) const noexcept {
  if (!raw_) return -1;
  return PQfnumber(raw_.get(), std::string(name).c_str());
}

std::string_view Result::column_name(int column) const noexcept {
  const char* name = raw_ ? PQfname(raw_.get(), column) : nullptr;
  return name ? std::string_view(name) : std::string_view();
}

unsigned Result::column_type(int column) const noexcept { return raw_ ? PQftype(raw_.get(), column) : 0; }

bool Row::is_null(int column) const { return PQgetisnull(result_->raw_.get(), row_, column) == 1; }

std::string_view Row::text(int column) const {
  pg_result* r = result_->raw_.get();
  return {PQgetvalue(r, row_, column), static_cast<std::size_t>(PQgetlength(r, row_, column))};
}

void Row::bad_value(int column, const char* type) const {
  const char* name = PQfname(result_->raw_.get(), column);
  throw std::runtime_error(std::string("column ") + (name ? name : "?") + ": cannot read as " + type);
}

Bytes Row::bytea(int column) const {
  // Text-format bytea is "\x" followed by hex (bytea_output = hex, the default).
  std::string_view s = text(column);
  if (!s.starts_with("\\x")) bad_value(column, "bytea");
  auto raw = crypto::from_hex(s.substr(2));
  if (!raw) bad_value(column, "bytea");
  return Bytes{std::move(*raw)};
}

}  // namespace ignition::db
