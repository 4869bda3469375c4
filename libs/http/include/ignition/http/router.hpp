#pragma once
/// Method + path-template routing: "/api/v1/focus/{id}". Every route declares its Policy
/// (policy.hpp) where it is added. Literal segments win over parameters. A path that matches
/// with another method gives 405 with `Allow`; HEAD is served by the GET route when no HEAD
/// route exists.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/http/policy.hpp>
#include <ignition/http/request.hpp>

namespace ignition::http {

/// One entry of the table.
struct Route {
  Verb method;
  std::string pattern;
  Policy policy;
  Handler handler;
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  /// Throws std::invalid_argument for a malformed pattern or a duplicate route.
  Router& add(Verb method, std::string_view pattern, Policy policy, Handler handler);

  struct Match {
    const Route* route = nullptr;  ///< null when nothing matched
    std::string_view pattern;      ///< template of the matched path, also when only the method is wrong
    /// When only the method is wrong: on an admin path the admin policy (the path stays hidden,
    /// a 404, from everyone else), on an open path the open one, else one that reads the session,
    /// checks CSRF and counts in the routes' rate bucket but lets anyone see the 405.
    const Policy* policy = nullptr;
    std::string allow;  ///< methods of the path, when only the method is wrong
  };
  /// Fills `params` (views into `path`) for the match.
  Match match(Verb method, std::string_view path,
              std::vector<std::pair<std::string_view, std::string_view>>& params) const;
  /// The same for a request whose `path` is set: fills `request.params`.
  Match match(Request& request) const { return match(request.method(), request.path, request.params); }

  /// Every route, in the order added: the table the route-policy test checks and prints.
  std::vector<const Route*> routes() const;

  struct Node;  // defined in router.cpp

 private:
  std::unique_ptr<Node> root_;
  std::vector<const Route*> added_;
};

}  // namespace ignition::http
