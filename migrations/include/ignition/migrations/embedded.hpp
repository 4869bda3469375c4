#pragma once
/// The schema migrations of this build (migrations/NNNN_*.sql), compiled into the
/// binaries so that a deployed `ignition-api` knows exactly which schema it needs.

#include <vector>

#include <ignition/db/migrations.hpp>

namespace ignition::migrations {

/// Sorted by version.
std::vector<db::Migration> embedded();

}  // namespace ignition::migrations
