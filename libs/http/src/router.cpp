#include <ignition/http/router.hpp>

#include <map>
#include <optional>
#include <stdexcept>

namespace ignition::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::string param_name;
  std::map<Verb, Route> routes;
  // What a wrong method on this path passes: anyone may learn that the path exists (a 405 with
  // its methods), except on an admin path, which stays hidden as its routes are.
  std::optional<Policy> wrong_method;
  std::string pattern;
};

namespace {
using Params = std::vector<std::pair<std::string_view, std::string_view>>;

// Calls `f` for each segment of "/a/b/c"; false on an empty segment or no leading '/'.
template <typename F>
bool for_each_segment(std::string_view path, F&& f) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    auto segment = path.substr(0, slash);
    if (segment.empty()) return false;
    f(segment);
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Depth-first: literal children before the parameter child, so /focus/active beats
// /focus/{id}, with backtracking when a literal branch dead-ends.
const Router::Node* find(const Router::Node* node, std::string_view rest, Params& params) {
  if (rest.empty()) return node->routes.empty() ? nullptr : node;
  auto slash = rest.find('/');
  std::string_view segment = rest.substr(0, slash);
  std::string_view tail = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (segment.empty() || (slash != std::string_view::npos && tail.empty())) return nullptr;
  if (auto it = node->literals.find(segment); it != node->literals.end()) {
    if (auto* hit = find(it->second.get(), tail, params)) return hit;
  }
  if (node->param) {
    params.emplace_back(node->param->param_name, segment);
    if (auto* hit = find(node->param.get(), tail, params)) return hit;
    params.pop_back();
  }
  return nullptr;
}
}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::add(Verb method, std::string_view pattern, Policy policy, Handler handler) {
  Node* node = root_.get();
  bool ok = for_each_segment(pattern, [&](std::string_view segment) {
    if (is_param(segment)) {
      std::string name(segment.substr(1, segment.size() - 2));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param->param_name = name;
      } else if (node->param->param_name != name) {
        throw std::invalid_argument("conflicting parameter names at " + std::string(pattern));
      }
      node = node->param.get();
    } else {
      auto& child = node->literals[std::string(segment)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
    }
  });
  if (!ok) throw std::invalid_argument("malformed route pattern: " + std::string(pattern));
  auto [it, added] = node->routes.try_emplace(method, Route{method, std::string(pattern), policy, std::move(handler)});
  if (!added) {
    throw std::invalid_argument("duplicate route: " + std::string(beast_http::to_string(method)) + " " +
                                std::string(pattern));
  }
  const Policy& mine = it->second.policy;
  if (!node->wrong_method || mine.access() > node->wrong_method->access()) {
    // Who may see the 405: on an admin path admins, on an open path anyone; else anyone, with
    // the session read so that CSRF and the rate bucket apply as on the path's routes.
    const bool as_declared = mine.access() == Access::admin || mine.access() == Access::open;
    node->wrong_method = as_declared ? mine : access::session.limited(mine.rate());
  }
  node->pattern = pattern;
  added_.push_back(&it->second);
  return *this;
}

Router::Match Router::match(Verb method, std::string_view path, Params& params) const {
  Match m;
  params.clear();
  if (path.empty() || path.front() != '/') return m;
  const Node* node = find(root_.get(), path.substr(1), params);
  if (!node) return m;
  m.pattern = node->pattern;
  auto it = node->routes.find(method);
  if (it == node->routes.end() && method == Verb::head) it = node->routes.find(Verb::get);
  if (it != node->routes.end()) {
    m.route = &it->second;
    m.policy = &it->second.policy;
    return m;
  }
  m.policy = &*node->wrong_method;
  for (const auto& [verb, _] : node->routes) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += beast_http::to_string(verb);
    if (verb == Verb::get && !node->routes.contains(Verb::head)) m.allow += ", HEAD";
  }
  return m;
}

std::vector<const Route*> Router::routes() const { return added_; }

std::string_view to_string(Access access) noexcept {
  switch (access) {
    case Access::open: return "open";
    case Access::session: return "session";
    case Access::user: return "user";
    case Access::admin: return "admin";
  }
  return "?";
}

std::string_view to_string(RateClass rate) noexcept {
  switch (rate) {
    case RateClass::none: return "none";
    case RateClass::auth: return "auth";
    case RateClass::feedback: return "feedback";
    case RateClass::admin: return "admin";
    case RateClass::api: return "api";
  }
  return "?";
}

}  // namespace ignition::http
