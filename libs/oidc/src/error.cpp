#include <ignition/oidc/error.hpp>

namespace ignition::oidc {

SignInError::SignInError(std::string code, std::string detail)
    : std::runtime_error(code + ": " + detail), code_(std::move(code)), detail_(std::move(detail)) {}

}  // namespace ignition::oidc
