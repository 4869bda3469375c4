#pragma once
// /api/v1/blobs: uploads streamed into object storage, downloads with ranges.

#include <ignition/blobs/blobs.hpp>
#include <ignition/http/router.hpp>

namespace ignition::api {

void add_blobs_routes(http::Router& router, blobs::Deps deps);

}  // namespace ignition::api
