#pragma once
// SQL text for identifiers, shared by the SQLite reader and the Postgres writer. Identifiers
// come from the inventory or the catalogs, never from the data; values are always bound or
// COPYed, never spliced.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace ignition::d1import::detail {

/// "name", embedded quotes doubled (the same rule in SQLite and Postgres).
inline std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// The parts of a list the catalog queries join with `separator` (string_agg); none for "".
inline std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find(separator, start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// "p.a = c.a AND p.b = c.b": two column lists of the same length, each name with its qualifier.
inline std::string matching(const std::vector<std::string>& left, std::string_view lq,
                            const std::vector<std::string>& right, std::string_view rq) {
  std::string out;
  for (std::size_t i = 0; i < left.size(); ++i) {
    if (i) out += " AND ";
    out.append(lq).append(left[i]).append(" = ").append(rq).append(right[i]);
  }
  return out;
}

/// 'text', embedded quotes doubled: for names read from the catalog, never for data.
inline std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

/// "a", "b", "c" — each prefixed with `qualifier` ("s." or "t.") when given.
template <typename Names>
std::string column_list(const Names& names, std::string_view qualifier = {}) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out.append(qualifier);
    out += quote_ident(name);
  }
  return out;
}

}  // namespace ignition::d1import::detail
