#include <ignition/ideas/ideas.hpp>

#include <ignition/db/pool.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::ideas {

namespace {

#define IDEA_COLUMNS "id, title, body, tags, is_favorite, created_at, updated_at"

const db::Statement insert_statement{
    "ideas_insert",
    "INSERT INTO ideas (user_id, title, body, tags, is_favorite) VALUES ($1, $2, $3, $4::jsonb, $5)"
    " RETURNING " IDEA_COLUMNS};
const db::Statement get_statement{"ideas_get", "SELECT " IDEA_COLUMNS " FROM ideas WHERE id = $1 AND user_id = $2"};
const db::Statement list_statement{
    "ideas_list", "SELECT " IDEA_COLUMNS
                  " FROM ideas WHERE user_id = $1 AND ($2::text IS NULL OR tags ? $2)"
                  " AND ($3::boolean IS NULL OR is_favorite = $3) AND (created_at, id) < ($4::timestamptz, $5::uuid)"
                  " ORDER BY created_at DESC, id DESC LIMIT $6"};
const std::string update_sql = "UPDATE ideas SET " +
                               domain::change_assignments({"title", "body", "tags", "is_favorite"}, 3) +
                               ", updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING " IDEA_COLUMNS;
const db::Statement update_statement{"ideas_update", update_sql};
const db::Statement delete_statement{"ideas_delete", "DELETE FROM ideas WHERE id = $1 AND user_id = $2"};

#undef IDEA_COLUMNS

}  // namespace

namespace {
// The same rules judge a new idea and a change to one (an untouched field is not checked).
template <typename Fields>
domain::Check check_fields(const Fields& idea) {
  domain::Check c;
  c.text("title", idea.title, rules::title).text("body", idea.body, rules::body).texts("tags", idea.tags, rules::tags);
  return c;
}
}  // namespace

domain::Check check(const NewIdea& idea) { return check_fields(idea); }

domain::Check check(const IdeaChanges& changes) { return check_fields(changes); }

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewIdea idea) {
  check(idea).done();
  const db::JsonText tags = domain::json_param(idea.tags);
  auto rows = co_await pool.execute(insert_statement, user, idea.title, idea.body, tags, idea.is_favorite);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_statement, id, user);
  co_return domain::one_or_not_found(rows, "idea");
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, Filter filter, domain::PageRequest page) {
  auto params = db::Params::of(user, filter.tag, filter.favorite);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, IdeaChanges changes) {
  check(changes).done();
  auto params = db::Params::of(id, user);
  domain::add_change(params, changes.title);
  domain::add_change(params, changes.body);
  const domain::Change<db::JsonText> tags{changes.tags.set, domain::json_param(changes.tags.value)};
  domain::add_change(params, tags);
  domain::add_change(params, changes.is_favorite);
  auto rows = co_await pool.execute(update_statement, std::move(params));
  co_return domain::one_or_not_found(rows, "idea");
}

boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_statement, id, user);
  if (rows.affected() == 0) domain::throw_not_found("idea");
}

}  // namespace ignition::ideas
