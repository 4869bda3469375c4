#include <ignition/infobase/infobase.hpp>

#include <ignition/db/pool.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::infobase {

namespace {

#define ENTRY_COLUMNS "id, title, content, category, tags, user_id IS NULL AS is_system, created_at, updated_at"

const db::Statement insert_statement{
    "infobase_insert",
    "INSERT INTO infobase_entries (user_id, title, content, category, tags) VALUES ($1, $2, $3, $4, $5::jsonb)"
    " RETURNING " ENTRY_COLUMNS};
const db::Statement get_statement{"infobase_get",
                                  "SELECT " ENTRY_COLUMNS
                                  " FROM infobase_entries WHERE id = $1 AND (user_id = $2 OR user_id IS NULL)"};
const db::Statement list_statement{
    "infobase_list", "SELECT " ENTRY_COLUMNS
                     " FROM infobase_entries WHERE (user_id = $1 OR user_id IS NULL)"
                     " AND (created_at, id) < ($2::timestamptz, $3::uuid) ORDER BY created_at DESC, id DESC LIMIT $4"};
const db::Statement search_statement{
    "infobase_search", "SELECT " ENTRY_COLUMNS
                       ", ts_rank(search, q) AS rank FROM infobase_entries,"
                       " websearch_to_tsquery('simple', $2) q WHERE (user_id = $1 OR user_id IS NULL) AND search @@ q"
                       " ORDER BY rank DESC, created_at DESC, id DESC LIMIT $3"};
const std::string update_sql = "UPDATE infobase_entries SET " +
                               domain::change_assignments({"title", "content", "category", "tags"}, 3) +
                               ", updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING " ENTRY_COLUMNS;
const db::Statement update_statement{"infobase_update", update_sql};
const db::Statement delete_statement{"infobase_delete", "DELETE FROM infobase_entries WHERE id = $1 AND user_id = $2"};

#undef ENTRY_COLUMNS

}  // namespace

namespace {
// The same rules judge a new entry and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_fields(const Fields& entry) {
  domain::Check c;
  c.text("title", entry.title, rules::title)
      .text("content", entry.content, rules::content)
      .text("category", entry.category, rules::category)
      .texts("tags", entry.tags, rules::tags);
  return c;
}
}  // namespace

domain::Check check(const NewEntry& entry) { return check_fields(entry); }

domain::Check check(const EntryChanges& changes) { return check_fields(changes); }

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewEntry entry) {
  check(entry).done();
  const db::JsonText tags = domain::json_param(entry.tags);
  auto rows = co_await pool.execute(insert_statement, user, entry.title, entry.content, entry.category, tags);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_statement, id, user);
  co_return domain::one_or_not_found(rows, "entry");
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<domain::Page> search(db::Pool& pool, Uuid user, std::string query, int limit) {
  auto rows = co_await pool.execute(search_statement, user, query, limit);
  co_return domain::Page{domain::to_json_text(rows), std::nullopt};
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, EntryChanges changes) {
  check(changes).done();
  auto params = db::Params::of(id, user);
  domain::add_change(params, changes.title);
  domain::add_change(params, changes.content);
  domain::add_change(params, changes.category);
  const domain::Change<db::JsonText> tags{changes.tags.set, domain::json_param(changes.tags.value)};
  domain::add_change(params, tags);
  auto rows = co_await pool.execute(update_statement, std::move(params));
  co_return domain::one_or_not_found(rows, "entry");
}

boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_statement, id, user);
  if (rows.affected() == 0) domain::throw_not_found("entry");
}

}  // namespace ignition::infobase
