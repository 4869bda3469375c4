#include <ignition/domain/record.hpp>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <vector>

#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
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

// Postgres prints timestamptz as "2026-01-07 12:00:00.123456+00" (every connection runs
// with TimeZone=UTC); rewriting the text gives the RFC 3339 form with milliseconds without
// parsing it. Anything else (five-digit years, BC, infinity) takes the slow path.
bool append_rfc3339(std::string_view pg, std::string& out) {
  if (pg.size() < 22 || pg[4] != '-' || pg[7] != '-' || pg[10] != ' ' || pg[13] != ':' || pg[16] != ':' ||
      !pg.ends_with("+00"))
    return false;
  out.append(pg.substr(0, 10)).append(1, 'T').append(pg.substr(11, 8)).append(1, '.');
  const std::string_view fraction = pg.substr(19, pg.size() - 22);  // "" or ".123456"
  std::size_t digits = 0;
  for (std::size_t i = 1; i < fraction.size() && digits < 3; ++i, ++digits) out += fraction[i];
  out.append(3 - digits, '0').append(1, 'Z');
  return true;
}

std::string rfc3339(const db::Row& row, int column) {
  std::string out;
  if (!append_rfc3339(row.text(column), out)) out = format_rfc3339(row.get<Timestamp>(column));
  return out;
}

// A float or numeric as a JSON number; NaN and the infinities have none.
void append_number(std::string_view text, std::string& out) {
  if (text == "NaN" || text.ends_with("Infinity"))
    out += "null";
  else
    out += text;
}

void append_value(const db::Row& row, int column, unsigned type, std::string& out) {
  if (row.is_null(column)) {
    out += "null";
    return;
  }
  const std::string_view text = row.text(column);
  switch (type) {
    case bool_oid: out += text == "t" ? "true" : "false"; return;
    case int2_oid:
    case int4_oid:
    case int8_oid:
    case json_oid:
    case jsonb_oid:
      out += text;  // already valid JSON
      return;
    case float4_oid:
    case float8_oid:
    case numeric_oid: append_number(text, out); return;
    case timestamptz_oid: json::append_string(out, rfc3339(row, column)); return;
    default: json::append_string(out, text);
  }
}

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

std::string to_json_text(const db::Result& result, int limit) {
  const int n = limit < 0 ? result.rows() : std::min(limit, result.rows());
  const int columns = result.columns();
  // Keys are written once per column, escaped, with their colon.
  std::vector<std::string> keys(static_cast<std::size_t>(columns));
  std::vector<unsigned> types(static_cast<std::size_t>(columns));
  for (int c = 0; c < columns; ++c) {
    json::append_string(keys[static_cast<std::size_t>(c)], result.column_name(c));
    keys[static_cast<std::size_t>(c)] += ':';
    types[static_cast<std::size_t>(c)] = result.column_type(c);
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(n) * 64 * static_cast<std::size_t>(columns) + 2);
  out += '[';
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    out += '{';
    const db::Row row = result[i];
    for (int c = 0; c < columns; ++c) {
      if (c > 0) out += ',';
      out += keys[static_cast<std::size_t>(c)];
      append_value(row, c, types[static_cast<std::size_t>(c)], out);
    }
    out += '}';
  }
  out += ']';
  return out;
}

db::JsonText json_param(const std::vector<std::string>& strings) {
  boost::json::array array;
  array.reserve(strings.size());
  for (const auto& s : strings) array.emplace_back(s);
  return db::JsonText{boost::json::serialize(array)};
}

std::optional<db::JsonText> json_param(const std::optional<std::vector<std::string>>& strings) {
  if (!strings) return std::nullopt;
  return json_param(*strings);
}

db::JsonText json_param(const boost::json::value& document) { return db::JsonText{boost::json::serialize(document)}; }

std::optional<db::JsonText> json_param(const std::optional<boost::json::object>& document) {
  if (!document) return std::nullopt;
  return json_param(boost::json::value(*document));
}

void throw_not_found(std::string_view what) { throw Error(ErrorCode::not_found, fmt::format("no such {}", what)); }

}  // namespace ignition::domain
