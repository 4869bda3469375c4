#pragma once
/// Building responses: JSON bodies and the contract's error body.

#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <string_view>

#include <ignition/common/error.hpp>
#include <ignition/http/request.hpp>

namespace ignition::http {

/// `application/json; charset=utf-8` with the serialised value. The object and array
/// forms serialise the document as it is (through `value` it would first be copied).
Response json_response(Status status, const boost::json::value& body);
Response json_response(Status status, const boost::json::object& body);
Response json_response(Status status, const boost::json::array& body);
/// The same with a body that is JSON text already.
Response json_text_response(Status status, std::string body);
/// `{"error","code","request_id"[,"fields"]}` with the code's status.
Response error_response(const Request& request, ErrorCode code, std::string_view message,
                        const std::map<std::string, std::string>& fields = {});
Response error_response(const Request& request, const Error& error);

}  // namespace ignition::http
