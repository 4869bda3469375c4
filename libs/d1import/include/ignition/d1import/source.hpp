#pragma once
/// Readers of the legacy data behind one interface (R14: same rows from either): the D1
/// database file through libsqlite3 (rowid order) and the NDJSON export, one file per table,
/// streamed line by line.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ignition/d1import/convert.hpp>
#include <ignition/d1import/inventory.hpp>

namespace ignition::d1import {

/// The rows of one table, in source order.
class RowCursor {
 public:
  virtual ~RowCursor() = default;
  /// Fills `row` (one cell per inventory column) and returns true, or returns false at the
  /// end. Throws std::runtime_error on unreadable input.
  virtual bool next(Row& row) = 0;
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  /// "sqlite" or "ndjson".
  virtual std::string format() const = 0;
  /// Tables present in the source that are not in the inventory, with their row counts (R1).
  virtual std::vector<std::pair<std::string, std::int64_t>> other_tables() = 0;
  /// The rows of an inventory table; a table absent from the source has none. Throws
  /// std::runtime_error when a column of the inventory is missing.
  virtual std::unique_ptr<RowCursor> rows(const TableSpec& table) = 0;
};

/// A directory is an NDJSON export, a file a D1 (SQLite) database. Throws std::runtime_error
/// when the path cannot be opened.
std::unique_ptr<RowSource> open_source(const std::filesystem::path& path);

}  // namespace ignition::d1import
