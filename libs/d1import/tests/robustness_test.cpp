// The generative robustness test of the import (docs/import.md "Robustness"): the shared dataset,
// mutated at random by tests/d1mutate/mutate.py (seeded, reproducible), imported from both
// inputs. For every seed: the import exits 0; per table imported + skipped = source rows and
// Postgres holds the imported rows; verify exits 0; a rerun writes nothing; the NDJSON export
// gives the same report and finds every row equal (a differing row would stop it).
// D1_MUTATION_SEEDS="1 2 3" (the default) chooses the seeds, D1_MUTATION_RATE the share of rows;
// every run also applies each row-level mutation at least once (--all-checks: every CHECK of the
// target, every unique key, duplicate ids, missing and foreign references).

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>

#include <ignition/d1import/import.hpp>
#include <ignition/d1import/inventory.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
using testing::TestDatabase;
namespace json = boost::json;

namespace {

const std::filesystem::path dataset = IGNITION_D1_TESTDATA;
const std::filesystem::path mutator = IGNITION_D1_MUTATOR;

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

json::value read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

// The command line, as an operator runs it; throws when it exits non-zero.
void run_migrate(const TestDatabase& db, const std::string& arguments) {
  const auto binary = testing::binary_dir() / "apps/ignition-migrate/ignition-migrate";
  testing::shell("DATABASE_URL='" + db.url() + "' APP_ENV=test " + binary.string() + " " + arguments +
                 " >/dev/null 2>&1");
}

std::int64_t total(const json::value& report, const char* what) {
  std::int64_t n = 0;
  for (const auto& [table, w] : report.at("written").as_object()) n += w.as_object().at(what).as_int64();
  return n;
}

// What must not depend on the input's form (R14).
json::object comparable(const json::value& report) {
  json::object out;
  for (const char* key : {"tables", "totals", "outcomes", "reports"}) out[key] = report.at(key);
  return out;
}

}  // namespace

TEST_CASE("no mutated legacy row stops the import; both inputs agree, verify passes, a rerun writes nothing") {
  std::istringstream seeds(env_or("D1_MUTATION_SEEDS", "1 2 3"));
  const auto rate = env_or("D1_MUTATION_RATE", "0.03");
  const auto work = std::filesystem::temp_directory_path() / ("d1_mutated_" + std::to_string(::getpid()));
  for (std::string seed; seeds >> seed;) {
    DYNAMIC_SECTION("seed " << seed) {
      const auto dir = work / seed;
      std::filesystem::create_directories(dir);
      testing::shell("python3 " + mutator.string() + " --quiet --all-checks --seed " + seed + " --rate " + rate +
                     " --from " + (dataset / "d1.sqlite").string() + " --out-db " + (dir / "d1.sqlite").string() +
                     " --out-ndjson " + (dir / "ndjson").string());
      TestDatabase db("d1_mutated");
      std::map<std::string, std::int64_t> seeded_before;
      for (const auto& t : d1import::inventory()) {
        if (!d1import::not_imported_reason(t.name)) {
          seeded_before[std::string(t.name)] = std::stoll(db.scalar("SELECT count(*) FROM " + std::string(t.name)));
        }
      }

      const auto from_sqlite = (dir / "d1.sqlite").string();
      const auto from_ndjson = (dir / "ndjson").string();
      REQUIRE_NOTHROW(run_migrate(db, "import-d1 --from " + from_sqlite + " --report " + (dir / "1.json").string()));
      const auto first = read_json(dir / "1.json");
      for (const auto& [table, outcome] : first.at("outcomes").as_object()) {
        INFO("seed " << seed << ", " << table);
        const auto& o = outcome.as_object();
        const auto& source_rows = first.at("tables").at(table).at("source_rows");
        CHECK(o.at("imported").as_int64() + o.at("skipped").as_int64() == source_rows.as_int64());
        if (d1import::not_imported_reason(table)) continue;
        // A seeded catalogue row whose legacy row was skipped stays (ADR-019).
        const auto present = first.at("written").at(table).at("already_present").as_int64();
        const auto rows = std::stoll(db.scalar("SELECT count(*) FROM " + std::string(table)));
        CHECK(rows == o.at("imported").as_int64() + seeded_before[std::string(table)] - present);
      }
      CHECK_NOTHROW(run_migrate(db, "verify --from " + from_sqlite));

      REQUIRE_NOTHROW(run_migrate(db, "import-d1 --from " + from_sqlite + " --report " + (dir / "2.json").string()));
      const auto rerun = read_json(dir / "2.json");
      CHECK(total(rerun, "inserted") == 0);
      CHECK(comparable(rerun) == comparable(first));

      REQUIRE_NOTHROW(run_migrate(db, "import-d1 --from " + from_ndjson + " --report " + (dir / "3.json").string()));
      const auto ndjson = read_json(dir / "3.json");
      CHECK(total(ndjson, "inserted") == 0);
      CHECK(comparable(ndjson) == comparable(first));
      CHECK_NOTHROW(run_migrate(db, "verify --from " + from_ndjson));
      std::filesystem::remove_all(dir);
    }
  }
  std::filesystem::remove_all(work);
}

// The rehearsal on the shared dataset and on a mutated one: go (exit 0), the scratch database
// gone afterwards. Without a server that starts it says no-go (exit 1) and still cleans up.
TEST_CASE("rehearse says go on the dataset, mutated or not, no-go when the API does not come up") {
  TestDatabase db("d1_rehearse");
  const auto binary = testing::binary_dir() / "apps/ignition-migrate/ignition-migrate";
  const auto output = std::filesystem::temp_directory_path() / ("d1_rehearse_" + std::to_string(::getpid()));
  auto rehearse = [&](const std::string& from, const std::string& env) {
    const int status = std::system(("DATABASE_URL='" + db.url() + "' APP_ENV=test " + env + " " + binary.string() +
                                    " rehearse --from " + from + " --sample 10 >" + output.string() + " 2>&1")
                                       .c_str());
    std::ifstream in(output);
    std::stringstream text;
    text << in.rdbuf();
    UNSCOPED_INFO(text.str());
    return std::pair{WEXITSTATUS(status), text.str()};
  };
  auto scratch_databases = [&] {
    return db.scalar("SELECT count(*) FROM pg_database WHERE datname LIKE 'ignition_rehearsal_%'");
  };

  auto [status, text] = rehearse((dataset / "d1.sqlite").string(), "");
  CHECK(status == 0);
  CHECK(text.find("19820 source rows -> 19625 imported") != std::string::npos);
  CHECK(text.find("10 users read through ignition-api") != std::string::npos);
  CHECK(text.find("\nGO: ") != std::string::npos);
  CHECK(scratch_databases() == "0");

  const auto dir = output.string() + "_mutated";
  testing::shell("python3 " + mutator.string() + " --quiet --seed 11 --from " + (dataset / "d1.sqlite").string() +
                 " --out-db " + dir + "/d1.sqlite --out-ndjson " + dir + "/ndjson");
  std::tie(status, text) = rehearse(dir + "/ndjson", "");
  CHECK(status == 0);
  CHECK(text.find("\nGO: ") != std::string::npos);

  std::tie(status, text) = rehearse((dataset / "d1.sqlite").string(), "IGNITION_API_BINARY=/bin/false");
  CHECK(status == 1);
  CHECK(text.find("NO-GO") != std::string::npos);
  CHECK(scratch_databases() == "0");
  std::filesystem::remove_all(dir);
  std::filesystem::remove(output);
}
