// The OpenAPI document against the route table it is made from: one operation per route and
// none more, the route's policy in it, and every reference pointing at something. The document
// being valid OpenAPI 3.1 is the linter's to say (tests/openapi), and the answers matching it the
// end-to-end suite's.

#include <catch2/catch.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/parse.hpp>
#include <functional>
#include <set>
#include <string>

#include "openapi.hpp"
#include "routes.hpp"

using namespace ignition;
using http::Access;
using http::Verb;
namespace json = boost::json;

namespace {

std::string method_of(Verb v) {
  std::string m(boost::beast::http::to_string(v));
  for (char& c : m) c = static_cast<char>(c - 'A' + 'a');
  return m;
}

const json::object& operation(const json::object& doc, const http::Route& route) {
  return doc.at("paths").at(route.pattern).at(method_of(route.method)).as_object();
}

void each_ref(const json::value& value, const std::function<void(std::string_view)>& visit) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.get_object()) {
      if (key == "$ref" && member.is_string()) visit(member.get_string());
      each_ref(member, visit);
    }
  } else if (value.is_array()) {
    for (const auto& item : value.get_array()) each_ref(item, visit);
  }
}

http::Handler nothing() {
  return [](http::Request&) -> boost::asio::awaitable<http::Response> {
    co_return http::Response(http::Status::no_content);
  };
}

}  // namespace

TEST_CASE("the OpenAPI document has one operation for every route and no other") {
  api::OfflineRoutes t;
  const auto doc = api::openapi::document(t.router, api::openapi::fragments());
  std::size_t operations = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) operations += item.as_object().size();
  CHECK(operations == t.router.routes().size());
  for (const auto* route : t.router.routes()) {
    INFO(route->pattern);
    CHECK_NOTHROW(operation(doc, *route));
  }
  // The served text is this document.
  CHECK(json::parse(api::openapi_text(t.router)) == json::value(doc));
}

TEST_CASE("a route without an operation, or an operation without a route, is refused by name") {
  api::OfflineRoutes t;
  t.router.add(Verb::get, "/api/v1/undocumented", http::access::user, nothing());
  try {
    (void)api::openapi::document(t.router, api::openapi::fragments());
    FAIL("an undocumented route passed");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("no operation for the route get /api/v1/undocumented"));
  }

  api::OfflineRoutes u;
  std::vector<EmbeddedFile> files(api::openapi::fragments().begin(), api::openapi::fragments().end());
  files.push_back({"extra.openapi.json", R"({"tag": {"name": "extra"}, "paths": {"/api/v1/gone": {"get": {
                     "operationId": "gone", "responses": {"204": {"description": "x"}}}}}})"});
  try {
    (void)api::openapi::document(u.router, files);
    FAIL("an operation without a route passed");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("extra.openapi.json writes get /api/v1/gone, which is no route"));
  }
}

TEST_CASE("each operation carries its route's policy: session, CSRF token, the errors it makes possible") {
  api::OfflineRoutes t;
  const auto doc = api::openapi::document(t.router, api::openapi::fragments());
  for (const auto* route : t.router.routes()) {
    const auto& p = route->policy;
    const auto& op = operation(doc, *route);
    INFO(method_of(route->method) << " " << route->pattern);
    const auto& security = op.at("security").as_array();
    const auto& responses = op.at("responses").as_object();
    bool csrf = false;
    for (const auto& requirement : security) csrf = csrf || requirement.as_object().contains("csrf");
    CHECK(op.at("x-access").as_string() == http::to_string(p.access()));
    CHECK(csrf == (http::unsafe(route->method) && p.csrf() && p.access() != Access::open));
    switch (p.access()) {
      case Access::open: CHECK(security.empty()); break;
      case Access::session: CHECK(security.size() == 2); break;
      case Access::user:
      case Access::admin:
        CHECK(security.size() == 1);
        CHECK(responses.contains("401"));
        break;
    }
    if (p.access() == Access::admin) CHECK(responses.contains("404"));
    if (p.rate() != http::RateClass::none) CHECK(responses.contains("429"));
    bool success = false;
    for (const auto& [status, response] : responses) success = success || status.starts_with("2") || status == "302";
    CHECK(success);
  }
}

TEST_CASE("operation ids are unique, and every reference points at something") {
  api::OfflineRoutes t;
  const json::value doc = api::openapi::document(t.router, api::openapi::fragments());
  std::set<std::string> ids;
  for (const auto* route : t.router.routes()) {
    const auto& op = operation(doc.as_object(), *route);
    INFO(route->pattern);
    REQUIRE(op.contains("operationId"));
    CHECK(ids.insert(std::string(op.at("operationId").as_string())).second);
  }
  std::size_t refs = 0;
  each_ref(doc, [&](std::string_view ref) {
    INFO(ref);
    REQUIRE(ref.starts_with("#/"));
    boost::system::error_code ec;
    CHECK(doc.find_pointer(ref.substr(1), ec) != nullptr);
    ++refs;
  });
  CHECK(refs > 100);
}
