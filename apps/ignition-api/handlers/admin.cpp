#include "admin.hpp"

#include <ignition/admin/admin.hpp>
#include <ignition/admin/catalogue.hpp>
#include <ignition/blobs/blobs.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/parse.hpp>
#include <ignition/guard/layers.hpp>

#include "bind.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

// The signed-in admin, the request and the client, for the audit log.
admin::Actor actor_of(const Request& req) {
  const auto& user = guard::require_principal(req).user;
  return admin::Actor{user.id, "user:" + user.email, req.request_id,
                      req.client_ip.empty() ? std::nullopt : std::optional<std::string>(req.client_ip)};
}

asio::awaitable<Response> search_users(AuthDeps d, Request& req) {
  auto q = query(req, "q");
  if (q && q->empty()) q.reset();
  const auto paging = page_request(req);
  auto page = co_await admin::search_users(d.pool, std::move(q), paging);
  co_return page_response(std::move(page));
}

asio::awaitable<Response> get_user(AuthDeps d, Request& req) {
  auto user = co_await admin::user(d.pool, path_id(req));
  co_return ok(user);
}

asio::awaitable<Response> set_role(AuthDeps d, Request& req) {
  const Uuid id = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto role = reader.string("role", true);
  reader.finish();
  auto user = co_await admin::set_role(d.pool, d.sessions, actor_of(req), id, std::move(*role));
  co_return ok(user);
}

// The user's stored objects go first, as in their own deletion.
struct DeleteDeps {
  AuthDeps auth;
  storage::Store& store;
};

asio::awaitable<Response> delete_user(DeleteDeps d, Request& req) {
  const Uuid id = path_id(req);
  [[maybe_unused]] const auto exists = co_await admin::user(d.auth.pool, id);
  co_await blobs::remove_all_objects(d.store, id);
  co_await admin::delete_user(d.auth.pool, d.auth.sessions, actor_of(req), id);
  co_return no_content();
}

asio::awaitable<Response> revoke_sessions(AuthDeps d, Request& req) {
  const auto revoked = co_await admin::revoke_sessions(d.pool, d.sessions, actor_of(req), path_id(req));
  co_return ok({{"revoked", revoked}});
}

asio::awaitable<Response> adjust_wallet(AuthDeps d, Request& req) {
  const Uuid id = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  admin::Adjustment adjustment;
  adjustment.coins = reader.integer("coins", false).value_or(0);
  adjustment.xp = reader.integer("xp", false).value_or(0);
  adjustment.reason = reader.string("reason", true).value_or("");
  reader.finish(admin::check(adjustment).problems());
  auto wallet = co_await admin::adjust_wallet(d.pool, actor_of(req), id, std::move(adjustment));
  co_return ok(wallet);
}

asio::awaitable<Response> stats(AuthDeps d, Request&) {
  auto counts = co_await admin::stats(d.pool);
  co_return ok(counts);
}

// Paged by entry id (the log only grows): ?limit= and ?cursor=<id from next_cursor>.
asio::awaitable<Response> audit_log(AuthDeps d, Request& req) {
  std::map<std::string, std::string> problems;
  const int limit = page_limit(req, problems);
  std::optional<std::int64_t> before;
  if (auto cursor = query(req, "cursor")) {
    before = parse_integer<std::int64_t>(*cursor);
    if (!before || *before < 1) problems["cursor"] = "is not a cursor from a previous page";
  }
  if (!problems.empty()) throw Error("invalid paging parameters", std::move(problems));
  auto page = co_await admin::audit_log(d.pool, limit, before);
  co_return page_response(std::move(page));
}

asio::awaitable<Response> list_feedback(AuthDeps d, Request& req) {
  auto status = query(req, "status");
  const auto paging = page_request(req);
  auto page = co_await admin::feedback(d.pool, std::move(status), paging);
  co_return page_response(std::move(page));
}

asio::awaitable<Response> triage_feedback(AuthDeps d, Request& req) {
  const Uuid id = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  auto status = reader.string("status", true);
  reader.finish();
  auto feedback = co_await admin::set_feedback_status(d.pool, actor_of(req), id, std::move(*status));
  co_return ok(feedback);
}

asio::awaitable<Response> cleanup_sessions(AuthDeps d, Request& req) {
  const auto deleted = co_await admin::cleanup_sessions(d.pool, d.sessions, actor_of(req));
  co_return ok({{"deleted", deleted}});
}

// One set of handlers serves every catalogue; the route binds which.
struct CatalogueDeps {
  db::Pool& pool;
  const admin::Catalogue* catalogue;
};

asio::awaitable<Response> list_catalogue(CatalogueDeps d, Request&) {
  auto items = co_await admin::list(d.pool, *d.catalogue);
  co_return items_response(std::move(items));
}

asio::awaitable<Response> get_catalogue(CatalogueDeps d, Request& req) {
  auto item = co_await admin::get(d.pool, *d.catalogue, path_id(req));
  co_return ok(item);
}

asio::awaitable<Response> create_catalogue(CatalogueDeps d, Request& req) {
  auto body = json_object_body(req);
  auto fields = admin::read_fields(*d.catalogue, body, true);
  auto item = co_await admin::create(d.pool, actor_of(req), *d.catalogue, std::move(fields));
  co_return created(item);
}

asio::awaitable<Response> update_catalogue(CatalogueDeps d, Request& req) {
  const Uuid id = path_id(req);
  auto body = json_object_body(req);
  auto fields = admin::read_fields(*d.catalogue, body, false);
  auto item = co_await admin::update(d.pool, actor_of(req), *d.catalogue, id, std::move(fields));
  co_return ok(item);
}

asio::awaitable<Response> remove_catalogue(CatalogueDeps d, Request& req) {
  co_await admin::remove(d.pool, actor_of(req), *d.catalogue, path_id(req));
  co_return no_content();
}

}  // namespace

void add_admin_routes(http::Router& router, AuthDeps d, storage::Store& store) {
  // The admin area: admins only, 404 for anyone else.
  const http::Policy policy = http::access::admin;
  const std::string base = "/api/v1/admin";
  router.add(Verb::get, base + "/users", policy, with_deps(d, search_users));
  router.add(Verb::get, base + "/users/{id}", policy, with_deps(d, get_user));
  router.add(Verb::patch, base + "/users/{id}", policy, with_deps(d, set_role));
  router.add(Verb::delete_, base + "/users/{id}", policy, with_deps(DeleteDeps{d, store}, delete_user));
  router.add(Verb::post, base + "/users/{id}/sessions/revoke", policy, with_deps(d, revoke_sessions));
  router.add(Verb::post, base + "/users/{id}/wallet/adjust", policy, with_deps(d, adjust_wallet));
  router.add(Verb::get, base + "/stats", policy, with_deps(d, stats));
  router.add(Verb::get, base + "/audit-log", policy, with_deps(d, audit_log));
  router.add(Verb::get, base + "/feedback", policy, with_deps(d, list_feedback));
  router.add(Verb::patch, base + "/feedback/{id}", policy, with_deps(d, triage_feedback));
  router.add(Verb::post, base + "/sessions/cleanup", policy, with_deps(d, cleanup_sessions));
  for (const auto& catalogue : admin::catalogues()) {
    const CatalogueDeps deps{d.pool, &catalogue};
    const std::string collection = base + "/" + std::string(catalogue.path);
    router.add(Verb::get, collection, policy, with_deps(deps, list_catalogue));
    router.add(Verb::post, collection, policy, with_deps(deps, create_catalogue));
    router.add(Verb::get, collection + "/{id}", policy, with_deps(deps, get_catalogue));
    router.add(Verb::patch, collection + "/{id}", policy, with_deps(deps, update_catalogue));
    router.add(Verb::delete_, collection + "/{id}", policy, with_deps(deps, remove_catalogue));
  }
}

}  // namespace ignition::api
