#include <ignition/db/migrations.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <ignition/common/crypto.hpp>
#include <ignition/db/connection.hpp>
#include <ignition/db/error.hpp>

namespace asio = boost::asio;

namespace ignition::db {

namespace {
// "ignition" in ASCII: the advisory lock that serialises migration runners.
constexpr std::int64_t migration_lock_key = 0x69676e6974696f6e;

const char* const create_table_sql = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

struct Applied {
  std::string name;
  std::string checksum;
  Timestamp applied_at;
};

asio::awaitable<std::map<int, Applied>> read_applied(Connection& c) {
  std::map<int, Applied> out;
  auto exists = co_await c.query("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!exists.one().get<bool>(0)) co_return out;
  auto rows = co_await c.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version");
  for (auto row : rows) {
    out.emplace(row.get<int>(0), Applied{row.get<std::string>(1), row.get<std::string>(2), row.get<Timestamp>(3)});
  }
  co_return out;
}

// The first reason the database's history is not a prefix of ours, or "".
std::string history_problem(const std::vector<Migration>& known, const std::map<int, Applied>& applied) {
  std::map<int, const Migration*> by_version;
  for (const auto& m : known) by_version.emplace(m.version, &m);
  int highest_applied = applied.empty() ? 0 : applied.rbegin()->first;
  for (const auto& [version, a] : applied) {
    auto it = by_version.find(version);
    if (it == by_version.end()) {
      return "the database has migration " + a.name +
             ", which this build does not know (is an older build running against a newer schema?)";
    }
    if (it->second->checksum != a.checksum) {
      return "migration " + a.name + ".sql was changed after it was applied (checksum " + a.checksum.substr(0, 12) +
             " in the database, " + it->second->checksum.substr(0, 12) + " in this build); add a new migration instead";
    }
  }
  for (const auto& m : known) {
    if (m.version < highest_applied && !applied.contains(m.version)) {
      return "migration " + m.name + " is older than the newest applied one and was never applied; renumber it after " +
             applied.rbegin()->second.name;
    }
  }
  return {};
}
}  // namespace

Migration Migration::from_source(std::string_view file_name, std::string sql) {
  auto bad = [&] {
    return std::invalid_argument("migration file name must look like 0001_name.sql: " + std::string(file_name));
  };
  if (!file_name.ends_with(".sql")) throw bad();
  std::string_view stem = file_name.substr(0, file_name.size() - 4);
  std::size_t digits = 0;
  while (digits < stem.size() && stem[digits] >= '0' && stem[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9 || digits + 1 >= stem.size() || stem[digits] != '_') throw bad();
  for (char c : stem.substr(digits + 1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) throw bad();
  }
  Migration m;
  m.version = std::stoi(std::string(stem.substr(0, digits)));
  m.name = std::string(stem);
  m.checksum = crypto::to_hex(crypto::sha256(sql));
  m.sql = std::move(sql);
  return m;
}

std::vector<Migration> load_migrations(const std::filesystem::path& directory) {
  std::vector<Migration> out;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    out.push_back(Migration::from_source(entry.path().filename().string(), text.str()));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      throw std::invalid_argument("two migrations share version " + std::to_string(out[i].version) + ": " +
                                  out[i - 1].name + ", " + out[i].name);
    }
  }
  return out;
}

Migrator::Migrator(std::vector<Migration> migrations) : migrations_(std::move(migrations)) {
  for (std::size_t i = 1; i < migrations_.size(); ++i) {
    if (migrations_[i].version <= migrations_[i - 1].version) {
      throw std::invalid_argument("migrations must be sorted by version without duplicates");
    }
  }
}

int Migrator::latest_version() const noexcept { return migrations_.empty() ? 0 : migrations_.back().version; }

asio::awaitable<std::vector<Migration>> Migrator::up(Connection& c) const {
  co_await c.query("SELECT pg_advisory_lock($1)", Params::of(migration_lock_key));
  std::vector<Migration> done;
  std::exception_ptr failure;
  try {
    co_await c.run_script(create_table_sql);
    auto applied = co_await read_applied(c);
    if (auto problem = history_problem(migrations_, applied); !problem.empty()) throw SchemaMismatch(problem);
    for (const auto& m : migrations_) {
      if (applied.contains(m.version)) continue;
      try {
        co_await c.run_script("BEGIN");
        co_await c.run_script(m.sql);
        co_await c.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                         Params::of(m.version, m.name, m.checksum));
        co_await c.run_script("COMMIT");
      } catch (const Error& e) {
        failure = std::make_exception_ptr(Error(e.sqlstate(), "migration " + m.name + " failed: " + e.what()));
      }
      if (failure) {
        if (!c.broken()) co_await c.run_script("ROLLBACK");
        break;
      }
      done.push_back(m);
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (!c.broken()) co_await c.query("SELECT pg_advisory_unlock($1)", Params::of(migration_lock_key));
  if (failure) std::rethrow_exception(failure);
  co_return done;
}

asio::awaitable<std::vector<MigrationState>> Migrator::status(Connection& c) const {
  auto applied = co_await read_applied(c);
  std::vector<MigrationState> out;
  for (const auto& m : migrations_) {
    MigrationState s{m.version, m.name, std::nullopt, true, true};
    if (auto it = applied.find(m.version); it != applied.end()) {
      s.applied_at = it->second.applied_at;
      s.checksum_ok = it->second.checksum == m.checksum;
      applied.erase(it);
    }
    out.push_back(std::move(s));
  }
  for (const auto& [version, a] : applied) out.push_back({version, a.name, a.applied_at, false, true});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  co_return out;
}

asio::awaitable<void> Migrator::verify(Connection& c) const {
  auto applied = co_await read_applied(c);
  if (auto problem = history_problem(migrations_, applied); !problem.empty()) throw SchemaMismatch(problem);
  for (const auto& m : migrations_) {
    if (!applied.contains(m.version)) {
      throw SchemaMismatch("the database lacks migration " + m.name + "; run `ignition-migrate up` first");
    }
  }
}

}  // namespace ignition::db
