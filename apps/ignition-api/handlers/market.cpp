#include <ignition/market/market.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

asio::awaitable<Response> items(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto list = co_await market::items(d.pool, user);
  co_return items_response(std::move(list));
}

asio::awaitable<Response> purchase(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid item = path_id(req);
  auto bought = co_await market::purchase(d.pool, user, item);
  co_return created(bought);
}

asio::awaitable<Response> redeem(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid purchase = path_id(req);
  auto redeemed = co_await market::redeem(d.pool, user, purchase);
  co_return ok(redeemed);
}

}  // namespace

void add_market_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::get, "/api/v1/market/items", policy, with_deps(d, items));
  router.add(Verb::post, "/api/v1/market/items/{id}/purchase", policy, with_deps(d, purchase));
  router.add(Verb::get, "/api/v1/market/purchases", policy, with_deps(d, list_owned<market::purchases>));
  router.add(Verb::post, "/api/v1/market/purchases/{id}/redeem", policy, with_deps(d, redeem));
}

}  // namespace ignition::api
