#include <ignition/books/books.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

books::NewBook read_new(json::ObjectReader& reader) {
  books::NewBook book;
  book.title = reader.string("title", true).value_or("");
  book.author = reader.string("author", false);
  book.isbn = reader.string("isbn", false);
  book.total_pages = reader.integer("total_pages", false);
  book.status = reader.string("status", false).value_or("reading");
  book.cover_url = reader.string("cover_url", false);
  return book;
}

books::BookChanges read_changes(json::ObjectReader& r) {
  books::BookChanges c;
  c.title = change(r, "title", false, [&] { return r.string("title", false); });
  c.author = change(r, "author", true, [&] { return r.string("author", false); });
  c.isbn = change(r, "isbn", true, [&] { return r.string("isbn", false); });
  c.total_pages = change(r, "total_pages", true, [&] { return r.integer("total_pages", false); });
  c.current_page = change(r, "current_page", false, [&] { return r.integer("current_page", false); });
  c.status = change(r, "status", false, [&] { return r.string("status", false); });
  c.rating = change(r, "rating", true, [&] { return r.integer("rating", false); });
  c.notes = change(r, "notes", true, [&] { return r.string("notes", false); });
  c.cover_url = change(r, "cover_url", true, [&] { return r.string("cover_url", false); });
  return c;
}

asio::awaitable<Response> log_session(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid book = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  books::Session session;
  session.pages = reader.integer("pages", true).value_or(0);
  session.minutes = reader.integer("minutes", false);
  session.notes = reader.string("notes", false);
  reader.finish(books::check(session).problems());
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
