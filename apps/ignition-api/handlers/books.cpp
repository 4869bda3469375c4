#include <ignition/books/books.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

constexpr std::size_t max_title = 300;
constexpr std::size_t max_text = 200;
constexpr std::size_t max_notes = 5'000;
constexpr std::int64_t max_pages = 100'000;

books::NewBook read_new(json::ObjectReader& reader) {
  books::NewBook book;
  book.title = reader.string("title", true, 1, max_title).value_or("");
  book.author = reader.string("author", false, 1, max_text);
  book.isbn = reader.string("isbn", false, 1, 32);
  book.total_pages = reader.integer("total_pages", false, 1, max_pages);
  book.status = reader.one_of("status", false, {"want_to_read", "reading"}).value_or("reading");
  book.cover_url = reader.string("cover_url", false, 1, 2'048);
  return book;
}

books::BookChanges read_changes(json::ObjectReader& r) {
  books::BookChanges c;
  c.title = change(r, "title", false, [&] { return r.string("title", false, 1, max_title); });
  c.author = change(r, "author", true, [&] { return r.string("author", false, 1, max_text); });
  c.isbn = change(r, "isbn", true, [&] { return r.string("isbn", false, 1, 32); });
  c.total_pages = change(r, "total_pages", true, [&] { return r.integer("total_pages", false, 1, max_pages); });
  c.current_page = change(r, "current_page", false, [&] { return r.integer("current_page", false, 0, max_pages); });
  c.status = change(r, "status", false, [&] {
    return r.one_of("status", false, {"want_to_read", "reading", "completed", "abandoned"});
  });
  c.rating = change(r, "rating", true, [&] { return r.integer("rating", false, 1, 5); });
  c.notes = change(r, "notes", true, [&] { return r.string("notes", false, 0, max_notes); });
  c.cover_url = change(r, "cover_url", true, [&] { return r.string("cover_url", false, 1, 2'048); });
  return c;
}

asio::awaitable<Response> log_session(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid book = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  books::Session session;
  session.pages = static_cast<int>(reader.integer("pages", true, 0, 10'000).value_or(0));
  if (auto minutes = reader.integer("minutes", false, 0, 1'440)) session.minutes = static_cast<int>(*minutes);
  session.notes = reader.string("notes", false, 0, max_notes);
  reader.finish();
  auto logged = co_await books::log_session(d.pool, user, book, std::move(session));
  co_return created(logged);
}

}  // namespace

void add_books_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/books", policy, with_deps(d, create_owned<read_new, books::create>));
  router.add(Verb::get, "/api/v1/books", policy, with_deps(d, list_owned<books::list>));
  router.add(Verb::get, "/api/v1/books/{id}", policy, with_deps(d, get_owned<books::get>));
  router.add(Verb::patch, "/api/v1/books/{id}", policy, with_deps(d, update_owned<read_changes, books::update>));
  router.add(Verb::delete_, "/api/v1/books/{id}", policy, with_deps(d, remove_owned<books::remove>));
  router.add(Verb::post, "/api/v1/books/{id}/sessions", policy, with_deps(d, log_session));
}

}  // namespace ignition::api
