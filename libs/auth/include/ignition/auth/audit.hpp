#pragma once
/// The admin audit log: every admin mutation appends one row inside its own transaction.

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include <ignition/common/uuid.hpp>

namespace ignition::db {
class Transaction;
}

namespace ignition::auth {

struct AuditEntry {
  std::optional<Uuid> actor_user_id;  ///< the admin, when it is a user
  std::string actor;                  ///< "user:<email>" or "cli:<os user>"
  std::string action;                 ///< e.g. "user.role_changed"
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<boost::json::value> before;
  std::optional<boost::json::value> after;
  std::optional<std::string> request_id;
  std::optional<std::string> ip;
};

/// Appends the entry in `tx`: it is committed or rolled back with the change it records.
boost::asio::awaitable<void> write_audit(db::Transaction& tx, const AuditEntry& entry);

}  // namespace ignition::auth
