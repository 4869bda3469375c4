#include <ignition/programs/programs.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

programs::NewProgram read_new(json::ObjectReader& reader) {
  programs::NewProgram p;
  p.name = reader.string("name", true).value_or("");
  p.description = reader.string("description", false);
  p.duration_weeks = reader.integer("duration_weeks", false).value_or(4);
  p.goal = reader.string("goal", false);
  p.difficulty = reader.string("difficulty", false).value_or("intermediate");
  return p;
}

programs::ProgramChanges read_changes(json::ObjectReader& r) {
  programs::ProgramChanges c;
  c.name = change(r, "name", false, [&] { return r.string("name", false); });
  c.description = change(r, "description", true, [&] { return r.string("description", false); });
  c.duration_weeks = change(r, "duration_weeks", false, [&] { return r.integer("duration_weeks", false); });
  c.goal = change(r, "goal", true, [&] { return r.string("goal", false); });
  c.difficulty = change(r, "difficulty", false, [&] { return r.string("difficulty", false); });
  c.is_active = change(r, "is_active", false, [&] { return r.boolean("is_active", false); });
  return c;
}

asio::awaitable<Response> weeks(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid program = path_id(req);
  auto list = co_await programs::weeks(d.pool, user, program);
  co_return items_response(std::move(list));
}

asio::awaitable<Response> add_week(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid program = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  programs::Week week;
  week.name = reader.string("name", false);
  week.is_deload = reader.boolean("is_deload", false).value_or(false);
  week.notes = reader.string("notes", false);
  week.schedule = reader.object("schedule", false);
  reader.finish(programs::check(week).problems());
  auto added = co_await programs::add_week(d.pool, user, program, std::move(week));
  co_return created(added);
}

asio::awaitable<Response> get_week(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid program = path_id(req);
  const Uuid week = path_id(req, "week_id");
  auto found = co_await programs::get_week(d.pool, user, program, week);
  co_return ok(found);
}

asio::awaitable<Response> update_week(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid program = path_id(req);
  const Uuid week = path_id(req, "week_id");
  auto body = json_object_body(req);
  json::ObjectReader r(body);
  programs::WeekChanges c;
  c.name = change(r, "name", true, [&] { return r.string("name", false); });
  c.is_deload = change(r, "is_deload", false, [&] { return r.boolean("is_deload", false); });
  c.notes = change(r, "notes", true, [&] { return r.string("notes", false); });
  c.schedule = change(r, "schedule", true, [&] { return r.object("schedule", false); });
  r.finish(programs::check(c).problems());
  auto updated = co_await programs::update_week(d.pool, user, program, week, std::move(c));
  co_return ok(updated);
}

asio::awaitable<Response> remove_week(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid program = path_id(req);
  const Uuid week = path_id(req, "week_id");
  co_await programs::remove_week(d.pool, user, program, week);
  co_return no_content();
}

}  // namespace

void add_programs_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/programs", policy, with_deps(d, create_owned<read_new, programs::create>));
  router.add(Verb::get, "/api/v1/programs", policy, with_deps(d, list_owned<programs::list>));
  router.add(Verb::get, "/api/v1/programs/{id}", policy, with_deps(d, get_owned<programs::get>));
  router.add(Verb::patch, "/api/v1/programs/{id}", policy, with_deps(d, update_owned<read_changes, programs::update>));
  router.add(Verb::delete_, "/api/v1/programs/{id}", policy, with_deps(d, remove_owned<programs::remove>));
  router.add(Verb::get, "/api/v1/programs/{id}/weeks", policy, with_deps(d, weeks));
  router.add(Verb::post, "/api/v1/programs/{id}/weeks", policy, with_deps(d, add_week));
  router.add(Verb::get, "/api/v1/programs/{id}/weeks/{week_id}", policy, with_deps(d, get_week));
  router.add(Verb::patch, "/api/v1/programs/{id}/weeks/{week_id}", policy, with_deps(d, update_week));
  router.add(Verb::delete_, "/api/v1/programs/{id}/weeks/{week_id}", policy, with_deps(d, remove_week));
}

}  // namespace ignition::api
