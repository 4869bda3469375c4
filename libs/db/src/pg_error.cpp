#include "pg_error.hpp"

#include <string>
#include <string_view>

#include <ignition/db/error.hpp>

namespace ignition::db::detail {

void throw_result_error(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string sqlstate = state ? state : "";
  std::string message = PQresultErrorMessage(result);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string_view s = sqlstate;
  if (s == "23505") throw UniqueViolation(sqlstate, message);
  if (s == "23503") throw ForeignKeyViolation(sqlstate, message);
  if (s == "23514" || s == "23502") throw CheckViolation(sqlstate, message);
  if (s == "40001" || s == "40P01") throw SerializationFailure(sqlstate, message);
  // Class 08 (connection exception) and 57P0x (shutdown, crash recovery) mean the
  // server is going away, not that the statement is wrong.
  if (s.starts_with("08") || s.starts_with("57P0")) throw Unavailable(message);
  throw Error(sqlstate, message);
}

}  // namespace ignition::db::detail
