#include "ignition/common/error.hpp"

#include <utility>

namespace ignition {

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::csrf_failed: return "csrf_failed";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::request_timeout: return "request_timeout";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::insufficient_funds: return "insufficient_funds";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::unsupported_media_type: return "unsupported_media_type";
    case ErrorCode::header_too_large: return "header_too_large";
    case ErrorCode::validation_failed: return "validation_failed";
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::internal: return "internal";
    case ErrorCode::unavailable: return "unavailable";
  }
  return "internal";
}

int http_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::csrf_failed: return 403;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::request_timeout: return 408;
    case ErrorCode::conflict: return 409;
    case ErrorCode::insufficient_funds: return 409;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::unsupported_media_type: return 415;
    case ErrorCode::header_too_large: return 431;
    case ErrorCode::validation_failed: return 400;
    case ErrorCode::bad_request: return 400;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::internal: return 500;
    case ErrorCode::unavailable: return 503;
  }
  return 500;
}

Error::Error(ErrorCode code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}

Error::Error(std::string message, std::map<std::string, std::string> fields)
    : std::runtime_error(std::move(message)), code_(ErrorCode::validation_failed), fields_(std::move(fields)) {}

}  // namespace ignition
