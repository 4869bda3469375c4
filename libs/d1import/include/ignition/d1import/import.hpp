#pragma once
/// The legacy D1 -> Postgres import and its verification (QUIRKS.md R1-R14, docs/import.md).
/// Both run on a plain blocking libpq connection: they are command-line jobs with no event
/// loop to share (ADR-022).

#include <filesystem>
#include <iosfwd>
#include <string>

#include <ignition/d1import/report.hpp>

namespace ignition::d1import {

/// How progress is shown on stderr.
enum class ProgressMode {
  automatic,  ///< a redrawn bar on a terminal, one line per table otherwise
  lines,      ///< one line per table
  none,
};

struct ImportOptions {
  std::filesystem::path from;  ///< a D1 .sqlite file or an NDJSON export directory
  bool dry_run = false;        ///< do all the work, then roll back
  ProgressMode progress = ProgressMode::automatic;
};

/// Imports into the database at `conninfo` in ONE transaction (ADR-022): all rows or none.
/// Rows already present with identical values are left alone, so a rerun writes nothing.
/// Throws std::runtime_error (the transaction rolled back) on unreadable input, a value no
/// rule covers, or a row the target rejects or already holds with other values.
Report import_d1(const std::string& conninfo, const ImportOptions& options);

/// Analyses the source as the import does (no writes anywhere) and returns the report.
Report analyse(const std::filesystem::path& from, ProgressMode progress = ProgressMode::none);

/// Compares the database with what importing `from` must give: per-table row counts, foreign
/// keys, and sampled rows column by column. Prints findings to `out`; returns the number of
/// mismatches (0 = verified). Throws std::runtime_error when the source or database cannot be read.
int verify(const std::string& conninfo, const std::filesystem::path& from, std::ostream& out,
           ProgressMode progress = ProgressMode::automatic);

}  // namespace ignition::d1import
