#pragma once
// Reading JSON request bodies the contract's way: a JSON body needs
// `Content-Type: application/json` and must be a valid JSON object (else 400).

#include <boost/json/object.hpp>

#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <ignition/http/request.hpp>

namespace ignition::api {

inline boost::json::object json_object_body(const http::Request& request) {
  std::string_view type = request.header(http::Field::content_type);
  auto semi = type.find(';');
  std::string_view media = type.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media != "application/json") throw Error(ErrorCode::bad_request, "the body must be application/json");
  return json::parse_object(request.message.body());
}

/// For routes whose body may be left out: no body reads as `{}`, any body as above.
inline boost::json::object optional_json_object_body(const http::Request& request) {
  if (request.message.body().empty()) return {};
  return json_object_body(request);
}

}  // namespace ignition::api
