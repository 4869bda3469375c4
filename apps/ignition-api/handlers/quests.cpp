#include <ignition/quests/quests.hpp>

#include "bind.hpp"
#include "crud.hpp"
#include "domains.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

quests::NewQuest read_new(json::ObjectReader& reader) {
  quests::NewQuest quest;
  quest.title = reader.string("title", true).value_or("");
  quest.description = reader.string("description", false);
  quest.category = reader.string("category", false).value_or("personal");
  quest.target = reader.integer("target", false).value_or(1);
  return quest;
}

asio::awaitable<Response> progress(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto amount = reader.integer("amount", true);
  reader.finish();
  auto quest = co_await quests::progress(d.pool, user, id, *amount);
  co_return ok(quest);
}

asio::awaitable<Response> complete(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  auto quest = co_await quests::complete(d.pool, user, id);
  co_return ok(quest);
}

}  // namespace

void add_quests_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::get, "/api/v1/quests", policy, with_deps(d, list_owned<quests::list>));
  router.add(Verb::post, "/api/v1/quests", policy, with_deps(d, create_owned<read_new, quests::create>));
  router.add(Verb::post, "/api/v1/quests/{id}/progress", policy, with_deps(d, progress));
  router.add(Verb::post, "/api/v1/quests/{id}/complete", policy, with_deps(d, complete));
}

}  // namespace ignition::api
