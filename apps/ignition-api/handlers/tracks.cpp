#include <ignition/common/error.hpp>
#include <ignition/tracks/tracks.hpp>

#include "bind.hpp"
#include "blobs.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

asio::awaitable<Response> upload(blobs::Deps d, Request& req) {
  const Uuid user = user_of(req);
  tracks::NewTrack track;
  track.upload = read_upload(req);
  track.title = query(req, "title").value_or(track.upload.filename.value_or("Untitled"));
  track.artist = query(req, "artist");
  if (track.artist && track.artist->empty()) track.artist.reset();  // `?artist=` names no one
  auto created_track = co_await tracks::upload(d, user, std::move(track), req.read_body);
  co_return created(created_track);
}

asio::awaitable<Response> list(blobs::Deps d, Request& req) {
  const Uuid user = user_of(req);
  const auto paging = page_request(req);
  auto page = co_await tracks::list(d.pool, user, paging);
  co_return page_response(std::move(page));
}

asio::awaitable<Response> get(blobs::Deps d, Request& req) {
  const Uuid user = user_of(req);
  auto track = co_await tracks::get(d.pool, user, path_id(req));
  co_return ok(track);
}

// Inline audio with full Range support, so an <audio> element can seek.
asio::awaitable<Response> stream(blobs::Deps d, Request& req) {
  const Uuid user = user_of(req);
  auto object = co_await tracks::object(d.pool, user, path_id(req));
  co_return serve_object(d.store, object, req, false);
}

asio::awaitable<Response> remove(blobs::Deps d, Request& req) {
  const Uuid user = user_of(req);
  co_await tracks::remove(d, user, path_id(req));
  co_return no_content();
}

asio::awaitable<Response> analysis(blobs::Deps d, Request& req) {
  const Uuid user = user_of(req);
  auto cached = co_await tracks::analysis(d.pool, user, path_id(req));
  co_return ok(cached);
}

// A JSON value, or nothing: its shape is the domain's rule to check.
std::optional<boost::json::value> value_field(json::ObjectReader& r, std::string_view key) {
  const auto* value = r.any(key, false);
  if (value == nullptr) return std::nullopt;
  return *value;
}

asio::awaitable<Response> store_analysis(blobs::Deps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid track = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader r(body);
  tracks::Analysis a;
  a.bpm = r.number("bpm", false);
  a.musical_key = r.string("key", false);
  a.energy = r.number("energy", false);
  a.danceability = r.number("danceability", false);
  a.loudness_lufs = r.number("loudness_lufs", false);
  a.sections = value_field(r, "sections");
  a.waveform = value_field(r, "peaks");
  a.analyzer_version = r.string("analyzer_version", false);
  r.finish(tracks::check(a).problems());
  auto cached = co_await tracks::store_analysis(d.pool, user, track, std::move(a));
  co_return ok(cached);
}

}  // namespace

void add_tracks_routes(http::Router& router, blobs::Deps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/tracks", policy.streamed(d.limits.audio), with_deps(d, upload));
  router.add(Verb::get, "/api/v1/tracks", policy, with_deps(d, list));
  router.add(Verb::get, "/api/v1/tracks/{id}", policy, with_deps(d, get));
  router.add(Verb::get, "/api/v1/tracks/{id}/stream", policy, with_deps(d, stream));
  router.add(Verb::delete_, "/api/v1/tracks/{id}", policy, with_deps(d, remove));
  router.add(Verb::get, "/api/v1/tracks/{id}/analysis", policy, with_deps(d, analysis));
  router.add(Verb::put, "/api/v1/tracks/{id}/analysis", policy.body_limit(tracks::rules::analysis_bytes),
             with_deps(d, store_analysis));
}

}  // namespace ignition::api
