#include <ignition/http/router.hpp>

#include <stdexcept>

namespace ignition::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::string param_name;
  std::map<Verb, Handler> handlers;
  std::map<Verb, std::size_t> streamed_body_limits;  // the routes added with add_streaming
  std::string pattern;
};

namespace {
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

using Params = std::vector<std::pair<std::string_view, std::string_view>>;

// Depth-first: literal children before the parameter child, so /focus/active beats
// /focus/{id}, with backtracking when a literal branch dead-ends.
const Router::Node* find(const Router::Node* node, std::string_view rest, Params& params, auto&& node_of) {
  if (rest.empty()) return node_of(node);
  auto slash = rest.find('/');
  std::string_view segment = rest.substr(0, slash);
  std::string_view tail = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (segment.empty() || (slash != std::string_view::npos && tail.empty())) return nullptr;
  if (auto it = node->literals.find(segment); it != node->literals.end()) {
    if (auto* hit = find(it->second.get(), tail, params, node_of)) return hit;
  }
  if (node->param) {
    params.emplace_back(node->param->param_name, segment);
    if (auto* hit = find(node->param.get(), tail, params, node_of)) return hit;
    params.pop_back();
  }
  return nullptr;
}
}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::add(Verb method, std::string_view pattern, Handler handler) {
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
  if (!node->handlers.emplace(method, std::move(handler)).second) {
    throw std::invalid_argument("duplicate route: " + std::string(beast_http::to_string(method)) + " " +
                                std::string(pattern));
  }
  node->pattern = pattern;
  return *this;
}

Router& Router::add_streaming(Verb method, std::string_view pattern, Handler handler, std::size_t max_body) {
  add(method, pattern, std::move(handler));
  Request probe;  // finds the node just added
  probe.path = pattern;
  const Node* node = find(root_.get(), pattern.substr(1), probe.params, [](const Node* n) { return n; });
  const_cast<Node*>(node)->streamed_body_limits[method] = max_body;
  streaming_methods_.insert(method);
  return *this;
}

std::size_t Router::streamed_body_limit(Verb method, std::string_view path) const {
  if (path.empty() || path.front() != '/' || !streaming_methods_.contains(method)) return 0;
  Params ignored;
  const Node* node = find(root_.get(), path.substr(1), ignored,
                          [](const Node* n) { return n->streamed_body_limits.empty() ? nullptr : n; });
  if (!node) return 0;
  auto it = node->streamed_body_limits.find(method);
  return it == node->streamed_body_limits.end() ? 0 : it->second;
}

Router::Match Router::match(Request& request) const {
  Match m;
  std::string_view path = request.path;
  if (path.empty() || path.front() != '/') return m;
  request.params.clear();
  const Node* node = find(root_.get(), path.substr(1), request.params,
                          [](const Node* n) { return n->handlers.empty() ? nullptr : n; });
  if (!node) return m;
  m.route = node->pattern;
  Verb method = request.method();
  auto it = node->handlers.find(method);
  if (it == node->handlers.end() && method == Verb::head) it = node->handlers.find(Verb::get);
  if (it != node->handlers.end()) {
    m.handler = &it->second;
    return m;
  }
  for (const auto& [verb, _] : node->handlers) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += beast_http::to_string(verb);
    if (verb == Verb::get && !node->handlers.contains(Verb::head)) m.allow += ", HEAD";
  }
  return m;
}

}  // namespace ignition::http
