#pragma once
// The OpenAPI 3.1 document of the route table (contract §1: GET /api/v1/openapi.json). What a
// route does is written beside its handler, in `handlers/<name>.openapi.json`: its operation
// (summary, parameters, body, success answers and the errors of its own) and the schemas it
// uses. What the route table declares is added from it: tags, path parameters, the session
// cookie, the CSRF header and the errors every route of its policy can answer. A route without an
// operation, or an operation without a route, is an error: the document cannot drift.

#include <span>
#include <string>

#include <boost/json/object.hpp>

#include <ignition/common/embedded.hpp>
#include <ignition/http/router.hpp>

namespace ignition::api::openapi {

/// The fragments compiled into this build: `openapi/base.json` (the document's frame and the
/// shared components) first, then each `handlers/*.openapi.json` and `operations.openapi.json`.
std::span<const EmbeddedFile> fragments();

/// The document of `router` from `fragments` (the base first). Throws std::invalid_argument
/// naming every route without an operation, every operation without a route, and any fragment
/// that is not valid JSON or defines a name another one defines.
boost::json::object document(const http::Router& router, std::span<const EmbeddedFile> fragments);

/// `value` as JSON text indented by two spaces, with a final newline: the form of
/// docs/openapi.json, the same bytes for the same document.
std::string pretty(const boost::json::value& value);

}  // namespace ignition::api::openapi
