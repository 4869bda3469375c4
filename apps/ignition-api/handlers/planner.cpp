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

constexpr std::size_t max_title = 200;
constexpr std::size_t max_kind = 32;
constexpr std::size_t max_notes = 5000;

// A malformed date in the path is a 404, like a malformed id.
std::string path_date(const Request& req) {
  const std::string_view text = req.param("date");
  if (!parse_date(text)) throw Error(ErrorCode::not_found, "no such resource");
  return std::string(text);
}

// "HH:MM", 00:00..23:59.
bool valid_time(std::string_view t) {
  const auto digit = [&](std::size_t i) { return t[i] >= '0' && t[i] <= '9'; };
  if (t.size() != 5 || t[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) return false;
  return (t[0] - '0') * 10 + (t[1] - '0') < 24 && t[3] <= '5';
}

planner::Item read_item(json::ObjectReader& reader) {
  planner::Item item;
  item.title = reader.string("title", true, 1, max_title).value_or("");
  item.done = reader.boolean("done", false).value_or(false);
  item.kind = reader.string("kind", false, 0, max_kind);
  if (const auto* time = reader.any("time", false)) {
    if (time->is_string() && valid_time(time->get_string()))
      item.time = std::string(time->get_string());
    else
      reader.fail("time", "must be a time HH:MM");
  }
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
  auto items = reader.objects("items", true, planner::max_items, read_item).value_or(std::vector<planner::Item>{});
  auto notes = reader.string("notes", false, 0, max_notes);
  reader.finish();
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
