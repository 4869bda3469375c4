#pragma once
// Route handlers are plain functions `awaitable<Response>(Deps, Request&)`; this binds
// the dependencies they share into an http::Handler.

#include <ignition/http/request.hpp>

namespace ignition::api {

template <typename Deps, typename F>
http::Handler with_deps(const Deps& deps, F handler) {
  return [deps, handler](http::Request& request) { return handler(deps, request); };
}

}  // namespace ignition::api
