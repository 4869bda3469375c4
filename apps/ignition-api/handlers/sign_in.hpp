#pragma once
// OpenID Connect sign-in: /auth/providers, /auth/{provider}, /auth/{provider}/callback.

#include <vector>

#include <ignition/oidc/provider.hpp>

#include "auth.hpp"

namespace ignition::api {

void add_sign_in_routes(http::Router& router, AuthDeps deps, std::vector<oidc::Provider> providers);

/// `redirect_to` when it is a relative path on the app ("/x", not "//x", not a URL),
/// else the default "/today".
std::string safe_redirect_target(const std::optional<std::string>& requested);

}  // namespace ignition::api
