#pragma once
/// What a route declares beside its handler: who may call it, whether unsafe methods need the
/// CSRF token, which rate-limit bucket counts it, and how its body is read. The router hands the
/// matched route's policy to the request, and the layers read it there: none looks at the path.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ignition::http {

/// Who may call a route, from the most open to the most restricted (the router compares them).
enum class Access : std::uint8_t {
  open,     ///< anyone, and no session is read (health, sign-in redirects, signed links)
  session,  ///< anyone; the session is read when the request carries one (logout, token health)
  user,     ///< a signed-in user; 401 otherwise
  admin,    ///< an admin; 404 for anyone else, as if the route did not exist
};

/// The rate-limit bucket a route counts in (the limits are configuration: RATE_LIMIT_*).
enum class RateClass : std::uint8_t { none, auth, feedback, admin, api };

std::string_view to_string(Access access) noexcept;
std::string_view to_string(RateClass rate) noexcept;

/// Made only from an access level, so a route cannot be added without one. The rest has
/// defaults a route changes by name: `access::user.limited(RateClass::feedback)`.
class Policy {
 public:
  constexpr explicit Policy(Access access) noexcept : access_(access), rate_(default_rate(access)) {}

  constexpr Access access() const noexcept { return access_; }
  constexpr RateClass rate() const noexcept { return rate_; }
  /// Unsafe methods (POST, PUT, PATCH, DELETE) need an allowed Origin, and with a session the
  /// X-CSRF-Token header equal to the csrf_token cookie. On by default.
  constexpr bool csrf() const noexcept { return csrf_; }
  /// The body limit in bytes; 0 for the server's own (HTTP_MAX_BODY). A limit lowers the
  /// server's; only a streamed body may be larger.
  constexpr std::size_t max_body() const noexcept { return max_body_; }
  /// The body is not read before the handler runs: the handler pulls it with
  /// Request::read_body (uploads, never held whole in memory).
  constexpr bool streaming() const noexcept { return streaming_; }

  constexpr Policy limited(RateClass rate) const noexcept {
    Policy p = *this;
    p.rate_ = rate;
    return p;
  }
  constexpr Policy without_csrf() const noexcept {
    Policy p = *this;
    p.csrf_ = false;
    return p;
  }
  constexpr Policy body_limit(std::size_t bytes) const noexcept {
    Policy p = *this;
    p.max_body_ = bytes;
    return p;
  }
  constexpr Policy streamed(std::size_t max_body) const noexcept {
    Policy p = body_limit(max_body);
    p.streaming_ = true;
    return p;
  }

 private:
  // Open routes are not counted unless they say so; admin routes have a bucket of their own.
  static constexpr RateClass default_rate(Access access) noexcept {
    switch (access) {
      case Access::open: return RateClass::none;
      case Access::admin: return RateClass::admin;
      default: return RateClass::api;
    }
  }
  Access access_;
  RateClass rate_;
  bool csrf_ = true;
  bool streaming_ = false;
  std::size_t max_body_ = 0;
};

/// The four starting points, one per access level.
namespace access {
inline constexpr Policy open{Access::open};
inline constexpr Policy session{Access::session};
inline constexpr Policy user{Access::user};
inline constexpr Policy admin{Access::admin};
}  // namespace access

}  // namespace ignition::http
