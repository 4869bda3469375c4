#pragma once
// SQL text for identifiers, shared by the SQLite reader and the Postgres writer. Identifiers
// come from the inventory or the catalogs, never from the data; values are always bound or
// COPYed, never spliced.

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
