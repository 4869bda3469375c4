// The import of the shared legacy dataset into fresh databases of the test cluster: the report
// equals the dataset's expected.json, verify finds no mismatch, a rerun changes nothing, both
// inputs give the same database, and an import killed midway leaves the target as it was.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <sstream>

#include <ignition/d1import/import.hpp>
#include <ignition/d1import/inventory.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
using testing::TestDatabase;
namespace json = boost::json;

namespace {

const std::filesystem::path dataset = IGNITION_D1_TESTDATA;

json::value read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

const json::object& expected() {
  static const json::value value = read_json(dataset / "expected.json");
  return value.as_object();
}

// Lists compare as multisets: their order within a table is not part of the rules.
std::vector<std::string> sorted_items(const json::value& list) {
  std::vector<std::string> out;
  for (const auto& item : list.as_array()) out.push_back(json::serialize(item));
  std::sort(out.begin(), out.end());
  return out;
}

void check_report_matches_expected(const json::value& got) {
  const auto& tables = got.at("tables").as_object();
  for (const auto& [table, want] : expected().at("tables").as_object()) {
    INFO(table);
    REQUIRE(tables.contains(table));
    CHECK(tables.at(table) == want);
  }
  CHECK(tables.size() == expected().at("tables").as_object().size());
  CHECK(got.at("totals") == expected().at("totals"));
  for (const auto& [name, want] : expected().at("reports").as_object()) {
    INFO(name);
    CHECK(sorted_items(got.at("reports").at(name)) == sorted_items(want));
  }
}

void check_report_matches_expected(const d1import::Report& report) { check_report_matches_expected(report.to_json()); }

// The command line, as an operator runs it; throws when it exits non-zero.
void run_migrate(const TestDatabase& db, const std::string& arguments) {
  const auto binary = testing::binary_dir() / "apps/ignition-migrate/ignition-migrate";
  testing::shell("DATABASE_URL='" + db.url() + "' APP_ENV=test " + binary.string() + " " + arguments + " >/dev/null");
}

std::int64_t count(const TestDatabase& db, const std::string& table) {
  return std::stoll(db.scalar("SELECT count(*) FROM " + table));
}

// Rows of every table the import writes, as one comparable text.
std::string all_counts(const TestDatabase& db) {
  std::string out;
  for (const auto& t : d1import::inventory()) {
    if (d1import::not_imported_reason(t.name)) continue;
    out += std::string(t.name) + "=" + std::to_string(count(db, std::string(t.name))) + " ";
  }
  return out;
}

d1import::Report import(const TestDatabase& db, const std::filesystem::path& from, bool dry_run = false) {
  return d1import::import_d1(db.url(), {.from = from, .dry_run = dry_run, .progress = d1import::ProgressMode::none});
}

int verify(const TestDatabase& db, const std::filesystem::path& from, std::string& output) {
  std::ostringstream out;
  const int mismatches = d1import::verify(db.url(), from, out, d1import::ProgressMode::none);
  output = out.str();
  return mismatches;
}

// Rows of the starting catalogue the migrations seed under the import's ids (ADR-019).
std::int64_t seeded(const TestDatabase& db) {
  return std::stoll(
      db.scalar("SELECT (SELECT count(*) FROM achievement_definitions) + (SELECT count(*) FROM exercises) +"
                " (SELECT count(*) FROM market_items) + (SELECT count(*) FROM learn_topics) + (SELECT count(*) FROM "
                "learn_lessons)"
                " + (SELECT count(*) FROM onboarding_flows) + (SELECT count(*) FROM onboarding_steps) +"
                " (SELECT count(*) FROM universal_quests)"));
}

std::int64_t replaced(const d1import::Report& r) {
  std::int64_t n = 0;
  for (const auto& t : r.tables) n += t.replaced_seeded;
  return n;
}

std::int64_t inserted(const d1import::Report& r) {
  std::int64_t n = 0;
  for (const auto& t : r.tables) n += t.inserted;
  return n;
}

}  // namespace

TEST_CASE("importing d1.sqlite gives expected.json's report, verifies, and a rerun changes nothing") {
  TestDatabase db("d1_sqlite");
  const auto catalogue = seeded(db);
  REQUIRE(catalogue == 12 + 85);  // 0004 and 0005
  const auto first = import(db, dataset / "d1.sqlite");
  check_report_matches_expected(first);
  CHECK(inserted(first) == 19625 - catalogue);
  const auto ad = *d1import::find_table("achievement_definitions");
  CHECK(first.tables[ad].already_present == 12);
  // The seeded catalogue takes the old app's values (its descriptions differ from ours).
  CHECK(replaced(first) == catalogue);
  CHECK(db.scalar("SELECT description FROM exercises WHERE legacy_id = 'ex_bench_press'") ==
        "Lead level bounce morning arrangement.");
  CHECK(count(db, "users") == 50);
  CHECK(count(db, "focus_sessions") == 3860);

  std::string output;
  CHECK(verify(db, dataset / "d1.sqlite", output) == 0);
  INFO(output);
  CHECK(output.find("no mismatch") != std::string::npos);

  // The spot checks of expected.json.
  CHECK(
      db.scalar("SELECT coins || '/' || xp FROM user_wallet WHERE user_id = 'f3c668b1-14ed-4049-90e3-2e8239455353'") ==
      "190/1335");
  CHECK(db.scalar("SELECT count(*) FROM focus_sessions WHERE user_id = '8c31406d-eea3-4685-a115-75c2d67393d6'") ==
        "181");
  CHECK(db.scalar("SELECT count(*) FROM accounts WHERE user_id = '106ee2ab-101e-45eb-a607-b61550332cb8'") == "2");

  const auto counts = all_counts(db);
  const auto second = import(db, dataset / "d1.sqlite");
  CHECK(inserted(second) == 0);
  CHECK(replaced(second) == 0);
  check_report_matches_expected(second);
  CHECK(all_counts(db) == counts);
}

TEST_CASE("importing the NDJSON export gives the same report and the same database (R14)") {
  TestDatabase db("d1_ndjson");
  const auto report = import(db, dataset / "ndjson");
  check_report_matches_expected(report);
  std::string output;
  CHECK(verify(db, dataset / "ndjson", output) == 0);
  INFO(output);
  CHECK_NOTHROW(run_migrate(db, "verify --from " + (dataset / "ndjson").string()));
  // The other input finds every row already there with identical values (a differing row
  // would stop the import), and adds nothing.
  const auto counts = all_counts(db);
  const auto again = import(db, dataset / "d1.sqlite");
  CHECK(inserted(again) == 0);
  CHECK(all_counts(db) == counts);
  CHECK(verify(db, dataset / "d1.sqlite", output) == 0);
}

TEST_CASE("a dry run does all the work and leaves the database as it was") {
  TestDatabase db("d1_dry");
  const auto before = all_counts(db);
  const auto report = import(db, dataset / "d1.sqlite", true);
  check_report_matches_expected(report);
  CHECK(inserted(report) == 19625 - seeded(db));
  CHECK(all_counts(db) == before);
}

TEST_CASE("verify reports a changed value, a missing row and an extra row") {
  TestDatabase db("d1_verify");
  import(db, dataset / "d1.sqlite");
  std::string output;
  // Every row of a small table is sampled, so a change anywhere in it is seen.
  db.scalar("UPDATE feedback SET message = message || '!' WHERE id = '652bdf45-b3fd-4967-b01a-9cd7b566ef83'");
  CHECK(verify(db, dataset / "d1.sqlite", output) >= 1);
  CHECK(output.find("MISMATCH feedback 652bdf45-b3fd-4967-b01a-9cd7b566ef83 message") != std::string::npos);
  CHECK_THROWS(run_migrate(db, "verify --from " + (dataset / "d1.sqlite").string()));  // exit status 1
  // Credentials are named, never printed.
  db.scalar("UPDATE accounts SET access_token = 'changed-secret-value' WHERE access_token IS NOT NULL");
  CHECK(verify(db, dataset / "d1.sqlite", output) >= 2);
  CHECK(output.find("access_token: differs (value not shown)") != std::string::npos);
  CHECK(output.find("changed-secret-value") == std::string::npos);
  db.scalar("DELETE FROM infobase_entries WHERE id = (SELECT id FROM infobase_entries ORDER BY id LIMIT 1)");
  CHECK(verify(db, dataset / "d1.sqlite", output) >= 3);
  CHECK(output.find("MISMATCH infobase_entries: 35 rows, the rules give 36") != std::string::npos);
}

TEST_CASE("an import that fails midway leaves the target unchanged, and a rerun completes") {
  TestDatabase db("d1_fail");
  // A row the import would write, already present with other values: the import stops at
  // workouts, after users, focus sessions, habits... were written in its transaction.
  db.scalar(
      "INSERT INTO users (id, email) VALUES ('f3c668b1-14ed-4049-90e3-2e8239455353', 'someone.else@example.com')");
  const auto before = all_counts(db);
  CHECK_THROWS_WITH(import(db, dataset / "d1.sqlite"), Catch::Contains("users: rows already exist with other values"));
  CHECK(all_counts(db) == before);
  db.scalar("DELETE FROM users");
  check_report_matches_expected(import(db, dataset / "d1.sqlite"));
}

TEST_CASE("an import killed after it started writing leaves the target unchanged, and a rerun completes") {
  TestDatabase db("d1_kill");
  const auto before = all_counts(db);
  const auto binary = testing::binary_dir() / "apps/ignition-migrate/ignition-migrate";
  int err[2];
  REQUIRE(pipe(err) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    dup2(err[1], STDERR_FILENO);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    close(err[0]);
    setenv("DATABASE_URL", db.url().c_str(), 1);
    setenv("APP_ENV", "test", 1);
    const std::string from = (dataset / "ndjson").string();
    execl(binary.c_str(), binary.c_str(), "import-d1", "--from", from.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  // The progress lines (stderr is a pipe, so one line per table): wait until rows of several
  // tables are in the transaction, then kill the process without warning.
  std::string seen;
  char buffer[4096];
  bool writing = false;
  while (!writing) {
    const auto n = read(err[0], buffer, sizeof buffer);
    if (n <= 0) break;
    seen.append(buffer, static_cast<std::size_t>(n));
    writing = seen.find("write focus_sessions:") != std::string::npos;
  }
  INFO(seen);
  REQUIRE(writing);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(err[0]);
  CHECK(WIFSIGNALED(status));
  CHECK(all_counts(db) == before);

  // The rerun, from the command line with its JSON report.
  const auto report_file = testing::binary_dir() / ("d1_kill_report_" + std::to_string(getpid()) + ".json");
  run_migrate(db, "import-d1 --from " + (dataset / "ndjson").string() + " --report " + report_file.string());
  check_report_matches_expected(read_json(report_file));
  std::filesystem::remove(report_file);
  std::string output;
  CHECK(verify(db, dataset / "ndjson", output) == 0);
}
