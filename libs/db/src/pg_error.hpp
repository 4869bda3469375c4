#pragma once
// Turns a failed PGresult into the typed db error for its SQLSTATE.

#include <libpq-fe.h>

namespace ignition::db::detail {

[[noreturn]] void throw_result_error(const PGresult* result);

}  // namespace ignition::db::detail
