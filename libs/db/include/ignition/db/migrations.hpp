#pragma once
/// Schema migrations: `NNNN_name.sql` files applied in order, each in its own
/// transaction, recorded in `schema_migrations` with a SHA-256 checksum. An applied
/// file that changed is refused; concurrent runners are serialised by an advisory lock.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include <ignition/common/time.hpp>

namespace ignition::db {

class Connection;

struct Migration {
  int version;
  std::string name;  ///< file name without `.sql`, e.g. "0001_users_and_sessions"
  std::string sql;
  std::string checksum;  ///< hex SHA-256 of `sql`

  /// Builds one from a file name (`NNNN_name.sql`) and its contents; throws
  /// std::invalid_argument for a name not in that form.
  static Migration from_source(std::string_view file_name, std::string sql);
};

/// All `NNNN_*.sql` files of a directory, sorted; throws on duplicate versions.
std::vector<Migration> load_migrations(const std::filesystem::path& directory);

struct MigrationState {
  int version;
  std::string name;
  std::optional<Timestamp> applied_at;  ///< nullopt when pending
  bool known = true;                    ///< false when only the database has it
  bool checksum_ok = true;
};

class Migrator {
 public:
  /// `migrations` must be sorted by version without duplicates.
  explicit Migrator(std::vector<Migration> migrations);

  /// Applies every pending migration; returns the ones applied now. Throws
  /// SchemaMismatch when an applied migration changed or is unknown to this build.
  boost::asio::awaitable<std::vector<Migration>> up(Connection& connection) const;
  /// Each known migration with its state, plus any the database has that we do not.
  boost::asio::awaitable<std::vector<MigrationState>> status(Connection& connection) const;
  /// Throws SchemaMismatch with one clear line unless the database has exactly this
  /// build's migrations (what `ignition-api` checks before serving).
  boost::asio::awaitable<void> verify(Connection& connection) const;

  const std::vector<Migration>& migrations() const noexcept { return migrations_; }
  /// Highest version known to this build (0 when none).
  int latest_version() const noexcept;

 private:
  std::vector<Migration> migrations_;
};

}  // namespace ignition::db
