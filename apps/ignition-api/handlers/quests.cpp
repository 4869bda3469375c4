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
  quest.title = reader.string("title", true, 1, 200).value_or("");
  quest.description = reader.string("description", false, 0, 2'000);
  quest.category = reader.string("category", false, 1, 32).value_or("personal");
  quest.target = static_cast<int>(reader.integer("target", false, 1, 1'000).value_or(1));
  return quest;
}

asio::awaitable<Response> progress(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto amount = reader.integer("amount", true, 1, 1'000);
  reader.finish();
  auto quest = co_await quests::progress(d.pool, user, id, static_cast<int>(*amount));
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
