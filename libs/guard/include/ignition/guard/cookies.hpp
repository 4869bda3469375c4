#pragma once
/// Reading the Cookie header and writing Set-Cookie values with the configured attributes.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <ignition/auth/config.hpp>

namespace ignition::guard {

/// The value of cookie `name` in a Cookie header; nullopt when absent.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name);

enum class CookieAccess { http_only, script_readable };

/// `name=value; Path=/; [Domain=…;] [HttpOnly;] [Secure;] SameSite=…; Max-Age=…`.
/// A max_age of 0 deletes the cookie.
std::string set_cookie(const auth::CookieConfig& config, std::string_view name, std::string_view value,
                       std::chrono::seconds max_age, CookieAccess access, std::string_view path = "/");

}  // namespace ignition::guard
