#pragma once
// The commands of ignition-api besides serving, for operators and their tools.

#include <ignition/common/env.hpp>

#include "app_config.hpp"

namespace ignition::api {

/// `--check-config`: `env` read into `config` without error; prints every setting in effect,
/// secrets redacted, and warns of set variables nothing read. Answers the exit code (0).
int print_config(const Env& env);

/// `healthcheck`: 0 when this instance's /ready (BIND, or loopback for a wildcard, and PORT)
/// answers 200 within a second, else 1 with the reason on stderr. For container and systemd
/// health checks on hosts without curl.
int healthcheck(const AppConfig& config);

/// Set variables with this project's prefixes that nothing read (likely typos).
std::vector<std::string> unused_variables(const Env& env);

}  // namespace ignition::api
