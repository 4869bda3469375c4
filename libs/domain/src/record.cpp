#include <ignition/domain/record.hpp>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <ignition/common/error.hpp>
#include <ignition/common/time.hpp>

namespace ignition::domain {

namespace {

// pg_type OIDs (stable across Postgres versions).
enum Oid : unsigned {
  bool_oid = 16,
  int8_oid = 20,
  int2_oid = 21,
  int4_oid = 23,
  json_oid = 114,
  float4_oid = 700,
  float8_oid = 701,
  timestamptz_oid = 1184,
  numeric_oid = 1700,
  jsonb_oid = 3802,
};

boost::json::value shape(const db::Row& row, int column, unsigned type) {
  if (row.is_null(column)) return nullptr;
  switch (type) {
    case bool_oid: return row.get<bool>(column);
    case int2_oid:
    case int4_oid:
    case int8_oid: return row.get<std::int64_t>(column);
    case float4_oid:
    case float8_oid:
    case numeric_oid: return row.get<double>(column);
    case json_oid:
    case jsonb_oid: return boost::json::parse(row.text(column));
    case timestamptz_oid: return boost::json::string(format_rfc3339(row.get<Timestamp>(column)));
    default: return boost::json::string(row.text(column));
  }
}

}  // namespace

boost::json::object to_object(const db::Result& result, int row) {
  boost::json::object out;
  const int columns = result.columns();
  out.reserve(static_cast<std::size_t>(columns));
  const db::Row r = result[row];
  for (int c = 0; c < columns; ++c) out.emplace(result.column_name(c), shape(r, c, result.column_type(c)));
  return out;
}

boost::json::object one_or_not_found(const db::Result& result, std::string_view what) {
  if (result.empty()) throw_not_found(what);
  return to_object(result, 0);
}

boost::json::array to_array(const db::Result& result, int limit) {
  const int n = limit < 0 ? result.rows() : std::min(limit, result.rows());
  boost::json::array out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.emplace_back(to_object(result, i));
  return out;
}

void throw_not_found(std::string_view what) { throw Error(ErrorCode::not_found, fmt::format("no such {}", what)); }

}  // namespace ignition::domain
