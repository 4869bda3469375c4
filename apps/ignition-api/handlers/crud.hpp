#pragma once
// The handlers that are the same for every domain, parameterised by the domain call:
// read one owned object, delete it, list a collection without filters.

#include <boost/asio/awaitable.hpp>

#include "domains.hpp"
#include "rest.hpp"

namespace ignition::api {

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
