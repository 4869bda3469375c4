#pragma once
// The two readers behind open_source().

#include <ignition/d1import/source.hpp>

namespace ignition::d1import::detail {

/// The rows of a table the source does not have.
class EmptyCursor : public RowCursor {
 public:
  bool next(Row&) override { return false; }
};

std::unique_ptr<RowSource> open_sqlite(const std::filesystem::path& path);
std::unique_ptr<RowSource> open_ndjson(const std::filesystem::path& directory);

}  // namespace ignition::d1import::detail
