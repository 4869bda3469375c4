#pragma once
// Query-string parameters, percent-decoded ('+' is a space, as browsers send forms).

#include <optional>
#include <string>
#include <string_view>

namespace ignition::api {

/// The first value of `name` in a raw query string; nullopt when absent, and when its value is
/// not UTF-8 text without NUL (a malformed escape, %00, bytes that are not UTF-8), which sets
/// `*malformed` when given.
std::optional<std::string> query_param(std::string_view query, std::string_view name, bool* malformed = nullptr);

}  // namespace ignition::api
