#pragma once
// ignition-migrate rehearse --from <source>: the cutover on a scratch database, with a go/no-go
// verdict (docs/cutover.md).

#include <filesystem>
#include <iosfwd>
#include <string>

#include <ignition/d1import/import.hpp>

namespace ignition::rehearsal {

struct Options {
  int sample = 20;  ///< imported users whose data is read through the API
  d1import::ProgressMode progress = d1import::ProgressMode::automatic;
};

/// Runs the rehearsal against a scratch database on DATABASE_URL's server (`url`), with the
/// ignition-api found next to `self` (this binary). Prints each step and the verdict; returns 0
/// for go, 1 for no-go. The scratch database is dropped in either case.
int rehearse(const std::string& url, const std::filesystem::path& from, const std::filesystem::path& self,
             const Options& options, std::ostream& out);

}  // namespace ignition::rehearsal
