#include <ignition/http/response.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace ignition::http {

Response json_text_response(Status status, std::string body) {
  Response res(status);
  res.set(Field::content_type, "application/json; charset=utf-8");
  res.body() = std::move(body);
  return res;
}

Response json_response(Status status, const boost::json::value& body) {
  return json_text_response(status, boost::json::serialize(body));
}
Response json_response(Status status, const boost::json::object& body) {
  return json_text_response(status, boost::json::serialize(body));
}
Response json_response(Status status, const boost::json::array& body) {
  return json_text_response(status, boost::json::serialize(body));
}

Response error_response(const Request& request, ErrorCode code, std::string_view message,
                        const std::map<std::string, std::string>& fields) {
  boost::json::object body;
  body["error"] = message;
  body["code"] = to_string(code);
  body["request_id"] = request.request_id;
  if (!fields.empty()) {
    boost::json::object f;
    for (const auto& [k, v] : fields) f[k] = v;
    body["fields"] = std::move(f);
  }
  return json_response(static_cast<Status>(http_status(code)), body);
}

Response error_response(const Request& request, const Error& error) {
  return error_response(request, error.code(), error.what(), error.fields());
}

}  // namespace ignition::http
