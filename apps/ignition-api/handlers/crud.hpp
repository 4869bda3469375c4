#pragma once
// The handlers that are the same for every domain, parameterised by the domain call
// (and, for bodies, by the function that reads the domain's input from JSON): create,
// read, update and delete one owned object, list a collection without filters.

#include <boost/asio/awaitable.hpp>

#include <ignition/common/json.hpp>

#include "domains.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace ignition::api {

/// POST a collection: `Read(reader)` parses the body into the domain's input, whose rules the
/// domain's `check(input)` judges (every problem of both is reported at once),
/// `Create(pool, user, input)` → 201.
template <auto Read, auto Create>
boost::asio::awaitable<http::Response> create_owned(DomainDeps d, http::Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto input = Read(reader);
  reader.finish(check(input).problems());
  auto object = co_await Create(d.pool, user, std::move(input));
  co_return created(object);
}

/// PATCH …/{id}: `Read(reader)` gives the changes, judged by the domain's `check(changes)`,
/// `Update(pool, user, id, changes)` → 200.
template <auto Read, auto Update>
boost::asio::awaitable<http::Response> update_owned(DomainDeps d, http::Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto changes = Read(reader);
  reader.finish(check(changes).problems());
  auto object = co_await Update(d.pool, user, id, std::move(changes));
  co_return ok(object);
}

/// GET …/{id}: `Get(pool, user, id)` → 200 with the object (404 when not the user's).
template <auto Get>
boost::asio::awaitable<http::Response> get_owned(DomainDeps d, http::Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  auto object = co_await Get(d.pool, user, id);
  co_return ok(object);
}

/// DELETE …/{id}: `Remove(pool, user, id)` → 204 (404 when not the user's, or gone).
template <auto Remove>
boost::asio::awaitable<http::Response> remove_owned(DomainDeps d, http::Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  co_await Remove(d.pool, user, id);
  co_return no_content();
}

/// GET a collection: `List(pool, user, page)` → 200 with a page.
template <auto List>
boost::asio::awaitable<http::Response> list_owned(DomainDeps d, http::Request& req) {
  const Uuid user = user_of(req);
  const auto paging = page_request(req);
  auto page = co_await List(d.pool, user, paging);
  co_return page_response(std::move(page));
}

}  // namespace ignition::api
