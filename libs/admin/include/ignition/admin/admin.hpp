#pragma once
/// The admin area's operations on users, wallets, feedback and sessions. Every change
/// writes its admin_audit_log row in the same transaction: the change and its record are
/// committed together or not at all.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
class Transaction;
}  // namespace ignition::db

namespace ignition::auth {
class SessionStore;
}

namespace ignition::admin {

// The functions that end a user's sessions take the SessionStore of this process, so that
// it refuses them as soon as the change commits.

/// Who acts, for the audit log: an admin user ("user:<email>") or the CLI ("cli:<os user>").
struct Actor {
  std::optional<Uuid> user_id;
  std::string name;
  std::optional<std::string> request_id;
  std::optional<std::string> ip;
};

/// Appends the audit row of an action in `tx`.
boost::asio::awaitable<void> audit(db::Transaction& tx, const Actor& actor, std::string action, std::string target_type,
                                   std::string target_id, std::optional<boost::json::object> before,
                                   std::optional<boost::json::object> after);

/// Users whose email or name contains `query` (all users without one), newest first.
boost::asio::awaitable<domain::Page> search_users(db::Pool& pool, std::optional<std::string> query,
                                                  domain::PageRequest page);
/// The id of the user with this email (any letter case); Error(not_found) when none.
boost::asio::awaitable<Uuid> user_by_email(db::Pool& pool, std::string email);
/// The user's live sessions, newest first (no token material).
boost::asio::awaitable<boost::json::array> sessions_of(db::Pool& pool, Uuid id);
/// A user with their wallet and active session count.
boost::asio::awaitable<boost::json::object> user(db::Pool& pool, Uuid id);
/// Sets the role (one of auth::rules::roles) and revokes the user's sessions, so the new role
/// (and the admin session policy) applies from their next sign-in.
boost::asio::awaitable<boost::json::object> set_role(db::Pool& pool, auth::SessionStore& sessions, const Actor& actor,
                                                     Uuid id, std::string role);
/// Deletes the user exactly as their own deletion does.
boost::asio::awaitable<void> delete_user(db::Pool& pool, auth::SessionStore& sessions, const Actor& actor, Uuid id);
/// Revokes every session of the user; returns how many were active.
boost::asio::awaitable<std::int64_t> revoke_sessions(db::Pool& pool, auth::SessionStore& sessions, const Actor& actor,
                                                     Uuid id);

namespace rules {
inline constexpr domain::Range adjustment{-1'000'000'000, 1'000'000'000};  // coins or XP in one adjustment
inline constexpr domain::Text reason{1, 500};
}  // namespace rules

struct Adjustment {
  std::int64_t coins = 0;
  std::int64_t xp = 0;
  std::string reason;
};

/// Coins and XP within rules::adjustment, at least one of them non-zero, and a reason.
domain::Check check(const Adjustment& adjustment);
/// A ledger row moving the wallet; Error(insufficient_funds) when coins or XP would go
/// below zero. Returns the wallet.
boost::asio::awaitable<boost::json::object> adjust_wallet(db::Pool& pool, const Actor& actor, Uuid id,
                                                          Adjustment adjustment);

/// Counts: users, admins, active sessions, sign-ins today (UTC), rows per domain table.
boost::asio::awaitable<boost::json::object> stats(db::Pool& pool);

/// The audit log, newest first; the cursor is the last entry's id.
boost::asio::awaitable<domain::Page> audit_log(db::Pool& pool, int limit, std::optional<std::int64_t> before);

/// Feedback, newest first, optionally of one status (feedback::rules::statuses).
boost::asio::awaitable<domain::Page> feedback(db::Pool& pool, std::optional<std::string> status,
                                              domain::PageRequest page);
boost::asio::awaitable<boost::json::object> set_feedback_status(db::Pool& pool, const Actor& actor, Uuid id,
                                                                std::string status);

/// Deletes expired sessions now; returns how many.
boost::asio::awaitable<std::int64_t> cleanup_sessions(db::Pool& pool, auth::SessionStore& sessions, const Actor& actor);

}  // namespace ignition::admin
