// The schema's ownership rules, checked on the migrated database itself so that a table
// added later cannot forget them: a table is user-owned iff it has a user_id column, and
// every such column is a foreign key to users that goes with the user, with an index
// that starts with it.

#include <catch2/catch.hpp>

#include <ignition/testing/postgres.hpp>

using ignition::testing::TestDatabase;

TEST_CASE("every user_id column references users, cascades (or nulls) on delete, and leads an index") {
  TestDatabase database("schema_rules");
  const std::string owned_tables = database.scalar(
      "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'user_id'");
  CHECK(std::stoi(owned_tables) >= 30);

  // Tables whose user_id is not a foreign key to users with ON DELETE CASCADE/SET NULL.
  const std::string without_fk = database.scalar(
      "SELECT coalesce(string_agg(c.table_name, ', ' ORDER BY c.table_name), '') "
      "FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.column_name = 'user_id' "
      "AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid "
      "  AND a.attnum = ANY (k.conkey) WHERE k.contype = 'f' AND k.conrelid = c.table_name::regclass "
      "  AND k.confrelid = 'users'::regclass AND a.attname = 'user_id' AND k.confdeltype IN ('c', 'n'))");
  CHECK(without_fk == "");

  // Tables without an index whose first column is user_id.
  const std::string without_index = database.scalar(
      "SELECT coalesce(string_agg(c.table_name, ', ' ORDER BY c.table_name), '') "
      "FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.column_name = 'user_id' "
      "AND NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
      "  AND a.attnum = i.indkey[0] WHERE i.indrelid = c.table_name::regclass AND a.attname = 'user_id')");
  CHECK(without_index == "");
}

TEST_CASE("the tables the D1 import relies on exist under their legacy names") {
  TestDatabase database("schema_names");
  for (const char* table : {"focus_sessions",
                            "focus_pause_state",
                            "quests",
                            "universal_quests",
                            "user_quest_progress",
                            "habits",
                            "habit_logs",
                            "user_streaks",
                            "goals",
                            "goal_milestones",
                            "calendar_events",
                            "exercises",
                            "workouts",
                            "workout_sessions",
                            "personal_records",
                            "training_programs",
                            "program_weeks",
                            "books",
                            "reading_sessions",
                            "learn_topics",
                            "learn_lessons",
                            "user_lesson_progress",
                            "market_items",
                            "user_wallet",
                            "user_purchases",
                            "points_ledger",
                            "onboarding_flows",
                            "onboarding_steps",
                            "user_onboarding_state",
                            "achievement_definitions",
                            "user_achievements",
                            "reference_tracks",
                            "track_analysis_cache",
                            "blobs",
                            "infobase_entries",
                            "ideas",
                            "daily_plans",
                            "feedback",
                            "activity_events",
                            "user_settings",
                            "admin_audit_log"}) {
    INFO(table);
    CHECK(database.scalar(std::string("SELECT to_regclass('public.") + table + "') IS NOT NULL") == "t");
  }
}
