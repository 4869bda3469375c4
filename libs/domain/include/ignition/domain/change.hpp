#pragma once
/// PATCH support: a field is either left alone or given a new value (for nullable
/// columns the new value may be NULL). One prepared UPDATE serves every combination:
/// each column reads `col = CASE WHEN $n THEN $n+1 ELSE col END`, with $n "is set" and
/// $n+1 the value.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <ignition/db/params.hpp>

namespace ignition::domain {

template <typename T>
struct Change {
  bool set = false;
  std::optional<T> value;  // nullopt with set = true writes NULL

  static Change to(std::optional<T> v) { return {true, std::move(v)}; }
};

/// Binds a change as its two parameters.
template <typename T>
void add_change(db::Params& params, const Change<T>& change) {
  params.add(change.set);
  params.add(change.value);
}

/// "a = CASE WHEN $n THEN $n+1 ELSE a END, b = ..." for `columns`, numbering from
/// `first_param` (Postgres infers each value's type from its column).
std::string change_assignments(std::initializer_list<std::string_view> columns, int first_param);

}  // namespace ignition::domain
