#include "users.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <ignition/blobs/blobs.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/spool.hpp>
#include <ignition/common/time.hpp>
#include <ignition/users/users.hpp>

#include "bind.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Field;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

struct UsersDeps {
  AuthDeps auth;
  storage::Store& store;
  int min_age;
  std::shared_ptr<users::ExportGate> exports;
};

// The user's row changed: this instance drops their cached sessions now, so the next
// /auth/session shows the change (the other instances hear of it through migration 0006).
Response changed(const UsersDeps& d, const Uuid& user, const boost::json::object& profile) {
  d.auth.sessions.forget_user(user);
  return ok(profile);
}

asio::awaitable<Response> me(UsersDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto profile = co_await users::me(d.auth.pool, user);
  co_return ok(profile);
}

asio::awaitable<Response> update(UsersDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  users::ProfileChanges changes;
  changes.name = change(reader, "name", true, [&] { return reader.string("name", false); });
  changes.image = change(reader, "image", true, [&] { return reader.string("image", false); });
  reader.finish(users::check(changes).problems());
  auto profile = co_await users::update(d.auth.pool, user, std::move(changes));
  co_return changed(d, user, profile);
}

asio::awaitable<Response> settings(UsersDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto current = co_await users::settings(d.auth.pool, user);
  co_return ok(current);
}

asio::awaitable<Response> replace_settings(UsersDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  auto stored = co_await users::replace_settings(d.auth.pool, user, std::move(body));
  co_return ok(stored);
}

asio::awaitable<Response> accept_tos(UsersDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto version = reader.string("version", true);
  reader.finish();
  auto profile = co_await users::accept_tos(d.auth.pool, user, std::move(*version));
  co_return changed(d, user, profile);
}

asio::awaitable<Response> verify_age(UsersDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto birth_date = reader.date("birth_date", true);
  reader.finish();
  auto profile = co_await users::verify_age(d.auth.pool, user, std::move(*birth_date), d.min_age);
  co_return changed(d, user, profile);
}

// An export not admitted now: the answer says when to ask again.
Response export_refused(const Request& req, ErrorCode code, std::string_view why) {
  Response res = http::error_response(req, code, why);
  res.set(Field::retry_after, "10");
  return res;
}

// A turn to read the database for an export, waited for up to ten seconds (others' exports
// read for a second or so each); empty when none came.
asio::awaitable<std::shared_ptr<void>> reading_turn(users::ExportGate& gate) {
  constexpr auto poll = std::chrono::milliseconds(50);
  constexpr int polls = 200;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0;; ++i) {
    auto turn = gate.reading_turn();
    if (turn || i == polls) co_return turn;
    timer.expires_after(poll);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

// Sends the spooled document; the user's export turn goes with the last piece.
asio::awaitable<void> send_spool(std::shared_ptr<Spool> spool, [[maybe_unused]] std::shared_ptr<void> turn,
                                 http::BodyWrite write) {
  constexpr std::size_t piece = 64 * 1024;
  for (std::uint64_t offset = 0; offset < spool->size(); offset += piece) {
    const std::string bytes = spool->read(offset, piece);
    co_await write(bytes);
  }
}

// The document is made whole in a spool first, in one short transaction, and then sent as
// fast as the client reads it: no pooled connection waits on the client (a slow reader once
// held one per export, and with them the whole pool).
asio::awaitable<Response> export_data(UsersDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto turn = d.exports->user_turn(user);
  if (!turn) co_return export_refused(req, ErrorCode::rate_limited, "an export of this account is already running");
  auto spool = std::make_shared<Spool>();
  {
    const auto reading = co_await reading_turn(*d.exports);
    if (!reading) co_return export_refused(req, ErrorCode::unavailable, "too many exports are being made right now");
    const users::Write to_spool = [&spool](std::string_view bytes) -> asio::awaitable<void> {
      spool->append(bytes);
      co_return;
    };
    co_await users::export_json(d.auth.pool, user, to_spool);
  }
  req.body_stream = [spool, turn](const http::BodyWrite& write) { return send_spool(spool, turn, write); };
  Response res(http::Status::ok);
  res.set(Field::content_type, "application/json; charset=utf-8");
  res.set(Field::content_disposition, "attachment; filename=\"ignition-export.json\"");
  res.set(Field::content_length, std::to_string(spool->size()));
  co_return res;
}

asio::awaitable<Response> remove(UsersDeps d, Request& req) {
  const Uuid user = user_of(req);
  // Objects first: if this stops half-way the account still exists, and deleting it again
  // finishes the job; the other order could leave files no row points to.
  co_await blobs::remove_all_objects(d.store, user);
  co_await users::remove(d.auth.pool, d.auth.sessions, user);
  Response res = no_content();
  clear_cookies(d.auth, res);
  co_return res;
}

}  // namespace

void add_users_routes(http::Router& router, AuthDeps auth, storage::Store& store, int min_age,
                      std::size_t exports_at_once) {
  const http::Policy policy = http::access::user;
  const UsersDeps d{auth, store, min_age, std::make_shared<users::ExportGate>(exports_at_once)};
  router.add(Verb::get, "/api/v1/me", policy, with_deps(d, me));
  router.add(Verb::patch, "/api/v1/me", policy, with_deps(d, update));
  router.add(Verb::delete_, "/api/v1/me", policy, with_deps(d, remove));
  router.add(Verb::get, "/api/v1/me/settings", policy, with_deps(d, settings));
  router.add(Verb::put, "/api/v1/me/settings", policy.body_limit(users::rules::settings_bytes),
             with_deps(d, replace_settings));
  router.add(Verb::post, "/api/v1/me/accept-tos", policy, with_deps(d, accept_tos));
  router.add(Verb::post, "/api/v1/me/verify-age", policy, with_deps(d, verify_age));
  router.add(Verb::get, "/api/v1/me/export", policy, with_deps(d, export_data));
}

}  // namespace ignition::api
