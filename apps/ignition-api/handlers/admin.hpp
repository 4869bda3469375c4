#pragma once
// /api/v1/admin/*: users, wallets, stats, the audit log, the shared catalogues, feedback
// triage and session cleanup. The admin gate (404 for anyone but an admin) runs before
// every one of these routes.

#include <ignition/storage/store.hpp>

#include "auth.hpp"

namespace ignition::api {

void add_admin_routes(http::Router& router, AuthDeps deps, storage::Store& store);

}  // namespace ignition::api
