#include <ignition/common/error.hpp>
#include <ignition/infobase/infobase.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

infobase::NewEntry read_new(json::ObjectReader& reader) {
  infobase::NewEntry entry;
  entry.title = reader.string("title", true).value_or("");
  entry.content = reader.string("content", false).value_or("");
  entry.category = reader.string("category", false);
  entry.tags = reader.strings("tags", false).value_or(std::vector<std::string>{});
  return entry;
}

infobase::EntryChanges read_changes(json::ObjectReader& reader) {
  infobase::EntryChanges changes;
  changes.title = change(reader, "title", false, [&] { return reader.string("title", false); });
  changes.content = change(reader, "content", false, [&] { return reader.string("content", false); });
  changes.category = change(reader, "category", true, [&] { return reader.string("category", false); });
  changes.tags = change(reader, "tags", false, [&] { return reader.strings("tags", false); });
  return changes;
}

// `?q=` searches (ranked, one page); without it the entries are listed newest first.
asio::awaitable<Response> list(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const auto paging = page_request(req);
  auto q = query(req, "q");
  if (q && (q->empty() || json::utf8_length(*q) > 200))
    throw Error("invalid search", {{"q", "must be 1..200 characters"}});
  domain::Page page;
  if (q)
    page = co_await infobase::search(d.pool, user, std::move(*q), paging.limit);
  else
    page = co_await infobase::list(d.pool, user, paging);
  co_return page_response(std::move(page));
}

}  // namespace

void add_infobase_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/infobase", policy, with_deps(d, create_owned<read_new, infobase::create>));
  router.add(Verb::get, "/api/v1/infobase", policy, with_deps(d, list));
  router.add(Verb::get, "/api/v1/infobase/{id}", policy, with_deps(d, get_owned<infobase::get>));
  router.add(Verb::patch, "/api/v1/infobase/{id}", policy, with_deps(d, update_owned<read_changes, infobase::update>));
  router.add(Verb::delete_, "/api/v1/infobase/{id}", policy, with_deps(d, remove_owned<infobase::remove>));
}

}  // namespace ignition::api
