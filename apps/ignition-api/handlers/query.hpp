#pragma once
// Query-string parameters, percent-decoded ('+' is a space, as browsers send forms).

#include <optional>
#include <string>
#include <string_view>

namespace ignition::api {

/// The first value of `name` in a raw query string; nullopt when absent or when the
/// query is malformed (a %00 included).
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace ignition::api
