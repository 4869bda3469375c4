#include <ignition/common/error.hpp>
#include <ignition/focus/focus.hpp>

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

asio::awaitable<Response> start(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto mode = reader.string("mode", true);
  auto duration = reader.integer("duration_seconds", true);
  reader.finish(focus::check_start(mode.value_or(""), duration.value_or(0)).problems());
  auto session = co_await focus::start(d.pool, user, std::move(*mode), *duration);
  co_return created(session);
}

asio::awaitable<Response> active(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto session = co_await focus::active(d.pool, user);
  if (!session) throw Error(ErrorCode::not_found, "no focus session is running");
  co_return ok(*session);
}

template <focus::Transition transition>
asio::awaitable<Response> apply(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  auto session = co_await focus::apply(d.pool, user, id, transition);
  co_return ok(session);
}

asio::awaitable<Response> stats(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  // Without bounds: the last seven days.
  const auto range = time_range(req);
  const Timestamp to = range.to.value_or(now());
  const Timestamp from = range.from.value_or(to - std::chrono::days(7));
  if (from > to) throw Error("invalid time range", {{"from", "must not be after to"}});
  auto totals = co_await focus::stats(d.pool, user, from, to);
  co_return ok(totals);
}

}  // namespace

void add_focus_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/focus", policy, with_deps(d, start));
  router.add(Verb::get, "/api/v1/focus", policy, with_deps(d, list_owned<focus::list>));
  router.add(Verb::get, "/api/v1/focus/active", policy, with_deps(d, active));
  router.add(Verb::get, "/api/v1/focus/stats", policy, with_deps(d, stats));
  router.add(Verb::get, "/api/v1/focus/{id}", policy, with_deps(d, get_owned<focus::get>));
  router.add(Verb::post, "/api/v1/focus/{id}/pause", policy, with_deps(d, apply<focus::Transition::pause>));
  router.add(Verb::post, "/api/v1/focus/{id}/resume", policy, with_deps(d, apply<focus::Transition::resume>));
  router.add(Verb::post, "/api/v1/focus/{id}/complete", policy, with_deps(d, apply<focus::Transition::complete>));
  router.add(Verb::post, "/api/v1/focus/{id}/abandon", policy, with_deps(d, apply<focus::Transition::abandon>));
}

}  // namespace ignition::api
