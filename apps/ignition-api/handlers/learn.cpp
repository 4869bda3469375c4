#include <ignition/learn/learn.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

asio::awaitable<Response> topics(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto list = co_await learn::topics(d.pool, user);
  co_return items_response(std::move(list));
}

asio::awaitable<Response> lessons(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid topic = path_id(req);
  auto list = co_await learn::lessons(d.pool, user, topic);
  co_return items_response(std::move(list));
}

asio::awaitable<Response> dashboard(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto board = co_await learn::dashboard(d.pool, user);
  co_return ok(board);
}

asio::awaitable<Response> complete(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid lesson = path_id(req);
  // The body is optional: {"quiz_score": 0..100}.
  auto body = optional_json_object_body(req);
  json::ObjectReader reader(body);
  auto score = reader.integer("quiz_score", false);
  reader.finish();
  auto progress = co_await learn::complete(d.pool, user, lesson, score);
  co_return ok(progress);
}

}  // namespace

void add_learn_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::get, "/api/v1/learn/topics", policy, with_deps(d, topics));
  router.add(Verb::get, "/api/v1/learn/topics/{id}/lessons", policy, with_deps(d, lessons));
  router.add(Verb::get, "/api/v1/learn/dashboard", policy, with_deps(d, dashboard));
  router.add(Verb::post, "/api/v1/learn/lessons/{id}/complete", policy, with_deps(d, complete));
}

}  // namespace ignition::api
