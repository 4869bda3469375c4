#pragma once
/// Database errors, typed by SQLSTATE so callers can react to the ones they expect
/// (a unique violation becomes a 409 in a domain) without parsing messages.

#include <stdexcept>
#include <string>

#include <ignition/common/error.hpp>

namespace ignition::db {

/// Any failure reported by Postgres for a statement. `what()` is for logs only: it may
/// contain SQL details and is never shown to clients.
class Error : public std::runtime_error {
 public:
  Error(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

class UniqueViolation : public Error {
  using Error::Error;
};  // 23505
class ForeignKeyViolation : public Error {
  using Error::Error;
};  // 23503
class CheckViolation : public Error {
  using Error::Error;
};  // 23514, 23502
class SerializationFailure : public Error {
  using Error::Error;
};  // 40001, 40P01

/// The database cannot be reached or the connection broke: the request may be retried
/// later; the HTTP layer answers 503.
class Unavailable : public DependencyUnavailable {
 public:
  using DependencyUnavailable::DependencyUnavailable;
};

/// No pooled connection became free before the acquire deadline (also a 503).
class PoolTimeout : public Unavailable {
 public:
  using Unavailable::Unavailable;
};

/// The database schema does not match what this build expects; one clear line.
class SchemaMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ignition::db
