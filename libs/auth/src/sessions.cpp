#include <ignition/auth/sessions.hpp>

#include <fmt/format.h>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>

#include <ignition/auth/tokens.hpp>
#include <ignition/common/crypto.hpp>
#include <ignition/common/json.hpp>
#include <ignition/common/time.hpp>
#include <ignition/db/listener.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>

namespace asio = boost::asio;
using Steady = std::chrono::steady_clock;

namespace ignition::auth {

namespace {
// last_active_at is written at most this often per session, and up to touch_spread later:
// sessions written together (all loaded at once after a restart, say) are written again
// over the next half minute, not in the same instant. The writes that come due are made
// together by write_activity(), in one statement.
constexpr auto touch_interval = std::chrono::seconds(60);
constexpr int touch_spread_seconds = 30;
// A flood of distinct sessions cannot grow the cache past this; it is then emptied.
constexpr std::size_t cache_capacity = 100'000;

constexpr const char* session_columns =
    "s.id, s.user_id, s.created_at, s.last_active_at, s.expires_at, host(s.ip), s.user_agent";

const std::string validate_sql = fmt::format(
    "SELECT {}, {} FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() "
    "AND s.last_active_at > now() - make_interval(secs => CASE WHEN u.role = 'admin' THEN $2::float8 ELSE $3::float8 "
    "END)",
    session_columns, user_columns);
const std::string insert_sql = fmt::format(
    "INSERT INTO sessions AS s (user_id, token_hash, ip, user_agent, expires_at) "
    "VALUES ($1, $2, $3::inet, $4, now() + make_interval(secs => $5::float8)) RETURNING {}",
    session_columns);
const std::string list_sql = fmt::format(
    "SELECT {} FROM sessions s WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() "
    "AND s.last_active_at > now() - make_interval(secs => $2::float8) ORDER BY s.created_at DESC, s.id",
    session_columns);

const db::Statement validate_statement{"auth_session_validate", validate_sql};
const db::Statement insert_statement{"auth_session_insert", insert_sql};
const db::Statement list_statement{"auth_session_list", list_sql};
// $1: the ids as an array literal ("{id,id}"), bound like any parameter.
const db::Statement touch_statement{"auth_session_touch",
                                    "UPDATE sessions SET last_active_at = now() WHERE id = ANY($1::uuid[]) "
                                    "AND last_active_at < now() - interval '60 seconds' RETURNING id, last_active_at"};
const db::Statement end_statement{"auth_session_end",
                                  "WITH d AS (DELETE FROM sessions WHERE token_hash = $1 RETURNING id) "
                                  "SELECT pg_notify('session_revoked', 's:' || id) FROM d"};
const db::Statement revoke_statement{
    "auth_session_revoke",
    "WITH r AS (UPDATE sessions SET revoked_at = now() WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL "
    "AND expires_at > now() RETURNING id) SELECT pg_notify('session_revoked', 's:' || id) FROM r"};
const db::Statement revoke_others_statement{
    "auth_session_revoke_others",
    "WITH r AS (UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL "
    "AND expires_at > now() RETURNING id) SELECT pg_notify('session_revoked', 's:' || id) FROM r"};
const db::Statement revoke_all_statement{
    "auth_session_revoke_all",
    "WITH r AS (UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id) "
    "SELECT count(*), pg_notify('session_revoked', 'u:' || $1::text) FROM r"};
const db::Statement delete_expired_statement{
    "auth_session_delete_expired",
    "WITH s AS (DELETE FROM sessions WHERE expires_at < now() OR revoked_at < now() - interval '1 day' "
    "OR last_active_at < now() - make_interval(secs => $1::float8) RETURNING 1), "
    "o AS (DELETE FROM oauth_states WHERE expires_at < now() RETURNING 1) "
    "SELECT (SELECT count(*) FROM s) + (SELECT count(*) FROM o)"};
const db::Statement count_active_statement{
    "auth_session_count_active", "SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > now()"};

Session session_from_row(const db::Row& row) {
  return Session{row.get<Uuid>(0),
                 row.get<Uuid>(1),
                 row.get<Timestamp>(2),
                 row.get<Timestamp>(3),
                 row.get<Timestamp>(4),
                 row.get<std::optional<std::string>>(5),
                 row.get<std::optional<std::string>>(6)};
}

std::int64_t seconds(std::chrono::seconds s) { return s.count(); }

// Cleanup deletes sessions idle past the longer of the two policies: a session past its own
// (shorter) limit is refused already, and is deleted a little later.
std::int64_t cleanup_idle(const AuthConfig& config) {
  return seconds(std::max(config.user_sessions.idle, config.admin_sessions.idle));
}

// Between 3/4 of SESSION_CACHE_TTL and all of it, by the token hash (random): sessions
// loaded together (after a restart or a listener reconnect) are not all fetched again in
// the same instant.
Steady::duration jittered(std::chrono::milliseconds ttl, const crypto::Sha256Digest& hash) {
  return ttl - ttl * (255 - hash.front()) / (4 * 255);
}

// The token hash as the sessions table stores it.
db::Bytes stored(const crypto::Sha256Digest& hash) { return db::Bytes{std::string(crypto::as_view(hash))}; }

// By the session id (random).
bool touch_due(const Session& session, Timestamp t) {
  const auto spread = std::chrono::seconds(session.id.bytes().front() % (touch_spread_seconds + 1));
  return t - session.last_active_at >= touch_interval + spread;
}
}  // namespace

struct SessionStore::Cache {
  struct Entry {
    PrincipalPtr principal;
    Steady::time_point fresh_until;
  };
  mutable std::mutex mutex;
  // Keys are SHA-256 digests, already uniformly random: their first bytes are the bucket
  // hash. They are kept in the map's nodes, not behind a pointer of their own.
  struct DigestHash {
    std::size_t operator()(const crypto::Sha256Digest& digest) const noexcept {
      std::size_t h;
      std::memcpy(&h, digest.data(), sizeof h);
      return h;
    }
  };
  std::unordered_map<crypto::Sha256Digest, Entry, DigestHash> entries;  // by token hash
  // Sessions whose last_active_at write is due, by token hash: written by write_activity().
  std::unordered_map<crypto::Sha256Digest, Uuid, DigestHash> due;
  // Moved on by every drop, so that a session read from the database while a revocation
  // arrived is not cached: the read may predate the revocation.
  std::uint64_t generation = 0;
  std::atomic<bool> usable{false};  // listening, so revocations arrive
  std::atomic<std::uint64_t> hits{0}, misses{0}, revocations{0};

  // A notice: "s:<session id>" (revoked), "u:<user id>" (all the user's sessions revoked) or
  // "c:<user id>" (the user's row changed: load their sessions again).
  void forget(std::string_view notice) {
    auto id = Uuid::parse(notice.size() > 2 ? notice.substr(2) : std::string_view{});
    if (!id || !(notice.starts_with("s:") || notice.starts_with("u:") || notice.starts_with("c:"))) {
      ++revocations;
      clear();  // unreadable notice: be safe
      return;
    }
    if (!notice.starts_with("c:")) ++revocations;
    forget(!notice.starts_with("s:"), *id);
  }
  void forget(bool by_user, const Uuid& id) {
    std::lock_guard lock(mutex);
    ++generation;
    std::erase_if(entries, [&](const auto& e) {
      return by_user ? e.second.principal->user.id == id : e.second.principal->session.id == id;
    });
  }
  void forget(const crypto::Sha256Digest& hash) {
    std::lock_guard lock(mutex);
    ++generation;
    entries.erase(hash);
  }
  void clear() {
    std::lock_guard lock(mutex);
    ++generation;
    entries.clear();
  }
  std::uint64_t current_generation() const {
    std::lock_guard lock(mutex);
    return generation;
  }
};

std::string session_document(const User& user, const Session& session, std::string_view csrf_token) {
  std::string out;
  out.reserve(512);
  out += R"({"user":)";
  append_json(out, user);
  out += R"(,"session":{"id":")";
  out += session.id.to_string();
  out += R"(","created_at":")";
  out += format_rfc3339(session.created_at);
  out += R"(","expires_at":")";
  out += format_rfc3339(session.expires_at);
  out += R"("},"csrf_token":)";
  json::append_string(out, csrf_token);
  out += '}';
  return out;
}

SessionStore::SessionStore(db::Pool& pool, const AuthConfig& config)
    : pool_(pool), config_(config), csrf_(config.secret, config.old_secret), cache_(std::make_unique<Cache>()) {}

SessionStore::~SessionStore() = default;

const SessionPolicy& SessionStore::policy(const User& user) const noexcept {
  return user.is_admin() ? config_.admin_sessions : config_.user_sessions;
}

void SessionStore::attach(db::Listener& listener) {
  listener_ = &listener;
  Cache* cache = cache_.get();
  listener.subscribe(revocation_channel, [cache](std::string_view payload) { cache->forget(payload); });
  // Notices sent while disconnected are lost: start from an empty cache each time.
  listener.on_connected([cache] {
    cache->clear();
    cache->usable = true;
  });
}

asio::awaitable<NewSession> SessionStore::create(db::Transaction& tx, const User& user, std::string_view ip,
                                                 std::string_view user_agent) {
  NewSession out;
  out.token = new_session_token();
  db::Bytes hash{token_hash(out.token)};
  std::optional<std::string> address = ip.empty() ? std::nullopt : std::optional<std::string>(ip);
  std::optional<std::string> agent =
      user_agent.empty() ? std::nullopt : std::optional<std::string>(json::clean_utf8(user_agent, 1024));
  auto lifetime = seconds(policy(user).absolute);
  auto row = co_await tx.execute(insert_statement, user.id, hash, address, agent, lifetime);
  out.session = session_from_row(row.one());
  co_return out;
}

asio::awaitable<std::optional<Principal>> SessionStore::load(const crypto::Sha256Digest& hash) {
  const db::Bytes key = stored(hash);
  auto admin_idle = seconds(config_.admin_sessions.idle);
  auto user_idle = seconds(config_.user_sessions.idle);
  auto rows = co_await pool_.execute(validate_statement, key, admin_idle, user_idle);
  if (rows.empty()) co_return std::nullopt;
  auto row = rows.one();
  auto session = session_from_row(row);
  auto csrf_token = csrf_.token_for(session.id);
  auto user = user_from_row(row, 7);
  auto document = session_document(user, session, csrf_token);
  auto user_id = user.id.to_string();
  co_return Principal{std::move(user), std::move(session), std::move(csrf_token), std::move(document),
                      std::move(user_id)};
}

// Bounded like the cache: past it a due write waits for a later request of its session.
void SessionStore::note_activity(const crypto::Sha256Digest& hash, const Session& session, Timestamp t) {
  if (!touch_due(session, t)) return;
  std::lock_guard lock(cache_->mutex);
  if (cache_->due.size() < cache_capacity) cache_->due.emplace(hash, session.id);
}

asio::awaitable<std::size_t> SessionStore::write_activity() {
  decltype(cache_->due) due;
  {
    std::lock_guard lock(cache_->mutex);
    due.swap(cache_->due);
  }
  if (due.empty()) co_return 0;
  std::string ids = "{";
  for (const auto& [hash, id] : due) ids.append(id.to_string()).append(1, ',');
  ids.back() = '}';
  auto rows = co_await pool_.execute(touch_statement, ids);
  std::map<Uuid, Timestamp> written;
  for (const auto& row : rows) written.emplace(row.get<Uuid>(0), row.get<Timestamp>(1));
  // Cached principals are replaced, never changed: a new one carries the new last_active_at.
  // A session another instance wrote first is recent anyway.
  const auto t = now();
  std::lock_guard lock(cache_->mutex);
  for (const auto& [hash, id] : due) {
    auto it = cache_->entries.find(hash);
    if (it == cache_->entries.end() || it->second.principal->session.id != id) continue;
    auto touched = std::make_shared<Principal>(*it->second.principal);
    auto w = written.find(id);
    touched->session.last_active_at = w == written.end() ? t : w->second;
    it->second.principal = std::move(touched);
  }
  co_return static_cast<std::size_t>(rows.rows());
}

bool SessionStore::caching() const noexcept {
  return config_.session_cache_ttl.count() > 0 && cache_->usable && listener_ && listener_->connected();
}

// The cached principal while its entry is fresh and its session still live (absolute and idle
// expiry), counted as a hit and its due last_active_at write marked; null otherwise.
// Freshness is judged by the coarse clock (a few milliseconds behind; entries live for
// seconds), liveness by the coarse wall clock, read once.
PrincipalPtr SessionStore::cache_hit(const crypto::Sha256Digest& hash) {
  const auto t = coarse_now();
  PrincipalPtr hit;
  {
    std::lock_guard lock(cache_->mutex);
    auto it = cache_->entries.find(hash);
    if (it != cache_->entries.end() && coarse_steady_now() < it->second.fresh_until) hit = it->second.principal;
  }
  if (!hit) return nullptr;
  bool live = t < hit->session.expires_at && t - hit->session.last_active_at < policy(hit->user).idle;
  if (!live) return nullptr;
  ++cache_->hits;
  note_activity(hash, hit->session, t);
  return hit;
}

PrincipalPtr SessionStore::cached(std::string_view token) {
  if (token.empty() || token.size() > 256 || !caching()) return nullptr;
  return cache_hit(crypto::sha256(token));
}

asio::awaitable<PrincipalPtr> SessionStore::validate(std::string_view token) {
  if (token.empty() || token.size() > 256) co_return nullptr;
  const auto hash = crypto::sha256(token);
  bool cached = caching();
  if (cached) {
    if (auto hit = cache_hit(hash)) co_return hit;
    ++cache_->misses;
  }
  const auto generation = cache_->current_generation();
  auto loaded = co_await load(hash);
  if (!loaded) co_return nullptr;
  note_activity(hash, loaded->session, coarse_now());
  auto principal = std::make_shared<const Principal>(std::move(*loaded));
  if (cached) {
    std::lock_guard lock(cache_->mutex);
    // After a drop during the read, the read may predate a revocation: it answers this request only.
    if (cache_->generation == generation) {
      if (cache_->entries.size() >= cache_capacity) cache_->entries.clear();
      cache_->entries[hash] = Cache::Entry{principal, coarse_steady_now() + jittered(config_.session_cache_ttl, hash)};
    }
  }
  co_return principal;
}

asio::awaitable<bool> SessionStore::end(std::string_view token) {
  const auto hash = crypto::sha256(token);
  const db::Bytes key = stored(hash);
  auto rows = co_await pool_.execute(end_statement, key);
  // This instance stops accepting the token before the response goes out; the others
  // learn of it by NOTIFY.
  cache_->forget(hash);
  co_return !rows.empty();
}

asio::awaitable<bool> SessionStore::revoke(const Uuid& user_id, const Uuid& session_id) {
  auto rows = co_await pool_.execute(revoke_statement, user_id, session_id);
  cache_->forget(false, session_id);
  co_return !rows.empty();
}

asio::awaitable<std::int64_t> SessionStore::revoke_others(const Uuid& user_id, const Uuid& keep) {
  auto rows = co_await pool_.execute(revoke_others_statement, user_id, keep);
  forget_user(user_id);  // the kept session is simply loaded again
  co_return rows.rows();
}

asio::awaitable<std::int64_t> SessionStore::revoke_all(db::Transaction& tx, const Uuid& user_id) {
  auto rows = co_await tx.execute(revoke_all_statement, user_id);
  co_return rows.one().get<std::int64_t>(0);
}

void SessionStore::forget_user(const Uuid& user_id) { cache_->forget(true, user_id); }

asio::awaitable<std::vector<Session>> SessionStore::list(const User& user) {
  auto idle = seconds(policy(user).idle);
  auto rows = co_await pool_.execute(list_statement, user.id, idle);
  std::vector<Session> out;
  for (auto row : rows) out.push_back(session_from_row(row));
  co_return out;
}

asio::awaitable<std::int64_t> SessionStore::delete_expired() {
  auto idle = cleanup_idle(config_);
  auto rows = co_await pool_.execute(delete_expired_statement, idle);
  co_return rows.one().get<std::int64_t>(0);
}

asio::awaitable<std::int64_t> SessionStore::delete_expired(db::Transaction& tx) {
  auto idle = cleanup_idle(config_);
  auto rows = co_await tx.execute(delete_expired_statement, idle);
  co_return rows.one().get<std::int64_t>(0);
}

asio::awaitable<std::int64_t> SessionStore::count_active() {
  auto rows = co_await pool_.execute(count_active_statement);
  co_return rows.one().get<std::int64_t>(0);
}

SessionCacheStats SessionStore::cache_stats() const {
  std::lock_guard lock(cache_->mutex);
  return {cache_->hits, cache_->misses, cache_->revocations, cache_->entries.size()};
}

boost::json::object to_json(const Session& session) {
  boost::json::object o;
  o["id"] = session.id.to_string();
  o["created_at"] = format_rfc3339(session.created_at);
  o["last_active_at"] = format_rfc3339(session.last_active_at);
  o["expires_at"] = format_rfc3339(session.expires_at);
  o["ip"] = session.ip ? boost::json::value(*session.ip) : nullptr;
  o["user_agent"] = session.user_agent ? boost::json::value(*session.user_agent) : nullptr;
  return o;
}

}  // namespace ignition::auth
