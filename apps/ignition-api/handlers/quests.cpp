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

asio::awaitable<Response> create(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  quests::NewQuest quest;
  auto title = reader.string("title", true, 1, 200);
  quest.description = reader.string("description", false, 0, 2'000);
  quest.category = reader.string("category", false, 1, 32).value_or("personal");
  quest.target = static_cast<int>(reader.integer("target", false, 1, 1'000).value_or(1));
  reader.finish();
  quest.title = std::move(*title);
  auto created_quest = co_await quests::create(d.pool, user, std::move(quest));
  co_return created(created_quest);
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
  router.add(Verb::get, "/api/v1/quests", with_deps(d, list_owned<quests::list>));
  router.add(Verb::post, "/api/v1/quests", with_deps(d, create));
  router.add(Verb::post, "/api/v1/quests/{id}/progress", with_deps(d, progress));
  router.add(Verb::post, "/api/v1/quests/{id}/complete", with_deps(d, complete));
}

}  // namespace ignition::api
