#pragma once
// /api/v1/me: the signed-in user's profile, settings, terms, age, export and deletion.

#include <cstddef>

#include <ignition/storage/store.hpp>

#include "auth.hpp"

namespace ignition::api {

void add_users_routes(http::Router& router, AuthDeps deps, storage::Store& store, int min_age,
                      std::size_t exports_at_once);

}  // namespace ignition::api
