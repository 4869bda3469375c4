#include <ignition/common/error.hpp>
#include <ignition/ideas/ideas.hpp>

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

ideas::NewIdea read_new(json::ObjectReader& reader) {
  ideas::NewIdea idea;
  idea.title = reader.string("title", true).value_or("");
  idea.body = reader.string("body", false);
  idea.tags = reader.strings("tags", false).value_or(std::vector<std::string>{});
  idea.is_favorite = reader.boolean("is_favorite", false).value_or(false);
  return idea;
}

asio::awaitable<Response> list(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  ideas::Filter filter;
  filter.tag = query(req, "tag");
  if (auto favorite = query(req, "favorite")) {
    if (*favorite != "true" && *favorite != "false")
      throw Error("invalid filter", {{"favorite", "must be true or false"}});
    filter.favorite = *favorite == "true";
  }
  const auto paging = page_request(req);
  auto page = co_await ideas::list(d.pool, user, std::move(filter), paging);
  co_return page_response(std::move(page));
}

ideas::IdeaChanges read_changes(json::ObjectReader& reader) {
  ideas::IdeaChanges changes;
  changes.title = change(reader, "title", false, [&] { return reader.string("title", false); });
  changes.body = change(reader, "body", true, [&] { return reader.string("body", false); });
  changes.tags = change(reader, "tags", false, [&] { return reader.strings("tags", false); });
  changes.is_favorite = change(reader, "is_favorite", false, [&] { return reader.boolean("is_favorite", false); });
  return changes;
}

}  // namespace

void add_ideas_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/ideas", policy, with_deps(d, create_owned<read_new, ideas::create>));
  router.add(Verb::get, "/api/v1/ideas", policy, with_deps(d, list));
  router.add(Verb::get, "/api/v1/ideas/{id}", policy, with_deps(d, get_owned<ideas::get>));
  router.add(Verb::patch, "/api/v1/ideas/{id}", policy, with_deps(d, update_owned<read_changes, ideas::update>));
  router.add(Verb::delete_, "/api/v1/ideas/{id}", policy, with_deps(d, remove_owned<ideas::remove>));
}

}  // namespace ignition::api
