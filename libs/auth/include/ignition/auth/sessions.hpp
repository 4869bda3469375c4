#pragma once
/// Sessions in Postgres, with an optional in-memory cache of validated sessions whose
/// entries every revocation removes on every instance through LISTEN/NOTIFY.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/auth/config.hpp>
#include <ignition/auth/tokens.hpp>
#include <ignition/auth/users.hpp>
#include <ignition/common/crypto.hpp>

namespace ignition::db {
class Pool;
class Listener;
}  // namespace ignition::db

namespace ignition::auth {

struct Session {
  Uuid id;
  Uuid user_id;
  Timestamp created_at;
  Timestamp last_active_at;
  Timestamp expires_at;
  std::optional<std::string> ip;
  std::optional<std::string> user_agent;
};

/// Who is signed in: what the session layer attaches to a request.
struct Principal {
  User user;
  Session session;
  /// The session's CSRF token under the current key, derived once when the session is
  /// loaded rather than on every request that shows or checks it.
  std::string csrf_token;
  /// session_document() of the above, rendered once when the session is loaded: the app
  /// asks for it on every page.
  std::string document;
  /// user.id as text, for the request's log line (Request::user_id points at it).
  std::string user_id;
};

/// The body of GET /auth/session and of a sign-in's answer, as JSON text:
/// `{"user":{…},"session":{"id","created_at","expires_at"},"csrf_token"}`.
std::string session_document(const User& user, const Session& session, std::string_view csrf_token);

/// Shared, never changed once made: the cache and every request using the session hold
/// the same one.
using PrincipalPtr = std::shared_ptr<const Principal>;

struct NewSession {
  std::string token;  ///< goes into the cookie, never stored
  Session session;
};

struct SessionCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t revocations = 0;  ///< revocation notices received
  std::size_t entries = 0;
};

/// The channel cached sessions are dropped through: payload "s:<session id>" and "u:<user id>"
/// (revoked), "c:<user id>" (the user changed; migration 0006 sends it on every instance).
inline constexpr const char* revocation_channel = "session_revoked";

class SessionStore {
 public:
  SessionStore(db::Pool& pool, const AuthConfig& config);
  ~SessionStore();

  /// Creates a session for `user` inside the sign-in transaction; the lifetime follows
  /// the user's role (admin sessions are shorter).
  boost::asio::awaitable<NewSession> create(db::Transaction& tx, const User& user, std::string_view ip,
                                            std::string_view user_agent);
  /// The session and user for a cookie token, or null when the token is unknown,
  /// expired (absolute or idle), revoked, or its user is gone. At most once a minute per
  /// session it marks last_active_at for writing (write_activity() writes it).
  boost::asio::awaitable<PrincipalPtr> validate(std::string_view token);
  /// What validate() would answer when the cache has it, without suspending; null otherwise
  /// (then call validate()).
  PrincipalPtr cached(std::string_view token);
  /// Writes last_active_at = now() for the sessions marked since the last call, in one
  /// statement, so that no request waits for that write (the session maintenance calls it
  /// every second). Returns how many rows it wrote.
  boost::asio::awaitable<std::size_t> write_activity();
  /// The keys the principals' CSRF tokens are derived with (AUTH_SECRET, AUTH_SECRET_OLD).
  const CsrfKeys& csrf_keys() const noexcept { return csrf_; }

  /// Deletes the session with this token (logout). False when there was none.
  boost::asio::awaitable<bool> end(std::string_view token);
  /// Revokes one of `user_id`'s sessions; false when it is not theirs or not live.
  boost::asio::awaitable<bool> revoke(const Uuid& user_id, const Uuid& session_id);
  /// Revokes all of the user's sessions except `keep`; returns how many.
  boost::asio::awaitable<std::int64_t> revoke_others(const Uuid& user_id, const Uuid& keep);
  /// Revokes every session of a user inside the caller's transaction (role change,
  /// deletion, admin action); the notice goes out when the transaction commits. Call
  /// forget_user after the commit so that this instance refuses them at once.
  static boost::asio::awaitable<std::int64_t> revoke_all(db::Transaction& tx, const Uuid& user_id);
  /// Drops the user's sessions from this instance's cache now (other instances wait for
  /// the notice, which arrives within moments).
  void forget_user(const Uuid& user_id);

  /// The user's live sessions, newest first.
  boost::asio::awaitable<std::vector<Session>> list(const User& user);
  /// Deletes expired and long-revoked sessions and expired OAuth states.
  boost::asio::awaitable<std::int64_t> delete_expired();
  /// The same inside the caller's transaction (an admin cleanup and its audit row).
  boost::asio::awaitable<std::int64_t> delete_expired(db::Transaction& tx);
  boost::asio::awaitable<std::int64_t> count_active();

  /// Subscribes the cache to revocation notices. Call before `listener.start()`. Until
  /// this is called, or while the listener is disconnected, the cache is bypassed.
  void attach(db::Listener& listener);
  SessionCacheStats cache_stats() const;

 private:
  struct Cache;
  boost::asio::awaitable<std::optional<Principal>> load(const crypto::Sha256Digest& hash);
  void note_activity(const crypto::Sha256Digest& hash, const Session& session, Timestamp t);
  bool caching() const noexcept;
  PrincipalPtr cache_hit(const crypto::Sha256Digest& hash);
  const SessionPolicy& policy(const User& user) const noexcept;

  db::Pool& pool_;
  const AuthConfig& config_;
  const CsrfKeys csrf_;
  db::Listener* listener_ = nullptr;
  std::unique_ptr<Cache> cache_;
};

boost::json::object to_json(const Session& session);

}  // namespace ignition::auth
