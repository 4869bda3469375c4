// The request head as the server reads it: Beast's request_parser fed what arrives in pieces (the
// server's header-then-body reading, its limits), the path routed through ignition-api's route
// table (fuzz/routes.txt, as Router::match sees it), and the head's fields copied into
// http::Fields, the server's own header store. A match must agree with its route's pattern: the
// pattern with its parameters filled in is the path again.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/common/parse.hpp>
#include <ignition/http/request.hpp>
#include <ignition/http/router.hpp>

#include "check.hpp"

namespace beast_http = boost::beast::http;
using ignition::http::Fields;
using ignition::http::Response;
using ignition::http::Router;
using ignition::http::Verb;

namespace {

// ServerConfig's defaults.
constexpr std::size_t max_header_bytes = 16 * 1024;
constexpr std::size_t max_body_bytes = 1024 * 1024;

Router load_routes() {
  Router router;
  std::ifstream file(IGNITION_FUZZ_ROUTES);
  if (!file) {
    std::fprintf(stderr, "cannot read %s\n", IGNITION_FUZZ_ROUTES);
    std::abort();
  }
  const ignition::http::Handler none;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields(line);
    std::string method, pattern, access, body;
    fields >> method >> pattern >> access >> body;
    using ignition::http::Policy;
    namespace access_of = ignition::http::access;
    Policy policy = access == "open"      ? access_of::open
                    : access == "session" ? access_of::session
                    : access == "admin"   ? access_of::admin
                                          : access_of::user;
    if (auto limit = ignition::parse_integer<std::size_t>(body)) policy = policy.body_limit(*limit);
    router.add(beast_http::string_to_verb(method), pattern, policy, none);
  }
  return router;
}

const Router& routes() {
  static const Router router = load_routes();
  return router;
}

// The segments of "/a/b/c"; the router refuses an empty one, so a matched path has none.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path == "/") return out;
  path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

void check_match(Verb method, std::string_view path) {
  std::vector<std::pair<std::string_view, std::string_view>> params;
  const auto m = routes().match(method, path, params);
  if (m.route) {
    FUZZ_CHECK(m.route->method == method || (method == Verb::head && m.route->method == Verb::get));
    FUZZ_CHECK(m.pattern == m.route->pattern && m.policy == &m.route->policy && m.allow.empty());
    // The pattern, its parameters filled in, is the path; literals match exactly.
    const auto pattern_segments = segments(m.pattern);
    const auto path_segments = segments(path);
    FUZZ_CHECK(pattern_segments.size() == path_segments.size());
    std::size_t next_param = 0;
    for (std::size_t i = 0; i < pattern_segments.size(); ++i) {
      const auto segment = pattern_segments[i];
      if (segment.front() == '{') {
        FUZZ_CHECK(next_param < params.size());
        FUZZ_CHECK(params[next_param].first == segment.substr(1, segment.size() - 2));
        FUZZ_CHECK(params[next_param].second == path_segments[i]);
        // Views into the path, never copies.
        FUZZ_CHECK(params[next_param].second.data() >= path.data() &&
                   params[next_param].second.data() + params[next_param].second.size() <= path.data() + path.size());
        ++next_param;
      } else {
        FUZZ_CHECK(segment == path_segments[i]);
      }
    }
    FUZZ_CHECK(next_param == params.size());
  } else if (m.policy) {
    // Only the method is wrong: the path's methods are listed, and this one is not among them.
    FUZZ_CHECK(!m.pattern.empty() && !m.allow.empty());
    const std::string name(beast_http::to_string(method));
    std::string_view allow = m.allow;
    while (!allow.empty()) {
      const auto comma = allow.find(", ");
      FUZZ_CHECK(allow.substr(0, comma) != name);
      allow = comma == std::string_view::npos ? std::string_view{} : allow.substr(comma + 2);
    }
  } else {
    FUZZ_CHECK(m.pattern.empty() && m.allow.empty() && params.empty());
  }
}

// The head's fields through http::Fields: what was inserted is found and listed as it was.
void check_fields(const beast_http::request<beast_http::string_body>& message) {
  Response response;
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& field : message) {
    try {
      response.insert(field.name_string(), field.value());
      kept.emplace_back(field.name_string(), field.value());
    } catch (const std::invalid_argument&) {  // a value with a control character: documented
    }
  }
  std::size_t i = 0;
  for (const auto& field : response) {
    FUZZ_CHECK(i < kept.size() && field.name == kept[i].first && field.value == kept[i].second);
    ++i;
  }
  FUZZ_CHECK(i == kept.size());
  for (const auto& [name, value] : kept) {
    const auto found = response.find(name);
    FUZZ_CHECK(found != response.end() && boost::beast::iequals(found->name, name));
  }
  if (!kept.empty()) {
    // set() leaves one field of the name, erase() none.
    const std::string name = kept.front().first;
    response.set(name, "x");
    std::size_t count = 0;
    for (const auto& field : response) count += boost::beast::iequals(field.name, name) ? 1 : 0;
    FUZZ_CHECK(count == 1 && response[name] == "x");
    response.erase(name);
    FUZZ_CHECK(response.find(name) == response.end());
  }
}

// False when the server refuses the request on its head, before reading the body: a declared
// length past the route's limit (the parser would reserve that much for the body).
bool route(beast_http::request_parser<beast_http::string_body>& parser) {
  const auto target = parser.get().target();
  const auto path = std::string_view(target).substr(0, target.find('?'));
  check_match(parser.get().method(), path);
  std::vector<std::pair<std::string_view, std::string_view>> params;
  const auto m = routes().match(parser.get().method(), path, params);
  std::size_t limit = max_body_bytes;
  if (m.route && m.route->policy.max_body()) limit = std::min(limit, m.route->policy.max_body());
  parser.body_limit(limit);
  check_fields(parser.get());
  const auto length = parser.content_length();
  return !length || *length <= limit;
}

}  // namespace

// BOOST_ENABLE_ASSERT_HANDLER (fuzz/CMakeLists.txt): Boost's assertions call these. Beast before
// Boost 1.86 asserts n >= 5 in parse_chunk_header where a last chunk split as "0\r\n", "\r", "\n"
// leaves 4 bytes; the code after it is right and asks for more (boostorg/beast#2861). Only that
// one is let through; the linker takes the parser from this file, the first to define it.
namespace boost {
void assertion_failed(const char* expr, const char* function, const char* file, long line) {
  if (std::string_view(expr) == "n >= 5" && std::string_view(file).ends_with("http/impl/basic_parser.ipp") &&
      std::string_view(function).find("parse_chunk_header") != std::string_view::npos)
    return;
  std::fprintf(stderr, "%s:%ld: %s: assertion failed: %s\n", file, line, function, expr);
  std::abort();
}
void assertion_failed_msg(const char* expr, const char* msg, const char* function, const char* file, long line) {
  std::fprintf(stderr, "%s:%ld: %s: assertion failed: %s (%s)\n", file, line, function, expr, msg);
  std::abort();
}
}  // namespace boost

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte says how the bytes arrive: in pieces of 1..255 bytes, or (0) all at once.
  const std::size_t piece = data[0] == 0 ? size : data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  beast_http::request_parser<beast_http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(max_header_bytes));
  // As the server does: no body limit until the head is routed, then the route's.
  parser.body_limit(boost::none);
  boost::beast::flat_buffer buffer;
  boost::system::error_code ec;
  std::size_t at = 0;
  bool routed = false;
  while (!parser.is_done()) {
    if (buffer.size() > 0) {
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == beast_http::error::need_more) {
        ec = {};
      } else if (ec) {
        break;
      }
      if (!routed && parser.is_header_done()) {
        routed = true;
        if (!route(parser)) return 0;
      }
      if (used > 0) continue;
    }
    if (at == input.size()) {
      // The client closed: as the server does, an end that ends nothing begun is no request.
      if (parser.got_some()) parser.put_eof(ec);
      break;
    }
    const auto n = std::min(piece, input.size() - at);
    const auto room = buffer.prepare(n);
    std::memcpy(room.data(), input.data() + at, n);
    buffer.commit(n);
    at += n;
  }
  if (parser.is_done()) {
    FUZZ_CHECK(routed && parser.get().body().size() <= max_body_bytes);
    ignition::http::Request request;
    request.message = parser.release();
    FUZZ_CHECK(request.header(beast_http::field::host) == request.message[beast_http::field::host]);
  }
  return 0;
}
