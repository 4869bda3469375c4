#include "ignition/common/version.hpp"

namespace ignition {

// Defined for this file alone (libs/common/CMakeLists.txt): a new version recompiles one file.
std::string_view version() { return IGNITION_VERSION; }

}  // namespace ignition
