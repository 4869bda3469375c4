#pragma once
/// The one error type every layer throws for an expected failure. It carries the
/// contract's `code` and HTTP status; the HTTP layer renders it exactly once.

#include <map>
#include <stdexcept>
#include <string>

namespace ignition {

/// Contract error codes (docs/contract.md §1), each with its HTTP status.
enum class ErrorCode {
  unauthorized,            // 401
  csrf_failed,             // 403
  forbidden,               // 403
  not_found,               // 404
  method_not_allowed,      // 405
  request_timeout,         // 408
  conflict,                // 409
  insufficient_funds,      // 409
  payload_too_large,       // 413
  unsupported_media_type,  // 415
  header_too_large,        // 431
  validation_failed,       // 400
  bad_request,             // 400
  rate_limited,            // 429
  internal,                // 500
  unavailable,             // 503
};

/// snake_case name of a code as it appears in the JSON error body.
const char* to_string(ErrorCode code) noexcept;
/// HTTP status the contract assigns to a code.
int http_status(ErrorCode code) noexcept;

/// An expected failure with a human message safe to show to the client.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message);
  /// validation_failed with per-field problems: {"title": "must be 1..200 characters"}.
  Error(std::string message, std::map<std::string, std::string> fields);

  ErrorCode code() const noexcept { return code_; }
  int status() const noexcept { return http_status(code_); }
  const std::map<std::string, std::string>& fields() const noexcept { return fields_; }

 private:
  ErrorCode code_;
  std::map<std::string, std::string> fields_;
};

/// A dependency (database, object storage) cannot be reached right now; rendered as
/// 503 `unavailable`. Libraries derive their own "unavailable" errors from it.
class DependencyUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Start-up configuration problem; its message is the one line printed before exiting.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ignition
