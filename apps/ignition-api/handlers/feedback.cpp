#include <ignition/feedback/feedback.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Field;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

asio::awaitable<Response> submit(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  feedback::NewFeedback input;
  input.kind = reader.string("kind", true).value_or("");
  input.message = reader.string("message", true).value_or("");
  input.page_url = reader.string("page_url", false);
  reader.finish(feedback::check(input).problems());
  // Stored, so read as text: what is not UTF-8 (or holds a NUL) is refused, as in a body.
  const std::string_view agent = req.header(Field::user_agent);
  if (!json::valid_utf8(agent) || agent.find('\0') != std::string_view::npos)
    throw Error("invalid request", {{"User-Agent", "must be UTF-8 text without NUL"}});
  if (!agent.empty()) input.user_agent = json::clean_utf8(agent, 1'024);
  auto stored = co_await feedback::submit(d.pool, user, std::move(input));
  co_return created(stored);
}

}  // namespace

void add_feedback_routes(http::Router& router, DomainDeps d) {
  // Anyone signed in can write to the team: limited like sign-in, in a bucket of its own.
  const http::Policy policy = http::access::user.limited(http::RateClass::feedback);
  router.add(Verb::post, "/api/v1/feedback", policy, with_deps(d, submit));
}

}  // namespace ignition::api
