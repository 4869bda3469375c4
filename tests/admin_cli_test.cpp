// ignition-admin against a real database: every command, --json output parsed back,
// confirmation of destructive commands, and one-line error exits.

#include <catch2/catch.hpp>

#include <unistd.h>
#include <boost/json/parse.hpp>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

using namespace ignition::testing;

namespace {

struct Run : ProgramRun {
  boost::json::value json() const { return boost::json::parse(out); }
};

// Runs ignition-admin with only DATABASE_URL (and PATH) set, stdin not a terminal. `args` are
// split at spaces.
Run admin_cli(const std::string& database_url, const std::string& args) {
  std::vector<std::string> words;
  std::istringstream in(args);
  for (std::string word; in >> word;) words.push_back(word);
  return {run_program("ignition-admin", words, {{"DATABASE_URL", database_url}})};
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("ignition-admin: users, sessions, audit, export and stats, as tables and as JSON") {
  TestDatabase database("admin_cli");
  const std::string alice =
      database.scalar("INSERT INTO users (email, name) VALUES ('alice@example.com', 'Alice Zoë') RETURNING id");
  database.scalar("INSERT INTO users (email) VALUES ('bob@example.com')");
  database.scalar("INSERT INTO sessions (user_id, token_hash, expires_at, ip) VALUES ('" + alice +
                  "', sha256('a'), now() + interval '1 day', '10.0.0.7')");
  const auto& url = database.url();

  auto listed = admin_cli(url, "users list --json");
  REQUIRE(listed.exit == 0);
  CHECK(listed.json().as_array().size() == 2);
  auto found = admin_cli(url, "users list --query Zoë --json");  // by name
  REQUIRE(found.json().as_array().size() == 1);
  CHECK(found.json().as_array()[0].at("email").as_string() == "alice@example.com");
  CHECK(admin_cli(url, "users list --query BOB --json").json().as_array().size() == 1);  // email, any case
  auto table = admin_cli(url, "users list");
  CHECK(table.exit == 0);
  CHECK(table.out.starts_with("email"));
  CHECK(lines(table.out) == 3);  // header and two users
  CHECK(table.err.empty());

  auto shown = admin_cli(url, "users show Alice@Example.com --json");
  REQUIRE(shown.exit == 0);
  CHECK(shown.json().at("active_sessions").as_int64() == 1);
  CHECK(shown.json().at("wallet").at("coins").as_int64() == 0);

  auto promoted = admin_cli(url, "users promote alice@example.com --json");
  REQUIRE(promoted.exit == 0);
  CHECK(promoted.json().at("role").as_string() == "admin");
  CHECK(database.scalar("SELECT role FROM users WHERE id = '" + alice + "'") == "admin");
  CHECK(database.scalar("SELECT count(*) FROM sessions WHERE revoked_at IS NULL") == "0");  // role change signs out
  CHECK(database.scalar("SELECT actor LIKE 'cli:%' FROM admin_audit_log WHERE action = 'user.role_changed'") == "t");

  // Destructive commands ask; with no terminal to ask on, only --yes goes ahead.
  auto refused = admin_cli(url, "users demote alice@example.com");
  CHECK(refused.exit == 1);
  CHECK(lines(refused.err) == 1);
  CHECK(database.scalar("SELECT role FROM users WHERE id = '" + alice + "'") == "admin");
  CHECK(admin_cli(url, "users demote alice@example.com --yes").exit == 0);
  CHECK(database.scalar("SELECT role FROM users WHERE id = '" + alice + "'") == "user");

  database.scalar("INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ('" + alice +
                  "', sha256('b'), now() + interval '1 day')");
  auto sessions = admin_cli(url, "sessions list alice@example.com --json");
  REQUIRE(sessions.exit == 0);
  CHECK(sessions.json().as_array().size() == 1);
  CHECK(sessions.out.find("token") == std::string::npos);
  CHECK(admin_cli(url, "sessions revoke alice@example.com").exit == 1);
  auto revoked = admin_cli(url, "sessions revoke alice@example.com --yes --json");
  REQUIRE(revoked.exit == 0);
  CHECK(revoked.json().at("revoked").as_int64() == 1);
  database.scalar("INSERT INTO sessions (user_id, token_hash, created_at, last_active_at, expires_at) VALUES ('" +
                  alice +
                  "', sha256('c'), now() - interval '2 days', now() - interval '2 days', now() - interval '1 day')");
  auto cleaned = admin_cli(url, "sessions cleanup --json");
  REQUIRE(cleaned.exit == 0);
  CHECK(cleaned.json().at("deleted").as_int64() == 1);

  auto exported = admin_cli(url, "export-user alice@example.com");
  REQUIRE(exported.exit == 0);
  CHECK(exported.json().at("user").at("email").as_string() == "alice@example.com");
  CHECK(exported.json().at("tables").at("sessions").as_array().size() == 2);  // revoked ones too, without hashes

  auto stats = admin_cli(url, "stats --json");
  REQUIRE(stats.exit == 0);
  CHECK(stats.json().at("users").as_int64() == 2);
  // As a table: every value starts in one column, two spaces after the longest key.
  auto fields = admin_cli(url, "stats");
  REQUIRE(fields.exit == 0);
  std::istringstream rows(fields.out);
  std::set<std::size_t> value_columns;
  std::size_t longest_key = 0;
  for (std::string row; std::getline(rows, row);) {
    const auto key_end = row.find(' ');
    REQUIRE(key_end != std::string::npos);
    longest_key = std::max(longest_key, key_end);
    value_columns.insert(row.find_first_not_of(' ', key_end));
  }
  CHECK(value_columns == std::set<std::size_t>{longest_key + 2});
  CHECK(longest_key > 28);  // the width the table had before, which long keys ran past

  auto tail = admin_cli(url, "audit tail --limit 2 --json");
  REQUIRE(tail.exit == 0);
  REQUIRE(tail.json().as_array().size() == 2);
  CHECK(tail.json().as_array()[0].at("action").as_string() == "sessions.cleanup");  // newest first

  // A file of Alice's in the store (STORAGE_DIR defaults to "storage" in the working directory).
  const auto file = binary_dir() / "test-logs" / "storage" / "users" / alice / "blobs" / "0b1e";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "bytes";
  CHECK(admin_cli(url, "users delete alice@example.com").exit == 1);
  CHECK(std::filesystem::exists(file));
  CHECK(admin_cli(url, "users delete alice@example.com --yes").exit == 0);
  CHECK_FALSE(std::filesystem::exists(file));
  CHECK(database.scalar("SELECT count(*) FROM users WHERE id = '" + alice + "'") == "0");
  CHECK(database.scalar("SELECT count(*) FROM admin_audit_log WHERE action = 'user.deleted'") == "1");
}

TEST_CASE("ignition-admin: errors exit non-zero with one line that says why") {
  TestDatabase database("admin_cli_errors");
  const auto& url = database.url();

  auto bad_email = admin_cli(url, "users show not-an-email");
  CHECK(bad_email.exit == 2);
  CHECK(lines(bad_email.err) == 1);
  CHECK(bad_email.err.find("not an email") != std::string::npos);

  auto unknown = admin_cli(url, "users show nobody@example.com");
  CHECK(unknown.exit == 1);
  CHECK(lines(unknown.err) == 1);
  CHECK(unknown.err.find("nobody@example.com") != std::string::npos);
  CHECK(unknown.out.empty());

  auto down = admin_cli("host=127.0.0.1 port=1 dbname=nothing user=nobody connect_timeout=2", "stats");
  CHECK(down.exit == 1);
  CHECK(lines(down.err) == 1);
  CHECK(down.err.find("database") != std::string::npos);

  CHECK(admin_cli(url, "users explode").exit == 2);
  CHECK(admin_cli(url, "").exit == 2);
  CHECK(admin_cli(url, "users list --limit 0").exit == 2);
}
