#pragma once
/// This build's version: the project's, from the top CMakeLists.txt (the package's too).

#include <string_view>

namespace ignition {

std::string_view version();

}  // namespace ignition
