#include <ignition/users/users.hpp>

#include <boost/json/serialize.hpp>

#include <ignition/auth/sessions.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <ignition/common/time.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::users {

namespace {

#define USER_COLUMNS                                                                                            \
  "id, email, name, image, role, tos_accepted_version, tos_accepted_at, age_verified, created_at, updated_at, " \
  "last_login_at"

const db::Statement me_statement{"users_me", "SELECT " USER_COLUMNS " FROM users WHERE id = $1"};
const std::string update_sql = "UPDATE users SET " + domain::change_assignments({"name", "image"}, 2) +
                               ", updated_at = now() WHERE id = $1 RETURNING " USER_COLUMNS;
const db::Statement update_statement{"users_update", update_sql};
const db::Statement accept_tos_statement{
    "users_accept_tos",
    "UPDATE users SET tos_accepted_version = $2, tos_accepted_at = now(), updated_at = now() WHERE id = $1"
    " RETURNING " USER_COLUMNS};
const db::Statement verify_age_statement{
    "users_verify_age",
    "UPDATE users SET age_verified = true, updated_at = now()"
    " WHERE id = $1 AND $2::date <= (current_date - make_interval(years => $3::integer))::date"
    " RETURNING " USER_COLUMNS};
const db::Statement settings_statement{"users_settings", "SELECT settings FROM user_settings WHERE user_id = $1"};
const db::Statement replace_settings_statement{
    "users_replace_settings",
    "INSERT INTO user_settings (user_id, settings) VALUES ($1, $2::jsonb)"
    " ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings, updated_at = now() RETURNING settings"};
const db::Statement timezone_statement{"users_timezone_known",
                                       "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)"};
const db::Statement delete_statement{"users_delete", "DELETE FROM users WHERE id = $1"};

// Per owned table, its columns minus credentials, quoted for SQL by Postgres itself.
const db::Statement owned_tables_statement{
    "users_owned_tables",
    "SELECT c.table_name, string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position)"
    " FROM information_schema.columns c JOIN information_schema.tables t"
    " ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'"
    " WHERE c.table_schema = 'public' AND c.table_name IN (SELECT table_name FROM information_schema.columns"
    "  WHERE table_schema = 'public' AND column_name = 'user_id')"
    " AND c.column_name NOT IN ('token_hash', 'refresh_token', 'access_token', 'id_token', 'oauth_token',"
    "  'oauth_token_secret', 'session_state')"
    " GROUP BY c.table_name ORDER BY c.table_name"};

#undef USER_COLUMNS

}  // namespace

boost::asio::awaitable<boost::json::object> me(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(me_statement, user);
  co_return domain::one_or_not_found(rows, "user");
}

domain::Check check(const ProfileChanges& changes) {
  domain::Check c;
  c.text("name", changes.name, rules::name).text("image", changes.image, rules::image);
  return c;
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, ProfileChanges changes) {
  check(changes).done();
  auto params = db::Params::of(user);
  domain::add_change(params, changes.name);
  domain::add_change(params, changes.image);
  auto rows = co_await pool.execute(update_statement, std::move(params));
  co_return domain::one_or_not_found(rows, "user");
}

boost::asio::awaitable<boost::json::object> settings(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(settings_statement, user);
  if (rows.empty()) co_return boost::json::object{};
  co_return domain::to_object(rows, 0).at("settings").as_object();
}

boost::asio::awaitable<boost::json::object> replace_settings(db::Pool& pool, Uuid user, boost::json::object settings) {
  if (boost::json::serialize(settings).size() > rules::settings_bytes)
    throw Error(ErrorCode::payload_too_large, "settings are limited to 16 KiB");
  // Stored as jsonb, which holds no NUL (found by the 500-sweep).
  if (!json::storable(boost::json::value(settings)))
    throw Error("invalid settings", {{"settings", "must not contain NUL characters"}});
  if (const auto* zone = settings.if_contains("timezone")) {
    bool known = false;
    if (zone->is_string()) {
      const std::string name(zone->get_string());
      auto found = co_await pool.execute(timezone_statement, name);
      known = found.one().get<bool>(0);
    }
    if (!known) throw Error("invalid settings", {{"timezone", "must be an IANA time zone name"}});
  }
  const db::JsonText text{boost::json::serialize(settings)};
  auto rows = co_await pool.execute(replace_settings_statement, user, text);
  co_return domain::to_object(rows, 0).at("settings").as_object();
}

boost::asio::awaitable<boost::json::object> accept_tos(db::Pool& pool, Uuid user, std::string version) {
  domain::Check().text("version", version, rules::tos_version).done();
  auto rows = co_await pool.execute(accept_tos_statement, user, version);
  co_return domain::one_or_not_found(rows, "user");
}

boost::asio::awaitable<boost::json::object> verify_age(db::Pool& pool, Uuid user, std::string birth_date, int min_age) {
  auto rows = co_await pool.execute(verify_age_statement, user, birth_date, min_age);
  if (rows.empty())
    throw Error("too young", {{"birth_date", "must be at least " + std::to_string(min_age) + " years ago"}});
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<void> export_json(db::Pool& pool, Uuid user, const Write& write) {
  constexpr int batch = 500;
  auto tables = co_await pool.execute(owned_tables_statement);
  auto profile = co_await me(pool, user);
  const std::string head = "{\"exported_at\":\"" + format_rfc3339(now()) +
                           "\",\"user\":" + boost::json::serialize(profile) + ",\"tables\":{";
  co_await write(head);
  // One connection for the whole document, so it reads one consistent snapshot.
  auto connection = co_await pool.acquire();
  co_await connection->query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  bool first_table = true;
  for (const auto row : tables) {
    const std::string name(row.text(0));
    const std::string key = (first_table ? "\"" : ",\"") + name + "\":[";
    co_await write(key);
    first_table = false;
    // Table and column names come from the catalog (quote_ident), never from a request.
    const std::string sql = "DECLARE export_rows NO SCROLL CURSOR FOR SELECT " + std::string(row.text(1)) +
                            " FROM public.\"" + name + "\" WHERE user_id = $1 ORDER BY 1";
    auto params = db::Params::of(user);
    co_await connection->query(sql, std::move(params));
    bool first_row = true;
    for (;;) {
      const std::string fetch = "FETCH " + std::to_string(batch) + " FROM export_rows";
      auto rows = co_await connection->query(fetch);
      if (rows.empty()) break;
      // The batch's array text without its brackets, after a comma from the second on.
      std::string items = domain::to_json_text(rows);
      items.pop_back();
      items.front() = ',';
      const std::string_view piece = first_row ? std::string_view(items).substr(1) : std::string_view(items);
      co_await write(piece);
      first_row = false;
      if (rows.rows() < batch) break;
    }
    co_await connection->query("CLOSE export_rows");
    co_await write("]");
  }
  co_await connection->query("COMMIT");
  co_await write("}}");
}

std::shared_ptr<void> ExportGate::user_turn(Uuid user) {
  std::lock_guard lock(mutex_);
  if (!users_.insert(user).second) return nullptr;
  // The handle points at the gate (never empty while held); its deleter gives the turn back.
  return std::shared_ptr<void>(this, [this, user](void*) {
    std::lock_guard released(mutex_);
    users_.erase(user);
  });
}

std::shared_ptr<void> ExportGate::reading_turn() {
  std::lock_guard lock(mutex_);
  if (reading_ == reading_at_once_) return nullptr;
  ++reading_;
  return std::shared_ptr<void>(this, [this](void*) {
    std::lock_guard released(mutex_);
    --reading_;
  });
}

boost::asio::awaitable<void> remove(db::Pool& pool, auth::SessionStore& sessions, Uuid user) {
  auto tx = co_await db::Transaction::begin(pool);
  co_await remove(tx, user);
  co_await tx.commit();
  sessions.forget_user(user);
}

boost::asio::awaitable<void> remove(db::Transaction& tx, Uuid user) {
  co_await auth::SessionStore::revoke_all(tx, user);
  auto deleted = co_await tx.execute(delete_statement, user);
  if (deleted.affected() == 0) domain::throw_not_found("user");
}

}  // namespace ignition::users
