#include <ignition/books/books.hpp>

#include <ignition/activity/activity.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/gamification/gamification.hpp>

namespace ignition::books {

namespace {

#define BOOK_COLUMNS                                                                                     \
  "id, title, author, isbn, total_pages, current_page, status, started_at, finished_at, rating, notes, " \
  "cover_url, created_at, updated_at"

const db::Statement insert_statement{
    "books_insert",
    "INSERT INTO books (user_id, title, author, isbn, total_pages, status, cover_url, started_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $6 = 'reading' THEN now() END) RETURNING " BOOK_COLUMNS};
const db::Statement get_statement{"books_get", "SELECT " BOOK_COLUMNS " FROM books WHERE id = $1 AND user_id = $2"};
const db::Statement list_statement{"books_list",
                                   "SELECT " BOOK_COLUMNS
                                   " FROM books WHERE user_id = $1 AND (created_at, id) < ($2::timestamptz, $3::uuid)"
                                   " ORDER BY created_at DESC, id DESC LIMIT $4"};
// finished_at follows the status: stamped when it becomes completed, cleared otherwise.
const std::string update_sql =
    "UPDATE books SET " +
    domain::change_assignments(
        {"title", "author", "isbn", "total_pages", "current_page", "status", "rating", "notes", "cover_url"}, 3) +
    ", finished_at = CASE WHEN (CASE WHEN $13::boolean THEN $14::text ELSE status END) = 'completed'"
    " THEN coalesce(finished_at, now()) END,"
    " started_at = coalesce(started_at, CASE WHEN (CASE WHEN $13::boolean THEN $14::text ELSE status END) <>"
    " 'want_to_read' THEN now() END), updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING " BOOK_COLUMNS;
const db::Statement update_statement{"books_update", update_sql};
const db::Statement delete_statement{"books_delete", "DELETE FROM books WHERE id = $1 AND user_id = $2"};
const db::Statement advance_statement{
    "books_advance",
    "UPDATE books SET current_page = CASE WHEN total_pages IS NULL THEN current_page + $3"
    " ELSE least(total_pages, current_page + $3) END,"
    " status = CASE WHEN total_pages IS NOT NULL AND current_page + $3 >= total_pages THEN 'completed'"
    "  WHEN status = 'want_to_read' THEN 'reading' ELSE status END,"
    " finished_at = CASE WHEN total_pages IS NOT NULL AND current_page + $3 >= total_pages"
    "  THEN coalesce(finished_at, now()) ELSE finished_at END,"
    " started_at = coalesce(started_at, now()), updated_at = now()"
    " WHERE id = $1 AND user_id = $2 RETURNING " BOOK_COLUMNS
    ", status = 'completed' AND finished_at >= now() AS finished_now"};
const db::Statement session_statement{
    "books_session",
    "INSERT INTO reading_sessions (book_id, user_id, pages_read, duration_minutes, notes) VALUES ($1, $2, $3, $4, $5)"
    " RETURNING id, pages_read, duration_minutes, started_at, notes"};
const db::Statement finished_count_statement{"books_finished_count",
                                             "SELECT count(*) FROM books WHERE user_id = $1 AND status = 'completed'"};

#undef BOOK_COLUMNS

}  // namespace

domain::Check check(const NewBook& b) {
  domain::Check c;
  c.text("title", b.title, rules::title)
      .text("author", b.author, rules::author)
      .text("isbn", b.isbn, rules::isbn)
      .integer("total_pages", b.total_pages, rules::total_pages)
      .choice("status", b.status, rules::new_statuses)
      .text("cover_url", b.cover_url, rules::cover_url);
  return c;
}

domain::Check check(const BookChanges& b) {
  domain::Check c;
  c.text("title", b.title, rules::title)
      .text("author", b.author, rules::author)
      .text("isbn", b.isbn, rules::isbn)
      .integer("total_pages", b.total_pages, rules::total_pages)
      .integer("current_page", b.current_page, rules::current_page)
      .choice("status", b.status, rules::statuses)
      .integer("rating", b.rating, rules::rating)
      .text("notes", b.notes, rules::notes)
      .text("cover_url", b.cover_url, rules::cover_url);
  return c;
}

domain::Check check(const Session& s) {
  domain::Check c;
  c.integer("pages", s.pages, rules::session_pages)
      .integer("minutes", s.minutes, rules::session_minutes)
      .text("notes", s.notes, rules::notes);
  return c;
}

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewBook b) {
  check(b).done();
  auto rows =
      co_await pool.execute(insert_statement, user, b.title, b.author, b.isbn, b.total_pages, b.status, b.cover_url);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_statement, id, user);
  co_return domain::one_or_not_found(rows, "book");
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> update(db::Pool& pool, Uuid user, Uuid id, BookChanges c) {
  check(c).done();
  auto params = db::Params::of(id, user);
  domain::add_change(params, c.title);
  domain::add_change(params, c.author);
  domain::add_change(params, c.isbn);
  domain::add_change(params, c.total_pages);
  domain::add_change(params, c.current_page);
  domain::add_change(params, c.status);
  domain::add_change(params, c.rating);
  domain::add_change(params, c.notes);
  domain::add_change(params, c.cover_url);
  db::Result rows;
  try {
    rows = co_await pool.execute(update_statement, std::move(params));
  } catch (const db::CheckViolation&) {
    throw Error("invalid book", {{"current_page", "must not be past total_pages"}});
  }
  co_return domain::one_or_not_found(rows, "book");
}

boost::asio::awaitable<void> remove(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(delete_statement, id, user);
  if (rows.affected() == 0) domain::throw_not_found("book");
}

boost::asio::awaitable<boost::json::object> log_session(db::Pool& pool, Uuid user, Uuid book_id, Session s) {
  check(s).done();
  auto tx = co_await db::Transaction::begin(pool);
  auto advanced = co_await tx.execute(advance_statement, book_id, user, s.pages);
  auto book = domain::one_or_not_found(advanced, "book");
  auto logged = co_await tx.execute(session_statement, book_id, user, s.pages, s.minutes, s.notes);
  if (book.at("finished_now").as_bool()) {
    const boost::json::object metadata{{"book_id", book.at("id")}};
    co_await activity::record(tx, user, "book_finished", metadata);
    auto count = co_await tx.execute(finished_count_statement, user);
    co_await gamification::unlock(tx, user, "book_complete", count.one().get<std::int64_t>(0), 0);
  }
  co_await tx.commit();
  book.erase("finished_now");
  co_return boost::json::object{{"session", domain::to_object(logged, 0)}, {"book", std::move(book)}};
}

}  // namespace ignition::books
