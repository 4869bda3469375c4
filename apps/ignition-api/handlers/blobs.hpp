#pragma once
// /api/v1/blobs: uploads streamed into object storage, downloads with ranges.

#include <ignition/blobs/blobs.hpp>
#include <ignition/http/response.hpp>
#include <ignition/http/router.hpp>
#include <string>

namespace ignition::api {

struct BlobsDeps {
  blobs::Deps blobs;
  std::string url_key;  // signs download URLs (derived from AUTH_SECRET)
};

void add_blobs_routes(http::Router& router, BlobsDeps deps);
void add_tracks_routes(http::Router& router, blobs::Deps deps);

/// The upload's declared type, size and ?filename= (400 for a filename with a path or
/// control characters) — shared by blobs and tracks.
blobs::NewUpload read_upload(const http::Request& req);

/// Serves a stored object: its SHA-256 is the ETag (304 on If-None-Match), one Range gives
/// 206 with Content-Range or 416, and the bytes stream from storage with a Content-Length.
/// `attachment` adds Content-Disposition (a download rather than inline playback).
http::Response serve_object(storage::Store& store, const blobs::Object& object, http::Request& req, bool attachment);

}  // namespace ignition::api
