#include <ignition/domain/change.hpp>

#include <fmt/format.h>

namespace ignition::domain {

std::string change_assignments(std::initializer_list<std::string_view> columns, int first_param) {
  std::string out;
  int n = first_param;
  for (auto column : columns) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{0} = CASE WHEN ${1}::boolean THEN ${2} ELSE {0} END", column, n, n + 1);
    n += 2;
  }
  return out;
}

}  // namespace ignition::domain
