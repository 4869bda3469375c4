#include <ignition/onboarding/onboarding.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

asio::awaitable<Response> state(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto current = co_await onboarding::state(d.pool, user);
  co_return ok(current);
}

asio::awaitable<Response> complete(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid step = path_id(req);
  // The body is optional: {"response": <any JSON>} is kept with the step.
  auto body = optional_json_object_body(req);
  json::ObjectReader reader(body);
  std::optional<boost::json::value> response;
  if (const auto* value = reader.any("response", false)) response = *value;
  reader.finish();
  auto current = co_await onboarding::complete_step(d.pool, user, step, std::move(response));
  co_return ok(current);
}

template <auto Change>
asio::awaitable<Response> change_state(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto current = co_await Change(d.pool, user);
  co_return ok(current);
}

}  // namespace

void add_onboarding_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::get, "/api/v1/onboarding", policy, with_deps(d, state));
  router.add(Verb::post, "/api/v1/onboarding/steps/{id}/complete", policy, with_deps(d, complete));
  router.add(Verb::post, "/api/v1/onboarding/skip", policy, with_deps(d, change_state<onboarding::skip>));
  router.add(Verb::post, "/api/v1/onboarding/reset", policy, with_deps(d, change_state<onboarding::reset>));
}

}  // namespace ignition::api
