#pragma once
/// The signed-in user's own account: profile, settings, terms and age, and the data
/// rights — an export of everything they own, and deletion of all of it.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <ignition/common/uuid.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
class Transaction;
}  // namespace ignition::db

namespace ignition::auth {
class SessionStore;
}

namespace ignition::users {

namespace rules {
inline constexpr domain::Text name{1, 200};
inline constexpr domain::Text image{1, 2'048};
inline constexpr domain::Text tos_version{1, 32};
inline constexpr std::size_t settings_bytes = 16 * 1024;  // the settings document, as JSON text
}  // namespace rules

struct ProfileChanges {
  domain::Change<std::string> name;
  domain::Change<std::string> image;
};

domain::Check check(const ProfileChanges& changes);

boost::asio::awaitable<boost::json::object> me(db::Pool& pool, Uuid user);
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, ProfileChanges changes);

/// The settings object ({} until first written).
boost::asio::awaitable<boost::json::object> settings(db::Pool& pool, Uuid user);
/// Replaces the settings: at most rules::settings_bytes of JSON (else Error(payload_too_large)).
/// A `timezone` must be a name of the IANA database Postgres carries, else
/// Error(validation_failed) on `timezone`.
boost::asio::awaitable<boost::json::object> replace_settings(db::Pool& pool, Uuid user, boost::json::object settings);

/// Records the accepted terms version and the time.
boost::asio::awaitable<boost::json::object> accept_tos(db::Pool& pool, Uuid user, std::string version);
/// Sets age_verified when `birth_date` (YYYY-MM-DD) is at least `min_age` years before
/// today (UTC); Error(validation_failed) on `birth_date` otherwise. The date itself is not
/// stored anywhere.
boost::asio::awaitable<boost::json::object> verify_age(db::Pool& pool, Uuid user, std::string birth_date, int min_age);

/// Every row the user owns, one JSON document. The tables are those with a `user_id`
/// column, read from the schema itself, so a table added later is exported without a list
/// to keep up to date:
/// {"exported_at", "user": {...}, "tables": {"<table>": [rows…], …}}. Credentials (OAuth
/// tokens, session token hashes) are left out. The document goes to `write` piece by piece
/// (rows fetched through a cursor, 500 at a time), so it is never whole in memory; it is one
/// consistent snapshot, read in one transaction that stays open until the last piece is
/// written: a caller sending it to a network peer spools it first (the API does), so that no
/// pooled connection waits on a client.
using Write = std::function<boost::asio::awaitable<void>(std::string_view piece)>;
boost::asio::awaitable<void> export_json(db::Pool& pool, Uuid user, const Write& write);

/// Admission of exports in this process: one at a time per user, and at most `reading_at_once`
/// reading the database at once (each holds a pooled connection while it reads). A turn is
/// held as long as the returned handle lives; an empty handle means "not now".
class ExportGate {
 public:
  explicit ExportGate(std::size_t reading_at_once) : reading_at_once_(reading_at_once) {}

  /// The user's turn, for the whole export (its sending included). Empty while another export
  /// of the user runs.
  std::shared_ptr<void> user_turn(Uuid user);
  /// A turn to read the database. Empty while `reading_at_once` exports read.
  std::shared_ptr<void> reading_turn();

 private:
  std::mutex mutex_;
  std::set<Uuid> users_;
  std::size_t reading_ = 0;
  std::size_t reading_at_once_;
};

/// Deletes the account and every row it owns in one transaction (foreign keys cascade;
/// feedback stays, without its author); its sessions are revoked on every instance.
/// Error(not_found) when there is no such user.
boost::asio::awaitable<void> remove(db::Pool& pool, auth::SessionStore& sessions, Uuid user);
/// The same inside the caller's transaction (an admin deletion and its audit row); the
/// caller then tells its SessionStore to forget the user.
boost::asio::awaitable<void> remove(db::Transaction& tx, Uuid user);

}  // namespace ignition::users
