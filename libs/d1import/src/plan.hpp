#pragma once
// The first pass over the source: which rows are imported (R2, R4, R10, R11, R12) and the
// few maps the conversion needs. Only ids, unique keys and per-user sums are kept in memory;
// the rows themselves are read again when they are written.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <ignition/d1import/report.hpp>
#include <ignition/d1import/source.hpp>

#include "progress.hpp"

namespace ignition::d1import::detail {

struct UuidHash {
  std::size_t operator()(const Uuid& u) const noexcept;
};
using UuidSet = std::unordered_set<Uuid, UuidHash>;
template <typename T>
using UuidMap = std::unordered_map<Uuid, T, UuidHash>;

struct TablePlan {
  std::vector<bool> keep;                               ///< by source row index
  UuidSet all_ids;                                      ///< every id in the source (after R3)
  UuidSet kept_ids;                                     ///< ids of the rows imported
  std::unordered_set<std::string> all_keys, kept_keys;  ///< the `key` column, where referenced by key
  UuidMap<Uuid> owner;  ///< row id -> its user, for parents whose children take the user
  std::int64_t kept = 0;

  /// Frees the id and key sets once no other table's pass needs them.
  void release_ids();
};

/// Sums of the wallets merged into one (R10); nullopt once a sum leaves int64.
struct WalletTotals {
  std::optional<std::int64_t> coins = 0;
  std::optional<std::int64_t> xp = 0;
  std::optional<std::int64_t> total_skill_stars = 0;
};

/// Where a reference points after R3 and R10.
struct Target {
  Uuid id;          ///< when the parent column is an id
  std::string key;  ///< when the parent column is `key`
  bool by_key = false;
  bool repointed = false;  ///< a merged user, now the kept one
};

class Plan {
 public:
  /// Reads every inventory table once, in import order; fills the report's skips and lists.
  static Plan build(RowSource& source, Report& report, Progress& progress);

  Target resolve(const Reference& ref, const Value& value) const;
  bool is_kept(const Reference& ref, const Target& target) const;
  bool exists(const Reference& ref, const Target& target) const;

  std::vector<TablePlan> tables;                      ///< by inventory index
  UuidMap<Uuid> merged_into;                          ///< merged user -> kept user (R10)
  UuidMap<std::optional<Timestamp>> user_created_at;  ///< kept user -> legacy created_at
  UuidMap<WalletTotals> wallets;                      ///< kept user -> sums of the wallets merged into it

 private:
  void plan_users(RowSource& source, Report& report, Progress& progress);
  void plan_table(std::size_t index, RowSource& source, Report& report, Progress& progress);
};

/// The tables whose children get their user_id from them (docs/schema.md "A new child user_id").
bool children_take_owner(std::string_view table) noexcept;

}  // namespace ignition::d1import::detail
