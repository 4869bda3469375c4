#pragma once
/// Users as the auth layer sees them, and the sign-in rules that find or create them.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Transaction;
class Row;
}  // namespace ignition::db

namespace ignition::auth {

struct User {
  Uuid id;
  std::string email;
  std::optional<std::string> name;
  std::optional<std::string> image;
  std::string role;  ///< "user" | "admin"
  std::optional<std::string> tos_accepted_version;
  std::optional<Timestamp> tos_accepted_at;
  bool age_verified = false;
  Timestamp created_at;

  bool is_admin() const noexcept { return role == "admin"; }
};

/// Appends the contract's user object, as JSON text, to `out`.
void append_json(std::string& out, const User& user);

/// Who a provider says signed in (filled from a verified ID token).
struct ExternalIdentity {
  std::string provider;    ///< "google" | "microsoft"
  std::string account_id;  ///< Google `sub`; Microsoft `tid:oid` — never the email
  std::string email;       ///< lower-case
  bool email_verified = false;
  std::optional<std::string> name;
  std::optional<std::string> picture;
};

/// A sign-in that must not go through; `code()` goes into the redirect (?error=).
class SignInRefused : public std::runtime_error {
 public:
  SignInRefused(std::string code, const std::string& detail) : std::runtime_error(detail), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

struct SignInOutcome {
  User user;
  bool created = false;       ///< a new user
  bool role_changed = false;  ///< promoted by ADMIN_EMAILS: the user's older sessions were revoked
};

/// Finds the user for an external identity, in `tx`:
/// 1. the account (provider, account_id) already linked → its user;
/// 2. else, only when the provider proved the email, the user with that email → linked,
///    and the user's address counts as proved from then on; a user whose address was never
///    proved (imported) is joined only when no other account could sign in to it, else
///    SignInRefused "account_not_linked" (security.md, "Account takeover");
/// 3. else, with a proved email and no such user → a new user and account.
/// An unproved email never links or creates (SignInRefused "email_not_verified").
/// A sign-in through a linked account whose provider proves the user's address also marks it
/// proved.
/// Emails in `admin_emails` are promoted to admin (their other sessions revoked).
boost::asio::awaitable<SignInOutcome> sign_in(db::Transaction& tx, const ExternalIdentity& identity,
                                              const std::vector<std::string>& admin_emails);

namespace rules {
inline constexpr std::array<std::string_view, 2> roles{"user", "admin"};
inline constexpr domain::Text email{3, 320};
inline constexpr domain::Text name{1, 200};
}  // namespace rules

/// The dev sign-in's input: an email address, a name and a role by the rules above.
domain::Check check_dev_sign_in(const std::string& email, const std::optional<std::string>& name,
                                const std::optional<std::string>& role);

/// Development sign-in by email: gets or creates the user; a given role is applied
/// (Error(validation_failed) when the input breaks check_dev_sign_in).
boost::asio::awaitable<SignInOutcome> dev_sign_in(db::Transaction& tx, const std::string& email,
                                                  const std::optional<std::string>& name,
                                                  const std::optional<std::string>& role,
                                                  const std::vector<std::string>& admin_emails);

/// Reads a user from a row laid out as `user_columns` (starting at `first`).
User user_from_row(const db::Row& row, int first);
/// The column list matching user_from_row, for table alias `u`.
inline constexpr const char* user_columns =
    "u.id, u.email, u.name, u.image, u.role, u.tos_accepted_version, u.tos_accepted_at, u.age_verified, u.created_at";

}  // namespace ignition::auth
