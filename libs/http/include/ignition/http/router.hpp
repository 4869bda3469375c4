#pragma once
/// Method + path-template routing: "/api/v1/focus/{id}". Literal segments win over
/// parameters. A path that matches with another method gives 405 with `Allow`; HEAD
/// is served by the GET handler when no HEAD route exists.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <ignition/http/request.hpp>

namespace ignition::http {

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  /// Throws std::invalid_argument for a malformed pattern or a duplicate route.
  Router& add(Verb method, std::string_view pattern, Handler handler);
  /// A route whose body is not read before the handler runs: the handler pulls it with
  /// Request::read_body, up to `max_body` bytes (uploads larger than the server's
  /// buffered-body limit, never held whole in memory).
  Router& add_streaming(Verb method, std::string_view pattern, Handler handler, std::size_t max_body);

  /// The body limit of a streaming route for this method and path; 0 for any other.
  std::size_t streamed_body_limit(Verb method, std::string_view path) const;

  struct Match {
    const Handler* handler = nullptr;  ///< null when nothing matched
    std::string_view route;            ///< template of the matched path, when any
    std::string allow;                 ///< methods of the path, when only the method is wrong
  };
  /// Fills `request.params` for the match.
  Match match(Request& request) const;

  struct Node;  // defined in router.cpp

 private:
  std::unique_ptr<Node> root_;
  std::set<Verb> streaming_methods_;  // lets most requests skip the streaming lookup
};

}  // namespace ignition::http
