// The row-level rules on a small hand-written NDJSON export, through analyse() (no database):
// duplicate ids (R4), unparseable datetimes (R5), '' to NULL (R8), merged users (R10) and the
// orphans they leave (R11), unique keys (R12).

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <ignition/d1import/import.hpp>
#include <ignition/d1import/inventory.hpp>

using namespace ignition::d1import;
namespace json = boost::json;

namespace {

struct Export {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("d1_plan_" + std::to_string(::getpid()));
  Export() { std::filesystem::create_directories(dir); }
  ~Export() { std::filesystem::remove_all(dir); }
  void write(const std::string& table, const std::string& lines) const {
    std::ofstream(dir / (table + ".ndjson")) << lines;
  }
};

const json::object& table(const json::value& report, const char* name) {
  return report.at("tables").at(name).as_object();
}

}  // namespace

TEST_CASE("duplicate ids, merged users, orphans, unique keys and bad datetimes are settled and reported") {
  Export source;
  const std::string user =
      R"("name":null,"emailVerified":null,"image":"","role":"user","approved":1,"age_verified":1,"tos_accepted":1,)"
      R"("tos_accepted_at":"2025-01-01T00:00:00.000Z","tos_version":"v1","last_activity_at":null,"updated_at":null)";
  source.write("users", R"({"id":"aaaaaaaa-0000-4000-8000-000000000001","email":"Ann@Example.com ",)" + user +
                            R"(,"created_at":"2025-02-01 10:00:00"})"
                            "\n"
                            // the same id in upper case: a duplicate (R4)
                            R"({"id":"AAAAAAAA-0000-4000-8000-000000000001","email":"x@example.com",)" +
                            user +
                            R"(,"created_at":null})"
                            "\n"
                            // the same person, created earlier (NULL = before 2024-11-15): kept (R10)
                            R"({"id":"aaaaaaaa-0000-4000-8000-000000000002","email":"ann@example.com",)" +
                            user +
                            R"(,"created_at":null})"
                            "\n");
  const std::string wallet = R"("level":1,"xp_to_next_level":100,"updated_at":"2025-03-01 00:00:00")";
  source.write("user_wallet",
               R"({"id":"bbbbbbbb-0000-4000-8000-000000000001","user_id":"aaaaaaaa-0000-4000-8000-000000000001",)"
               R"("coins":10,"xp":5,"total_skill_stars":1,)" +
                   wallet + "}\n" +
                   R"({"id":"bbbbbbbb-0000-4000-8000-000000000002","user_id":"aaaaaaaa-0000-4000-8000-000000000002",)"
                   R"("coins":20,"xp":7,"total_skill_stars":0,)" +
                   wallet + "}\n" +
                   R"({"id":"bbbbbbbb-0000-4000-8000-000000000003","user_id":"cccccccc-0000-4000-8000-000000000009",)"
                   R"("coins":1,"xp":1,"total_skill_stars":0,)" +
                   wallet + "}\n");
  source.write("focus_sessions",
               R"({"id":"dddddddd-0000-4000-8000-000000000001","user_id":"AAAAAAAA-0000-4000-8000-000000000001",)"
               R"("mode":"focus","duration_seconds":1500,"status":"abandoned","started_at":"1741108925123",)"
               R"("completed_at":"","abandoned_at":"Invalid Date","paused_at":null,"total_paused_seconds":0,)"
               R"("expires_at":null,"xp_awarded":0,"coins_awarded":0,"created_at":"2025-03-04 17:22:05"})"
               "\n");
  source.write("d1_migrations", "{\"id\":1}\n");

  const auto report = analyse(source.dir).to_json();
  const auto& users = table(report, "users");
  CHECK(users.at("source_rows") == 3);
  CHECK(users.at("expected_rows") == 1);
  CHECK(users.at("skipped") == json::object{{"duplicate_pk", 1}, {"merged_into_user", 1}});
  CHECK(users.at("empty_string_to_null") == 1);  // image ''
  const auto& merged = report.at("reports").at("merged_users").as_array();
  REQUIRE(merged.size() == 1);
  CHECK(merged[0] == json::object{{"email", "ann@example.com"},
                                  {"kept", "aaaaaaaa-0000-4000-8000-000000000002"},
                                  {"merged", json::array{"aaaaaaaa-0000-4000-8000-000000000001"}}});

  // The kept user's own wallet beats the re-pointed one (R12); the unknown user's is an orphan.
  const auto& wallets = table(report, "user_wallet");
  CHECK(wallets.at("expected_rows") == 1);
  CHECK(wallets.at("skipped") == json::object{{"orphan", 1}, {"unique_conflict", 1}});
  CHECK(wallets.at("repointed_to_kept_user") == 1);
  const auto& conflicts = report.at("reports").at("unique_conflicts").as_array();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].at("id") == "bbbbbbbb-0000-4000-8000-000000000001");
  CHECK(conflicts[0].at("kept") == "bbbbbbbb-0000-4000-8000-000000000002");

  // The session of the merged user (in upper case) is re-pointed and kept; '' and an
  // unparseable datetime become NULL, reported, and the row stays (R5, R8).
  const auto& focus = table(report, "focus_sessions");
  CHECK(focus.at("expected_rows") == 1);
  CHECK(focus.at("repointed_to_kept_user") == 1);
  CHECK(focus.at("empty_string_to_null") == 1);
  CHECK(focus.at("unparseable_datetime_to_null") == 1);
  const auto& bad = report.at("reports").at("unparseable_datetimes").as_array();
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].at("column") == "abandoned_at");
  CHECK(bad[0].at("value") == "Invalid Date");

  CHECK(report.at("ignored_tables") == json::object{{"d1_migrations", 1}});
  CHECK(table(report, "sessions").at("source_rows") == 0);
}
