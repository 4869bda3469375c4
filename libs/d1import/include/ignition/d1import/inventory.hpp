#pragma once
/// The legacy D1 inventory (QUIRKS.md R1): the 43 tables the import reads, the logical kind of
/// every column, the references with their action when the parent is missing (R11) and the
/// unique keys the target keeps (R12). Mirrors the legacy schema.sql column for column.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace ignition::d1import {

/// What a legacy column holds, which decides its conversion.
enum class Kind {
  id,             ///< the primary key: a UUID or a legacy catalogue key (R3)
  ref,            ///< a reference to another table (R3, R11)
  text,           ///< text, imported byte for byte (R9)
  integer,        ///< INTEGER (R13)
  real,           ///< REAL (R13)
  boolean,        ///< 0/1 or 'true'/'false' (R6)
  timestamp,      ///< a datetime in one of the R5 formats
  date,           ///< a calendar date (R5)
  json,           ///< JSON text (R7)
  epoch_seconds,  ///< accounts.expires_at (R5)
};

/// What happens to a row whose reference points at nothing that is imported (R11).
enum class OnMissing { skip, set_null };

struct Column {
  std::string_view name;
  Kind kind;
  bool not_null;  ///< NOT NULL in the legacy schema (decides R7/R8)
};

struct Reference {
  std::string_view column;
  std::string_view parent;
  std::string_view parent_column;  ///< "id", or "key" for user_achievements.achievement_key
  OnMissing action;
};

struct TableSpec {
  std::string_view name;
  std::vector<Column> columns;
  std::vector<Reference> references;
  std::vector<std::vector<std::string_view>> unique_keys;

  /// Index of a column; throws std::out_of_range when the table has none of that name.
  std::size_t column_index(std::string_view column) const;
  std::optional<std::size_t> find_column(std::string_view column) const noexcept;
  /// The primary-key column (kind id).
  std::size_t primary_key() const;
  /// The reference a column of kind ref makes; throws std::out_of_range for other columns.
  const Reference& reference(std::string_view column) const;
};

/// The inventory in the legacy schema's order (the report's order).
const std::vector<TableSpec>& inventory();
/// Indexes into inventory() in foreign-key order: every table after the tables it references.
const std::vector<std::size_t>& import_order();
/// Index of a table in inventory(); nullopt when the table is not in the inventory.
std::optional<std::size_t> find_table(std::string_view name) noexcept;

/// R2: tables whose rows are never imported, with the reason the report gives.
std::optional<std::string_view> not_imported_reason(std::string_view table) noexcept;

}  // namespace ignition::d1import
