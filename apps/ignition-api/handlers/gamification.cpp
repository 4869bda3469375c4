#include <ignition/activity/activity.hpp>
#include <ignition/gamification/gamification.hpp>

#include "bind.hpp"
#include "crud.hpp"
#include "domains.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

asio::awaitable<Response> wallet(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = co_await gamification::wallet(d.pool, user);
  co_return ok(body);
}

asio::awaitable<Response> achievements(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto items = co_await gamification::achievements(d.pool, user);
  co_return items_response(std::move(items));
}

}  // namespace

void add_gamification_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::get, "/api/v1/wallet", policy, with_deps(d, wallet));
  router.add(Verb::get, "/api/v1/wallet/ledger", policy, with_deps(d, list_owned<gamification::ledger>));
  router.add(Verb::get, "/api/v1/achievements", policy, with_deps(d, achievements));
  router.add(Verb::get, "/api/v1/activity", policy, with_deps(d, list_owned<activity::feed>));
}

}  // namespace ignition::api
