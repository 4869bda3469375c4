#include <ignition/admin/admin.hpp>

#include <ignition/auth/audit.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/auth/users.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/feedback/feedback.hpp>
#include <ignition/gamification/gamification.hpp>
#include <ignition/users/users.hpp>

namespace ignition::admin {

namespace {

#define USER_COLUMNS \
  "id, email, name, role, email_verified_at, age_verified, tos_accepted_version, created_at, last_login_at"
#define FEEDBACK_COLUMNS "id, user_id, kind, message, page_url, status, created_at"

const db::Statement search_statement{
    "admin_users_search",
    "SELECT " USER_COLUMNS
    " FROM users WHERE ($1::text IS NULL OR email LIKE $1 ESCAPE '\\' OR name ILIKE $1 ESCAPE '\\')"
    " AND (created_at, id) < ($2::timestamptz, $3::uuid) ORDER BY created_at DESC, id DESC LIMIT $4"};
const db::Statement user_statement{
    "admin_user",
    "SELECT " USER_COLUMNS
    ", (SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > now())"
    " AS active_sessions FROM users u WHERE id = $1"};
const db::Statement by_email_statement{"admin_user_by_email", "SELECT id FROM users WHERE email = lower($1)"};
const db::Statement sessions_statement{
    "admin_user_sessions",
    "SELECT id, created_at, last_active_at, expires_at, host(ip) AS ip, user_agent FROM sessions"
    " WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC"};
// The user's row, locked for the change being made to it.
const db::Statement lock_user_statement{"admin_user_lock",
                                        "SELECT " USER_COLUMNS " FROM users WHERE id = $1 FOR UPDATE"};
const db::Statement set_role_statement{
    "admin_user_set_role", "UPDATE users SET role = $2, updated_at = now() WHERE id = $1 RETURNING " USER_COLUMNS};
const db::Statement stats_statement{
    "admin_stats",
    "SELECT (SELECT count(*) FROM users) AS users,"
    " (SELECT count(*) FROM users WHERE role = 'admin') AS admins,"
    " (SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > now()) AS active_sessions,"
    " (SELECT count(*) FROM sessions WHERE created_at >= date_trunc('day', now())) AS sign_ins_today,"
    // Rows per user-owned table, found from the schema like the export's tables.
    " (SELECT jsonb_object_agg(table_name, (xpath('/row/n/text()', query_to_xml(format("
    "  'SELECT count(*) AS n FROM %I', table_name), false, true, '')))[1]::text::bigint)"
    "  FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'user_id'"
    "  AND table_name NOT IN ('sessions', 'accounts')) AS rows_per_table"};
const db::Statement audit_statement{
    "admin_audit_log",
    "SELECT id, actor_user_id, actor, action, target_type, target_id, before, after, request_id, host(ip) AS ip,"
    " created_at FROM admin_audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2"};
const db::Statement feedback_statement{
    "admin_feedback", "SELECT " FEEDBACK_COLUMNS
                      " FROM feedback WHERE ($1::text IS NULL OR status = $1)"
                      " AND (created_at, id) < ($2::timestamptz, $3::uuid) ORDER BY created_at DESC, id DESC LIMIT $4"};
const db::Statement lock_feedback_statement{"admin_feedback_lock",
                                            "SELECT " FEEDBACK_COLUMNS " FROM feedback WHERE id = $1 FOR UPDATE"};
const db::Statement set_feedback_statement{"admin_feedback_set",
                                           "UPDATE feedback SET status = $2 WHERE id = $1 RETURNING " FEEDBACK_COLUMNS};

#undef USER_COLUMNS
#undef FEEDBACK_COLUMNS

// "%text%" for LIKE, with the pattern characters in the text taken literally.
std::string contains_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

boost::asio::awaitable<boost::json::object> lock_user(db::Transaction& tx, Uuid id) {
  auto rows = co_await tx.execute(lock_user_statement, id);
  co_return domain::one_or_not_found(rows, "user");
}

}  // namespace

boost::asio::awaitable<void> audit(db::Transaction& tx, const Actor& actor, std::string action, std::string target_type,
                                   std::string target_id, std::optional<boost::json::object> before,
                                   std::optional<boost::json::object> after) {
  auth::AuditEntry entry;
  entry.actor_user_id = actor.user_id;
  entry.actor = actor.name;
  entry.action = std::move(action);
  entry.target_type = std::move(target_type);
  entry.target_id = std::move(target_id);
  if (before) entry.before = std::move(*before);
  if (after) entry.after = std::move(*after);
  entry.request_id = actor.request_id;
  entry.ip = actor.ip;
  co_await auth::write_audit(tx, entry);
}

boost::asio::awaitable<domain::Page> search_users(db::Pool& pool, std::optional<std::string> query,
                                                  domain::PageRequest page) {
  // Emails are stored lower-case, so LIKE on a lower-cased pattern finds them in any case.
  std::optional<std::string> pattern;
  if (query) {
    std::string lowered = *query;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    pattern = contains_pattern(lowered);
  }
  auto params = db::Params::of(pattern);
  auto result = co_await domain::fetch_page(pool, search_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<Uuid> user_by_email(db::Pool& pool, std::string email) {
  auto rows = co_await pool.execute(by_email_statement, email);
  if (rows.empty()) throw Error(ErrorCode::not_found, "no user with the email " + email);
  co_return rows.one().get<Uuid>(0);
}

boost::asio::awaitable<boost::json::array> sessions_of(db::Pool& pool, Uuid id) {
  auto rows = co_await pool.execute(sessions_statement, id);
  co_return domain::to_array(rows);
}

boost::asio::awaitable<boost::json::object> user(db::Pool& pool, Uuid id) {
  auto rows = co_await pool.execute(user_statement, id);
  auto object = domain::one_or_not_found(rows, "user");
  object["wallet"] = co_await gamification::wallet(pool, id);
  co_return object;
}

boost::asio::awaitable<boost::json::object> set_role(db::Pool& pool, auth::SessionStore& sessions, const Actor& actor,
                                                     Uuid id, std::string role) {
  domain::Check().choice("role", role, auth::rules::roles).done();
  auto tx = co_await db::Transaction::begin(pool);
  auto before = co_await lock_user(tx, id);
  auto rows = co_await tx.execute(set_role_statement, id, role);
  auto after = domain::to_object(rows, 0);
  co_await auth::SessionStore::revoke_all(tx, id);
  co_await audit(tx, actor, "user.role_changed", "user", id.to_string(), before, after);
  co_await tx.commit();
  sessions.forget_user(id);
  co_return after;
}

boost::asio::awaitable<void> delete_user(db::Pool& pool, auth::SessionStore& sessions, const Actor& actor, Uuid id) {
  auto tx = co_await db::Transaction::begin(pool);
  auto before = co_await lock_user(tx, id);
  co_await users::remove(tx, id);
  co_await audit(tx, actor, "user.deleted", "user", id.to_string(), before, std::nullopt);
  co_await tx.commit();
  sessions.forget_user(id);
}

boost::asio::awaitable<std::int64_t> revoke_sessions(db::Pool& pool, auth::SessionStore& sessions, const Actor& actor,
                                                     Uuid id) {
  auto tx = co_await db::Transaction::begin(pool);
  co_await lock_user(tx, id);
  const auto revoked = co_await auth::SessionStore::revoke_all(tx, id);
  const boost::json::object after{{"revoked", revoked}};
  co_await audit(tx, actor, "user.sessions_revoked", "user", id.to_string(), std::nullopt, after);
  co_await tx.commit();
  sessions.forget_user(id);
  co_return revoked;
}

domain::Check check(const Adjustment& adjustment) {
  domain::Check c;
  c.integer("coins", adjustment.coins, rules::adjustment)
      .integer("xp", adjustment.xp, rules::adjustment)
      .text("reason", adjustment.reason, rules::reason);
  if (adjustment.coins == 0 && adjustment.xp == 0) c.fail("coins", "coins or xp must be non-zero");
  return c;
}

boost::asio::awaitable<boost::json::object> adjust_wallet(db::Pool& pool, const Actor& actor, Uuid id,
                                                          Adjustment adjustment) {
  check(adjustment).done();
  auto tx = co_await db::Transaction::begin(pool);
  co_await lock_user(tx, id);
  // Each adjustment is its own event: a fresh key, never a replay of an earlier one.
  const Uuid event = Uuid::v4();
  const gamification::Entry entry{"admin_adjustment",           event.to_string(), adjustment.coins, adjustment.xp,
                                  "admin:" + event.to_string(), adjustment.reason};
  co_await gamification::post(tx, id, entry);
  const boost::json::object change{{"coins", adjustment.coins}, {"xp", adjustment.xp}, {"reason", adjustment.reason}};
  co_await audit(tx, actor, "wallet.adjusted", "user", id.to_string(), std::nullopt, change);
  co_await tx.commit();
  auto wallet = co_await gamification::wallet(pool, id);
  co_return wallet;
}

boost::asio::awaitable<boost::json::object> stats(db::Pool& pool) {
  auto rows = co_await pool.execute(stats_statement);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<domain::Page> audit_log(db::Pool& pool, int limit, std::optional<std::int64_t> before) {
  auto rows = co_await pool.execute(audit_statement, before.value_or(INT64_MAX), limit + 1);
  domain::Page page{domain::to_json_text(rows, limit), std::nullopt};
  if (rows.rows() > limit) page.next_cursor = std::string(rows[limit - 1].text(0));
  co_return page;
}

boost::asio::awaitable<domain::Page> feedback(db::Pool& pool, std::optional<std::string> status,
                                              domain::PageRequest page) {
  domain::Check().choice("status", status, feedback::rules::statuses).done();
  auto params = db::Params::of(status);
  auto result = co_await domain::fetch_page(pool, feedback_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> set_feedback_status(db::Pool& pool, const Actor& actor, Uuid id,
                                                                std::string status) {
  domain::Check().choice("status", status, feedback::rules::statuses).done();
  auto tx = co_await db::Transaction::begin(pool);
  auto locked = co_await tx.execute(lock_feedback_statement, id);
  auto before = domain::one_or_not_found(locked, "feedback");
  auto rows = co_await tx.execute(set_feedback_statement, id, status);
  auto after = domain::to_object(rows, 0);
  co_await audit(tx, actor, "feedback.status_changed", "feedback", id.to_string(), before, after);
  co_await tx.commit();
  co_return after;
}

boost::asio::awaitable<std::int64_t> cleanup_sessions(db::Pool& pool, auth::SessionStore& sessions,
                                                      const Actor& actor) {
  auto tx = co_await db::Transaction::begin(pool);
  const auto deleted = co_await sessions.delete_expired(tx);
  const boost::json::object after{{"deleted", deleted}};
  co_await audit(tx, actor, "sessions.cleanup", "sessions", "expired", std::nullopt, after);
  co_await tx.commit();
  co_return deleted;
}

}  // namespace ignition::admin
