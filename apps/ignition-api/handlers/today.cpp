#include <ignition/common/crypto.hpp>
#include <ignition/today/today.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Field;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Status;
using ignition::http::Verb;

namespace ignition::api {

namespace {

// Whether If-None-Match names this tag (a list, `*`, or weak forms).
bool matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  std::size_t at = 0;
  while (at < if_none_match.size()) {
    auto comma = if_none_match.find(',', at);
    std::string_view tag = if_none_match.substr(at, comma == std::string_view::npos ? comma : comma - at);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  return false;
}

// Polled by the app: the tag is the content's hash, so an unchanged dashboard costs one
// query and an empty 304.
asio::awaitable<Response> dashboard(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = co_await today::dashboard(d.pool, user);
  const auto digest = crypto::sha256(body);
  const std::string etag =
      "\"" + crypto::to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), 16)) + "\"";
  if (matches(req.header(Field::if_none_match), etag)) {
    Response res(Status::not_modified);
    res.set(Field::etag, etag);
    co_return res;
  }
  Response res(Status::ok);
  res.set(Field::content_type, "application/json; charset=utf-8");
  res.set(Field::etag, etag);
  res.body() = std::move(body);
  co_return res;
}

}  // namespace

void add_today_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::get, "/api/v1/today", policy, with_deps(d, dashboard));
}

}  // namespace ignition::api
