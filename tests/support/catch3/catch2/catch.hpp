#pragma once
// Catch2 3 under the Catch2 2 header the tests include (Debian 13 ships Catch2 3): the same
// assertions, and the matchers under their Catch2 2 names.
#include <catch2/catch_all.hpp>
#include <string>

using Catch::Approx;

namespace Catch {
inline auto Contains(const std::string& text) { return Matchers::ContainsSubstring(text); }
inline auto EndsWith(const std::string& text) { return Matchers::EndsWith(text); }
inline auto Matches(const std::string& regex) { return Matchers::Matches(regex); }
}  // namespace Catch
