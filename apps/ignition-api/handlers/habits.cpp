#include <ignition/common/error.hpp>
#include <ignition/common/time.hpp>
#include <ignition/habits/habits.hpp>

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

habits::NewHabit read_new(json::ObjectReader& reader) {
  habits::NewHabit habit;
  habit.name = reader.string("name", true).value_or("");
  habit.description = reader.string("description", false);
  habit.frequency = reader.string("frequency", false).value_or("daily");
  habit.target_count = reader.integer("target_count", false).value_or(1);
  habit.icon = reader.string("icon", false);
  habit.color = reader.string("color", false);
  habit.reminder_time = reader.time_of_day("reminder_time", false);
  return habit;
}

habits::HabitChanges read_changes(json::ObjectReader& r) {
  habits::HabitChanges c;
  c.name = change(r, "name", false, [&] { return r.string("name", false); });
  c.description = change(r, "description", true, [&] { return r.string("description", false); });
  c.frequency = change(r, "frequency", false, [&] { return r.string("frequency", false); });
  c.target_count = change(r, "target_count", false, [&] { return r.integer("target_count", false); });
  c.icon = change(r, "icon", true, [&] { return r.string("icon", false); });
  c.color = change(r, "color", true, [&] { return r.string("color", false); });
  c.reminder_time = change(r, "reminder_time", true, [&] { return r.time_of_day("reminder_time", false); });
  c.is_active = change(r, "is_active", false, [&] { return r.boolean("is_active", false); });
  return c;
}

asio::awaitable<Response> log(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  // No body (or no date) logs today.
  auto body = optional_json_object_body(req);
  json::ObjectReader reader(body);
  auto date = reader.date("date", false);
  reader.finish();
  auto logged = co_await habits::log(d.pool, user, id, std::move(date));
  co_return created(logged);
}

asio::awaitable<Response> unlog(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  std::string date(req.param("date"));
  if (!parse_date(date)) throw Error(ErrorCode::not_found, "no such log");
  co_await habits::unlog(d.pool, user, id, std::move(date));
  co_return no_content();
}

std::optional<std::string> date_query(const Request& req, std::string_view name) {
  auto value = query(req, name);
  if (value && !parse_date(*value)) throw Error("invalid range", {{std::string(name), "must be a date YYYY-MM-DD"}});
  return value;
}

asio::awaitable<Response> logs(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  auto from = date_query(req, "from");
  auto to = date_query(req, "to");
  const auto paging = page_request(req);
  auto page = co_await habits::logs(d.pool, user, id, std::move(from), std::move(to), paging);
  co_return page_response(std::move(page));
}

}  // namespace

void add_habits_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/habits", policy, with_deps(d, create_owned<read_new, habits::create>));
  router.add(Verb::get, "/api/v1/habits", policy, with_deps(d, list_owned<habits::list>));
  router.add(Verb::get, "/api/v1/habits/{id}", policy, with_deps(d, get_owned<habits::get>));
  router.add(Verb::patch, "/api/v1/habits/{id}", policy, with_deps(d, update_owned<read_changes, habits::update>));
  router.add(Verb::delete_, "/api/v1/habits/{id}", policy, with_deps(d, remove_owned<habits::remove>));
  router.add(Verb::post, "/api/v1/habits/{id}/log", policy, with_deps(d, log));
  router.add(Verb::delete_, "/api/v1/habits/{id}/log/{date}", policy, with_deps(d, unlog));
  router.add(Verb::get, "/api/v1/habits/{id}/logs", policy, with_deps(d, logs));
}

}  // namespace ignition::api
