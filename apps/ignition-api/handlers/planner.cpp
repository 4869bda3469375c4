#include <ignition/common/error.hpp>
#include <ignition/common/time.hpp>
#include <ignition/planner/planner.hpp>

#include "bind.hpp"
#include "domains.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

// A malformed date in the path is a 404, like a malformed id.
std::string path_date(const Request& req) {
  const std::string_view text = req.param("date");
  if (!parse_date(text)) throw Error(ErrorCode::not_found, "no such resource");
  return std::string(text);
}

planner::Item read_item(json::ObjectReader& reader) {
  planner::Item item;
  item.title = reader.string("title", true).value_or("");
  item.done = reader.boolean("done", false).value_or(false);
  item.kind = reader.string("kind", false);
  item.time = reader.time_of_day("time", false);
  // The item's rules go with its own problems: an item the parser drops is not checked again.
  reader.fail(planner::check(item).problems());
  return item;
}

// A day without a saved plan answers 200 with an empty plan ({"date", "items": [],
// "notes": null}), not 404: every day has a plan, possibly still blank.
asio::awaitable<Response> get(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto date = path_date(req);
  auto plan = co_await planner::get(d.pool, user, std::move(date));
  co_return ok(plan);
}

asio::awaitable<Response> put(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto date = path_date(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto items =
      reader.objects("items", true, planner::rules::max_items, read_item).value_or(std::vector<planner::Item>{});
  auto notes = reader.string("notes", false);
  reader.finish(planner::check(items, notes).problems());
  auto plan = co_await planner::put(d.pool, user, std::move(date), std::move(items), std::move(notes));
  co_return ok(plan);
}

}  // namespace

void add_planner_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::get, "/api/v1/daily-plan/{date}", policy, with_deps(d, get));
  router.add(Verb::put, "/api/v1/daily-plan/{date}", policy, with_deps(d, put));
}

}  // namespace ignition::api
