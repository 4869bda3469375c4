#!/usr/bin/env python3
"""Seeded mutation fuzzer for the legacy D1 data that `ignition-migrate import-d1` reads.

    python3 mutate.py --seed N [--rate 0.03] --from d1.sqlite --out-db OUT.sqlite \
        --out-ndjson OUTDIR [--manifest PATH] [--keep-constraints] [--verbose|--quiet]

Copies the source database, mutates about `rate` of the rows of every inventory table (at
least one row per non-empty table) with values that break the import rules of QUIRKS.md
(R1-R14) and the CHECKs, NOT NULLs, unique keys and foreign keys of the target schema
(migrations 0001 and 0003), then writes the NDJSON export of the mutated database the way
QUIRKS.md Q15 describes the Worker's export, and a JSON manifest of every mutation.

Same seed, same arguments, same Python/SQLite -> the same bytes in every output file.
Python 3.11 standard library only; the only source of randomness is random.Random(seed).

How values get into the file. SQLite would coerce or refuse many of the values (column
affinity turns 42 into '42' in a TEXT column; NOT NULL and UNIQUE refuse NULLs and exact
duplicates). By default the tool therefore relaxes the inventory tables for the duration of
the mutation (PRAGMA writable_schema: untyped columns, no constraints, the unique
autoindexes turned into plain indexes over the same b-trees), writes every value with the
storage class it is meant to have, and then puts every sqlite_master row back byte for byte
(same CREATE statements, same root pages). The file opens and reads normally; PRAGMA
integrity_check then reports exactly the planted violations ("NULL value in ...",
"non-unique entry in index ...", "NUMERIC value in ..."). With --keep-constraints the schema
is left in force: values are coerced by affinity, and mutations that SQLite refuses are
dropped (what a file D1 itself wrote could contain). The manifest records the storage class
each value ended up with.
"""

import argparse
import functools
import json
import os
import re
import random
import shutil
import sqlite3
import sys
import time
import uuid
from json.encoder import encode_basestring   # the C encoder of json.dumps(..., ensure_ascii=False)

# ---------------------------------------------------------------------------------------
# The inventory: libs/d1import/src/inventory.cpp, columns in legacy order:
# (column, kind, NOT NULL in legacy), references (column, parent, parent column, action),
# unique keys the target keeps (R12).
# ---------------------------------------------------------------------------------------

INVENTORY = [
    ("users",
     [("id", "id", True), ("name", "text", False), ("email", "text", False),
      ("emailVerified", "timestamp", False), ("image", "text", False), ("role", "text", True),
      ("approved", "boolean", True), ("age_verified", "boolean", True), ("tos_accepted", "boolean", True),
      ("tos_accepted_at", "timestamp", False), ("tos_version", "text", False), ("last_activity_at", "timestamp", False),
      ("created_at", "timestamp", False), ("updated_at", "timestamp", False)],
     [],
     []),
    ("accounts",
     [("id", "id", True), ("userId", "ref", True), ("type", "text", True),
      ("provider", "text", True), ("providerAccountId", "text", True), ("refresh_token", "text", False),
      ("access_token", "text", False), ("expires_at", "epoch_seconds", False), ("token_type", "text", False),
      ("scope", "text", False), ("id_token", "text", False), ("session_state", "text", False),
      ("oauth_token_secret", "text", False), ("oauth_token", "text", False)],
     [("userId", "users", "id", "skip")],
     [('provider', 'providerAccountId')]),
    ("sessions",
     [("id", "text", True), ("sessionToken", "id", True), ("userId", "ref", True),
      ("expires", "timestamp", True)],
     [("userId", "users", "id", "skip")],
     []),
    ("verification_tokens",
     [("identifier", "text", True), ("token", "id", True), ("expires", "timestamp", True)],
     [],
     []),
    ("user_settings",
     [("id", "id", False), ("user_id", "ref", True), ("nudge_intensity", "text", False),
      ("default_focus_duration", "integer", False), ("gamification_visible", "text", False), ("planner_mode", "text", False),
      ("theme", "text", False), ("notifications_enabled", "boolean", False), ("sound_enabled", "boolean", False),
      ("timezone", "text", False), ("preferences_json", "json", False), ("created_at", "timestamp", True),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     [('user_id',)]),
    ("onboarding_flows",
     [("id", "id", False), ("version", "integer", True), ("name", "text", True),
      ("description", "text", False), ("is_active", "boolean", True), ("total_steps", "integer", True),
      ("created_at", "timestamp", True)],
     [],
     []),
    ("onboarding_steps",
     [("id", "id", False), ("flow_id", "ref", True), ("step_order", "integer", True),
      ("step_type", "text", True), ("title", "text", True), ("description", "text", False),
      ("target_selector", "text", False), ("target_route", "text", False), ("fallback_content", "text", False),
      ("options_json", "json", False), ("allows_multiple", "boolean", True), ("required", "boolean", True),
      ("action_type", "text", False), ("action_config_json", "json", False)],
     [("flow_id", "onboarding_flows", "id", "skip")],
     []),
    ("user_onboarding_state",
     [("id", "id", False), ("user_id", "ref", True), ("flow_id", "ref", True),
      ("current_step_id", "ref", False), ("status", "text", True), ("started_at", "timestamp", False),
      ("completed_at", "timestamp", False), ("skipped_at", "timestamp", False), ("last_step_completed_at", "timestamp", False),
      ("responses_json", "json", False), ("can_resume", "boolean", True), ("created_at", "timestamp", True),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip"), ("flow_id", "onboarding_flows", "id", "skip"), ("current_step_id", "onboarding_steps", "id", "set_null")],
     [('user_id',)]),
    ("focus_sessions",
     [("id", "id", False), ("user_id", "ref", True), ("mode", "text", True),
      ("duration_seconds", "integer", True), ("status", "text", True), ("started_at", "timestamp", True),
      ("completed_at", "timestamp", False), ("abandoned_at", "timestamp", False), ("paused_at", "timestamp", False),
      ("total_paused_seconds", "integer", True), ("expires_at", "timestamp", False), ("xp_awarded", "integer", True),
      ("coins_awarded", "integer", True), ("created_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("focus_pause_state",
     [("id", "id", False), ("user_id", "ref", True), ("session_id", "ref", False),
      ("mode", "text", True), ("is_paused", "boolean", True), ("time_remaining_seconds", "integer", True),
      ("paused_at", "timestamp", True), ("resumed_at", "timestamp", False), ("created_at", "timestamp", True),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip"), ("session_id", "focus_sessions", "id", "set_null")],
     [('user_id',)]),
    ("quests",
     [("id", "id", False), ("user_id", "ref", False), ("title", "text", True),
      ("description", "text", False), ("category", "text", True), ("difficulty", "text", True),
      ("xp_reward", "integer", True), ("coin_reward", "integer", True), ("is_universal", "boolean", True),
      ("is_active", "boolean", True), ("status", "text", True), ("accepted_at", "timestamp", False),
      ("completed_at", "timestamp", False), ("expires_at", "timestamp", False), ("is_repeatable", "boolean", True),
      ("repeat_frequency", "text", False), ("last_completed_date", "date", False), ("streak_count", "integer", True),
      ("created_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("universal_quests",
     [("id", "id", False), ("title", "text", True), ("description", "text", False),
      ("type", "text", True), ("xp_reward", "integer", True), ("coin_reward", "integer", True),
      ("target", "integer", True), ("skill_key", "text", False), ("is_active", "boolean", True),
      ("created_by", "ref", False), ("created_at", "timestamp", True), ("updated_at", "timestamp", True)],
     [("created_by", "users", "id", "set_null")],
     []),
    ("user_quest_progress",
     [("id", "id", False), ("user_id", "ref", True), ("quest_id", "ref", True),
      ("status", "text", True), ("progress", "integer", True), ("completed", "boolean", True),
      ("accepted_at", "timestamp", False), ("completed_at", "timestamp", False), ("created_at", "timestamp", True),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip"), ("quest_id", "universal_quests", "id", "skip")],
     [('user_id', 'quest_id')]),
    ("habits",
     [("id", "id", False), ("user_id", "ref", True), ("name", "text", True),
      ("description", "text", False), ("frequency", "text", True), ("target_count", "integer", True),
      ("icon", "text", False), ("color", "text", False), ("reminder_time", "text", False),
      ("is_active", "boolean", True), ("archived_at", "timestamp", False), ("created_at", "timestamp", True),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("habit_logs",
     [("id", "id", False), ("habit_id", "ref", True), ("user_id", "ref", True),
      ("completed_at", "timestamp", True), ("count", "integer", True), ("notes", "text", False),
      ("created_at", "timestamp", True)],
     [("habit_id", "habits", "id", "skip"), ("user_id", "users", "id", "skip")],
     []),
    ("user_streaks",
     [("id", "id", False), ("user_id", "ref", True), ("streak_type", "text", True),
      ("current_streak", "integer", True), ("longest_streak", "integer", True), ("last_activity_date", "date", False),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     [('user_id', 'streak_type')]),
    ("goals",
     [("id", "id", False), ("user_id", "ref", True), ("title", "text", True),
      ("description", "text", False), ("category", "text", False), ("target_date", "date", False),
      ("status", "text", True), ("progress", "integer", True), ("created_at", "timestamp", True),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("goal_milestones",
     [("id", "id", False), ("goal_id", "ref", True), ("title", "text", True),
      ("is_completed", "boolean", True), ("completed_at", "timestamp", False), ("sort_order", "integer", True),
      ("created_at", "timestamp", True)],
     [("goal_id", "goals", "id", "skip")],
     []),
    ("calendar_events",
     [("id", "id", False), ("user_id", "ref", True), ("title", "text", True),
      ("description", "text", False), ("event_type", "text", True), ("start_time", "timestamp", True),
      ("end_time", "timestamp", False), ("all_day", "boolean", True), ("location", "text", False),
      ("workout_id", "ref", False), ("recurrence_rule", "text", False), ("recurrence_end", "timestamp", False),
      ("parent_event_id", "ref", False), ("color", "text", False), ("reminder_minutes", "integer", False),
      ("metadata", "json", False), ("created_at", "timestamp", True), ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip"), ("workout_id", "workouts", "id", "set_null"), ("parent_event_id", "calendar_events", "id", "set_null")],
     []),
    ("daily_plans",
     [("id", "id", False), ("user_id", "ref", True), ("date", "date", True),
      ("items_json", "json", True), ("notes", "text", False), ("created_at", "timestamp", True),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     [('user_id', 'date')]),
    ("exercises",
     [("id", "id", False), ("name", "text", True), ("description", "text", False),
      ("category", "text", True), ("muscle_groups", "json", False), ("equipment", "text", False),
      ("is_custom", "boolean", True), ("is_builtin", "boolean", True), ("user_id", "ref", False),
      ("created_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("workouts",
     [("id", "id", False), ("user_id", "ref", True), ("name", "text", True),
      ("description", "text", False), ("estimated_duration_minutes", "integer", False), ("is_template", "boolean", True),
      ("structure_json", "json", False), ("created_at", "timestamp", True), ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("workout_sessions",
     [("id", "id", False), ("user_id", "ref", True), ("workout_id", "ref", False),
      ("started_at", "timestamp", True), ("completed_at", "timestamp", False), ("duration_seconds", "integer", False),
      ("sets_json", "json", False), ("notes", "text", False), ("rating", "integer", False),
      ("perceived_effort", "real", False), ("created_at", "timestamp", True)],
     [("user_id", "users", "id", "skip"), ("workout_id", "workouts", "id", "set_null")],
     []),
    ("personal_records",
     [("id", "id", False), ("user_id", "ref", True), ("exercise_id", "ref", True),
      ("record_type", "text", True), ("value", "real", True), ("unit", "text", True),
      ("reps", "integer", False), ("achieved_at", "timestamp", True), ("workout_session_id", "ref", False),
      ("previous_value", "real", False), ("created_at", "timestamp", True)],
     [("user_id", "users", "id", "skip"), ("exercise_id", "exercises", "id", "skip"), ("workout_session_id", "workout_sessions", "id", "set_null")],
     []),
    ("training_programs",
     [("id", "id", False), ("user_id", "ref", True), ("name", "text", True),
      ("description", "text", False), ("duration_weeks", "integer", True), ("goal", "text", False),
      ("difficulty", "text", False), ("is_active", "boolean", True), ("started_at", "timestamp", False),
      ("completed_at", "timestamp", False), ("created_at", "timestamp", True), ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("program_weeks",
     [("id", "id", False), ("program_id", "ref", True), ("week_number", "integer", True),
      ("name", "text", False), ("is_deload", "boolean", True), ("notes", "text", False),
      ("schedule_json", "json", False), ("created_at", "timestamp", True)],
     [("program_id", "training_programs", "id", "skip")],
     []),
    ("books",
     [("id", "id", False), ("user_id", "ref", True), ("title", "text", True),
      ("author", "text", False), ("isbn", "text", False), ("total_pages", "integer", False),
      ("current_page", "integer", True), ("status", "text", True), ("started_at", "timestamp", False),
      ("completed_at", "timestamp", False), ("rating", "integer", False), ("notes", "text", False),
      ("cover_url", "text", False), ("created_at", "timestamp", True), ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("reading_sessions",
     [("id", "id", False), ("book_id", "ref", True), ("user_id", "ref", True),
      ("pages_read", "integer", True), ("duration_minutes", "integer", False), ("started_at", "timestamp", True),
      ("notes", "text", False), ("created_at", "timestamp", True)],
     [("book_id", "books", "id", "skip"), ("user_id", "users", "id", "skip")],
     []),
    ("learn_topics",
     [("id", "id", False), ("key", "text", True), ("name", "text", True),
      ("description", "text", False), ("category", "text", True), ("icon", "text", False),
      ("sort_order", "integer", True), ("created_at", "timestamp", True)],
     [],
     [('key',)]),
    ("learn_lessons",
     [("id", "id", False), ("topic_id", "ref", True), ("key", "text", True),
      ("title", "text", True), ("description", "text", False), ("content_markdown", "text", False),
      ("duration_minutes", "integer", True), ("difficulty", "text", True), ("quiz_json", "json", False),
      ("xp_reward", "integer", True), ("coin_reward", "integer", True), ("skill_key", "text", False),
      ("audio_r2_key", "text", False), ("sort_order", "integer", True), ("is_published", "boolean", True),
      ("created_at", "timestamp", True)],
     [("topic_id", "learn_topics", "id", "skip")],
     [('key',)]),
    ("user_lesson_progress",
     [("id", "id", False), ("user_id", "ref", True), ("lesson_id", "ref", True),
      ("status", "text", True), ("started_at", "timestamp", False), ("completed_at", "timestamp", False),
      ("quiz_score", "integer", False), ("attempts", "integer", True)],
     [("user_id", "users", "id", "skip"), ("lesson_id", "learn_lessons", "id", "skip")],
     [('user_id', 'lesson_id')]),
    ("market_items",
     [("id", "id", False), ("key", "text", True), ("name", "text", True),
      ("description", "text", False), ("category", "text", True), ("cost_coins", "integer", True),
      ("icon", "text", False), ("is_global", "boolean", True), ("is_available", "boolean", True),
      ("is_active", "boolean", True), ("is_consumable", "boolean", True), ("sort_order", "integer", True),
      ("created_by_user_id", "ref", False), ("created_at", "timestamp", True)],
     [("created_by_user_id", "users", "id", "set_null")],
     [('key',)]),
    ("user_wallet",
     [("id", "id", False), ("user_id", "ref", True), ("coins", "integer", True),
      ("xp", "integer", True), ("level", "integer", True), ("xp_to_next_level", "integer", True),
      ("total_skill_stars", "integer", True), ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     [('user_id',)]),
    ("user_purchases",
     [("id", "id", False), ("user_id", "ref", True), ("item_id", "ref", True),
      ("cost_coins", "integer", True), ("status", "text", True), ("purchased_at", "timestamp", True),
      ("redeemed_at", "timestamp", False)],
     [("user_id", "users", "id", "skip"), ("item_id", "market_items", "id", "skip")],
     []),
    ("points_ledger",
     [("id", "id", False), ("user_id", "ref", True), ("event_type", "text", True),
      ("event_id", "text", False), ("coins", "integer", True), ("xp", "integer", True),
      ("skill_stars", "integer", True), ("skill_key", "text", False), ("reason", "text", False),
      ("idempotency_key", "text", False), ("created_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     [('idempotency_key',)]),
    ("achievement_definitions",
     [("id", "id", False), ("key", "text", True), ("name", "text", True),
      ("description", "text", False), ("category", "text", True), ("icon", "text", False),
      ("trigger_type", "text", True), ("trigger_config_json", "json", False), ("reward_coins", "integer", True),
      ("reward_xp", "integer", True), ("is_hidden", "boolean", True), ("sort_order", "integer", True),
      ("created_at", "timestamp", True)],
     [],
     [('key',)]),
    ("user_achievements",
     [("id", "id", False), ("user_id", "ref", True), ("achievement_key", "ref", True),
      ("earned_at", "timestamp", True), ("notified", "boolean", True)],
     [("user_id", "users", "id", "skip"), ("achievement_key", "achievement_definitions", "key", "skip")],
     [('user_id', 'achievement_key')]),
    ("reference_tracks",
     [("id", "id", False), ("user_id", "ref", True), ("title", "text", True),
      ("artist", "text", False), ("r2_key", "text", True), ("mime_type", "text", True),
      ("bytes", "integer", True), ("sha256", "text", False), ("duration_seconds", "real", False),
      ("tags_json", "json", False), ("visibility", "text", True), ("created_at", "timestamp", True),
      ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("track_analysis_cache",
     [("id", "id", False), ("track_id", "ref", True), ("bpm", "real", False),
      ("musical_key", "text", False), ("energy", "real", False), ("danceability", "real", False),
      ("loudness_lufs", "real", False), ("sections_json", "json", False), ("waveform_json", "json", False),
      ("analyzer_version", "text", False), ("analyzed_at", "timestamp", True), ("created_at", "timestamp", True)],
     [("track_id", "reference_tracks", "id", "skip")],
     [('track_id',)]),
    ("infobase_entries",
     [("id", "id", False), ("user_id", "ref", False), ("title", "text", True),
      ("content", "text", True), ("category", "text", False), ("tags_json", "json", False),
      ("is_public", "boolean", True), ("created_at", "timestamp", True), ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("ideas",
     [("id", "id", False), ("user_id", "ref", True), ("content", "text", True),
      ("category", "text", False), ("tags_json", "json", False), ("is_favorite", "boolean", True),
      ("created_at", "timestamp", True), ("updated_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
    ("feedback",
     [("id", "id", False), ("user_id", "ref", False), ("type", "text", True),
      ("message", "text", True), ("page_url", "text", False), ("user_agent", "text", False),
      ("status", "text", True), ("created_at", "timestamp", True)],
     [("user_id", "users", "id", "set_null")],
     []),
    ("activity_events",
     [("id", "id", False), ("user_id", "ref", True), ("event_type", "text", True),
      ("metadata_json", "json", False), ("created_at", "timestamp", True)],
     [("user_id", "users", "id", "skip")],
     []),
]

NOT_IMPORTED = {"sessions", "verification_tokens"}     # R2: read and counted, never imported

# Columns the target declares NOT NULL although the legacy column is nullable.
TARGET_NOT_NULL = {("users", "email"), ("users", "created_at"), ("users", "updated_at"),
                   ("training_programs", "difficulty"), ("ideas", "tags_json"),
                   ("reference_tracks", "tags_json"), ("exercises", "muscle_groups")}

# The JSON type the target wants in each JSON column (jsonb_typeof CHECKs, docs/schema.md).
JSON_SHAPE = {
    ("user_settings", "preferences_json"): "object",
    ("onboarding_steps", "options_json"): "any",
    ("onboarding_steps", "action_config_json"): "object",
    ("user_onboarding_state", "responses_json"): "object",
    ("calendar_events", "metadata"): "object",
    ("daily_plans", "items_json"): "array",
    ("exercises", "muscle_groups"): "array",
    ("workouts", "structure_json"): "object",
    ("workout_sessions", "sets_json"): "array",
    ("program_weeks", "schedule_json"): "object",
    ("learn_lessons", "quiz_json"): "object",
    ("achievement_definitions", "trigger_config_json"): "object",
    ("reference_tracks", "tags_json"): "array",
    ("track_analysis_cache", "sections_json"): "array",
    ("track_analysis_cache", "waveform_json"): "array",
    ("infobase_entries", "tags_json"): "array",
    ("ideas", "tags_json"): "array",
    ("activity_events", "metadata_json"): "object",
}

# Unique keys of the target that are not R12 keys of the inventory (users.email is R10's merge key).
EXTRA_UNIQUE = {
    "users": [("email",)],
    "onboarding_flows": [("version",)],
    "onboarding_steps": [("flow_id", "step_order")],
    "program_weeks": [("program_id", "week_number")],
    "reference_tracks": [("r2_key",)],
}

# References whose target FK is composite with user_id: (column, parent table).
CROSS_USER_REFS = {
    "habit_logs": [("habit_id", "habits")],
    "reading_sessions": [("book_id", "books")],
    "focus_pause_state": [("session_id", "focus_sessions")],
    "workout_sessions": [("workout_id", "workouts")],
    "personal_records": [("workout_session_id", "workout_sessions")],
    "calendar_events": [("workout_id", "workouts"), ("parent_event_id", "calendar_events")],
}

# What a legacy catalogue key of a parent looks like (for keys that do not exist).
LEGACY_PREFIX = {"onboarding_flows": "flow_", "onboarding_steps": "step_", "universal_quests": "uq_",
                 "learn_topics": "topic_", "learn_lessons": "lesson_", "market_items": "item_",
                 "exercises": "ex_", "achievement_definitions": "", "quests": "quest_", "users": "user_"}

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
BEFORE = "1999-12-31T23:59:59.000Z"      # earlier than every legacy start / pause / purchase time
INF = float("inf")
DEEP = 100_000                           # nesting depth of the deep JSON values
BAD_UTF8 = [(b"\xff\xfe", "bytes_ff_fe"), (b"\xe2\x82", "truncated_multibyte"),
            (b"\xc0\xaf", "overlong_slash"), (b"\xed\xa0\x80", "encoded_lone_surrogate"),
            (b"\xf4\x90\x80\x80", "above_u10ffff"), (b"\x80", "lone_continuation")]


class Table:
    def __init__(self, name, columns, refs, unique):
        self.name = name
        self.columns = [c for c, _, _ in columns]
        self.kind = {c: k for c, k, _ in columns}
        self.required = {c for c, _, r in columns if r or (name, c) in TARGET_NOT_NULL}
        self.pk = next(c for c, k, _ in columns if k == "id")
        self.refs = {c: (p, pc, a) for c, p, pc, a in refs}
        self.unique = [tuple(u) for u in unique] + EXTRA_UNIQUE.get(name, [])
        self.user_col = "user_id" if "user_id" in self.kind else ("userId" if "userId" in self.kind else None)


TABLES = [Table(*t) for t in INVENTORY]
BY_NAME = {t.name: t for t in TABLES}
assert len(TABLES) == 43
assert {(t.name, c) for t in TABLES for c in t.columns if t.kind[c] == "json"} == set(JSON_SHAPE)


# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------

class Raw(bytes):
    """A TEXT value given as its bytes (invalid UTF-8, NUL): stored with CAST(? AS TEXT)."""


# Text as read from SQLite: UTF-8, invalid bytes kept as surrogate escapes (a C-level callable).
decode_text = functools.partial(bytes.decode, encoding="utf-8", errors="surrogateescape")


def bindable(v):
    if isinstance(v, str):
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            return Raw(v.encode("utf-8", "surrogateescape"))
    return v


def as_text(v):
    if v is None:
        return ""
    if isinstance(v, Raw):
        return v.decode("utf-8", "surrogateescape")
    if isinstance(v, float):
        return js_number(v)
    return str(v)


def raw_text(*parts):
    return Raw(b"".join(p if isinstance(p, bytes) else as_text(p).encode("utf-8", "surrogateescape")
                        for p in parts))


def preview(v, limit=80):
    """A short JSON-safe rendering of a value for the manifest."""
    if v is None or isinstance(v, int):
        return v
    if isinstance(v, float):
        return js_number(v) if v in (INF, -INF) else v
    if isinstance(v, Raw):
        b = bytes(v)
        head = b[:limit].decode("latin-1")
        return {"raw_bytes": head + ("..." if len(b) > limit else ""), "bytes": len(b)}
    s = str(v)
    if len(s) > limit:
        return s[:limit] + "... (%d chars)" % len(s)
    return s


def js_number(v):
    """Number.prototype.toString of a double (what JSON.stringify prints), 1e999 for infinity."""
    if v != v:
        return "null"
    if v in (INF, -INF):
        return "1e999" if v > 0 else "-1e999"
    if v == 0:
        return "0"
    sign = "-" if v < 0 else ""
    r = repr(abs(v))                       # shortest round-trip digits, as JS uses
    mant, _, exp = r.partition("e")
    exp = int(exp) if exp else 0
    ip, _, fp = mant.partition(".")
    allds = ip + fp
    lead = len(allds) - len(allds.lstrip("0"))
    digits = allds.strip("0")
    n = len(ip) + exp - lead               # value = 0.digits * 10^n
    k = len(digits)
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + s


# ---------------------------------------------------------------------------------------
# NDJSON export (QUIRKS.md Q15)
# ---------------------------------------------------------------------------------------

def exported_tables(con):
    return [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name")]


def js_value(v):
    if v is None:
        return "null"
    if isinstance(v, str):
        return encode_basestring(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return js_number(v)
    return "[" + ",".join(str(b) for b in v) + "]"     # a BLOB: D1 returns an array of bytes


def write_ndjson(db_path, out_dir):
    """One <table>.ndjson per exported table: SELECT * in rowid order, JSON.stringify(row) + '\\n'.
    Text is written byte for byte (invalid UTF-8 stays as it is; NUL is \\u0000)."""
    os.makedirs(out_dir, exist_ok=True)
    for name in sorted(os.listdir(out_dir)):
        if name.endswith(".ndjson"):
            os.remove(os.path.join(out_dir, name))
    con = sqlite3.connect("file:%s?mode=ro" % os.path.abspath(db_path), uri=True)
    con.text_factory = decode_text
    counts = {}
    for t in exported_tables(con):
        cur = con.execute('SELECT * FROM "%s" ORDER BY rowid' % t.replace('"', '""'))
        keys = [encode_basestring(d[0]) + ":" for d in cur.description]
        n = 0
        with open(os.path.join(out_dir, t + ".ndjson"), "wb") as f:
            buf = []
            for row in cur:
                buf.append("{" + ",".join(
                    k + (encode_basestring(v) if type(v) is str else "null" if v is None
                         else str(v) if type(v) is int else js_value(v))
                    for k, v in zip(keys, row)) + "}\n")
                n += 1
                if len(buf) >= 2000:
                    f.write("".join(buf).encode("utf-8", "surrogateescape"))
                    buf = []
            f.write("".join(buf).encode("utf-8", "surrogateescape"))
        counts[t] = n
    con.close()
    return counts


# ---------------------------------------------------------------------------------------
# Relaxing the schema while mutating (see the module docstring)
# ---------------------------------------------------------------------------------------

def qi(name):
    return '"' + name.replace('"', '""') + '"'


def relax_schema(con):
    """Make the inventory tables untyped and unconstrained; return what restore_schema needs."""
    saved = []
    relaxed = []
    for t in TABLES:
        rows = con.execute("SELECT rowid, type, name, tbl_name, rootpage, sql FROM sqlite_master "
                           "WHERE tbl_name = ? ORDER BY rowid", (t.name,)).fetchall()
        for rowid, typ, name, tbl, root, sql in rows:
            if typ == "table":
                cols = [r[1] for r in con.execute("PRAGMA table_info(%s)" % qi(t.name))]
                saved.append((rowid, typ, name, tbl, root, sql))
                relaxed.append((rowid, "table", name, tbl, root,
                                "CREATE TABLE %s(%s)" % (qi(name), ", ".join(qi(c) for c in cols))))
            elif typ == "index" and sql is None:          # an autoindex of PRIMARY KEY / UNIQUE
                parts = []
                for r in con.execute("PRAGMA index_xinfo(%s)" % qi(name)):
                    if r[5] != 1 or r[2] is None:
                        continue
                    part = qi(r[2])
                    if r[4] and r[4].upper() != "BINARY":
                        part += " COLLATE " + r[4]
                    if r[3]:
                        part += " DESC"
                    parts.append(part)
                tmp = "d1mutate_tmp_%d" % rowid
                saved.append((rowid, typ, name, tbl, root, sql))
                relaxed.append((rowid, "index", tmp, tbl, root,
                                "CREATE INDEX %s ON %s(%s)" % (qi(tmp), qi(tbl), ", ".join(parts))))
    _write_master(con, relaxed)
    return saved


def restore_schema(con, saved):
    _write_master(con, saved)


def _write_master(con, rows):
    version = con.execute("PRAGMA schema_version").fetchone()[0]
    con.execute("BEGIN IMMEDIATE")
    con.execute("PRAGMA writable_schema = ON")
    for rowid, typ, name, tbl, root, sql in rows:
        con.execute("UPDATE sqlite_master SET type = ?, name = ?, tbl_name = ?, rootpage = ?, sql = ? "
                    "WHERE rowid = ?", (typ, name, tbl, root, sql, rowid))
    con.execute("PRAGMA schema_version = %d" % (version + 1))
    con.execute("PRAGMA writable_schema = OFF")
    con.execute("COMMIT")


def master_rows(path):
    con = sqlite3.connect("file:%s?mode=ro" % os.path.abspath(path), uri=True)
    rows = con.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY rowid").fetchall()
    con.close()
    return rows


# ---------------------------------------------------------------------------------------
# The mutation run
# ---------------------------------------------------------------------------------------

class Mutator:
    def __init__(self, con, rng, keep_constraints, verbose):
        self.con = con
        self.rng = rng
        self.keep = keep_constraints
        self.verbose = verbose
        self.manifest = []
        self.parents = {}        # table -> list of dict(id, user_id, flow_id, key)

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def load_parents(self):
        wanted = {"users", "onboarding_steps"}
        for t in TABLES:
            for p, _, _ in t.refs.values():
                wanted.add(p)
        for p in sorted(wanted):
            spec = BY_NAME[p]
            cols = [spec.pk] + [c for c in ("user_id", "flow_id", "key", "email") if c in spec.kind]
            rows = self.con.execute("SELECT %s FROM %s ORDER BY rowid" % (", ".join(qi(c) for c in cols), qi(p)))
            self.parents[p] = [dict(zip(["id"] + cols[1:], r)) for r in rows]

    def user_ids(self):
        return [u["id"] for u in self.parents["users"]]


class LazyRows(dict):
    """rowid -> row dict, read from the database on first use (big tables are not loaded)."""

    def __init__(self, con, spec):
        super().__init__()
        self.con = con
        self.columns = spec.columns
        self.sql = "SELECT %s FROM %s WHERE rowid = ?" % (", ".join(qi(c) for c in spec.columns), qi(spec.name))

    def __missing__(self, rid):
        row = dict(zip(self.columns, self.con.execute(self.sql, (rid,)).fetchone()))
        self[rid] = row
        return row


class TableRun:
    """The rows of one table while it is being mutated."""

    def __init__(self, m, spec):
        self.m = m
        self.t = spec
        self.rng = m.rng
        names = [r[1] for r in m.con.execute("PRAGMA table_info(%s)" % qi(spec.name))]
        assert names == spec.columns, (spec.name, names)
        self.rows = LazyRows(m.con, spec)
        self.rowids = [r[0] for r in m.con.execute("SELECT rowid FROM %s ORDER BY rowid" % qi(spec.name))]
        self.min_rowid = self.rowids[0] if self.rowids else 1
        self.max_rowid = self.rowids[-1] if self.rowids else 0
        self.touched = {}            # rowid -> set of columns
        self.mutated = set()         # source rowids that got a mutation
        self.inserted = 0
        self.side = 0                # other rows changed as the partner of a mutation
        self.applied_kinds = set()   # row mutations (catalogue names) applied to this table
        self._groups = {}

    # -- lookups ------------------------------------------------------------------------
    def row(self, rid):
        return self.rows[rid]

    def group(self, col):
        """value of col -> rowids, as the table was loaded."""
        g = self._groups.get(col)
        if g is None:
            g = {}
            if self.rowids:
                for rid, v in self.m.con.execute(
                        "SELECT rowid, %s FROM %s WHERE rowid BETWEEN ? AND ? ORDER BY rowid"
                        % (qi(col), qi(self.t.name)), (self.rowids[0], self.rowids[-1])):
                    if isinstance(v, (str, int)):
                        g.setdefault(v, []).append(rid)
            self._groups[col] = g
        return g

    def other(self, rid, pred=lambda r: True):
        """Another random row of this table satisfying pred."""
        if len(self.rowids) < 2:
            return None
        for _ in range(48):
            o = self.rowids[self.rng.randrange(len(self.rowids))]
            if o != rid and pred(self.rows[o]):
                return o
        cands = [o for o in self.rowids if o != rid and pred(self.rows[o])]
        return self.rng.choice(cands) if cands else None

    def sibling(self, rid, col):
        """Another row with the same value in col."""
        v = self.rows[rid][col]
        if not isinstance(v, (str, int)):
            return None
        cands = [o for o in self.group(col).get(v, []) if o != rid]
        return self.rng.choice(cands) if cands else None

    def parent_of_other_user(self, parent, user_id):
        cands = self.m.parents.get(parent, [])
        if not cands or not isinstance(user_id, str):
            return None
        for _ in range(64):
            p = cands[self.rng.randrange(len(cands))]
            if isinstance(p.get("user_id"), str) and p["user_id"].lower() != user_id.lower():
                return p["id"]
        return None

    # -- writes -------------------------------------------------------------------------
    def apply(self, kind, rid, updates, source=True):
        if not updates:
            return False
        cols = list(updates)
        vals = [bindable(updates[c]) for c in cols]
        sets = ", ".join("%s = %s" % (qi(c), "CAST(? AS TEXT)" if isinstance(v, Raw) else "?")
                         for c, v in zip(cols, vals))
        params = [bytes(v) if isinstance(v, Raw) else v for v in vals] + [rid]
        con = self.m.con
        if self.m.keep:
            con.execute("SAVEPOINT m")
            try:
                con.execute("UPDATE %s SET %s WHERE rowid = ?" % (qi(self.t.name), sets), params)
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK TO m")
                con.execute("RELEASE m")
                return False
            con.execute("RELEASE m")
        else:
            con.execute("UPDATE %s SET %s WHERE rowid = ?" % (qi(self.t.name), sets), params)
        old_id = self.rows[rid][self.t.pk]
        got = con.execute("SELECT %s, %s FROM %s WHERE rowid = ?" % (
            ", ".join(qi(c) for c in cols), ", ".join("typeof(%s)" % qi(c) for c in cols), qi(self.t.name)),
            (rid,)).fetchone()
        stored_vals, stored_types = got[:len(cols)], got[len(cols):]
        for c, v in zip(cols, stored_vals):
            self.rows[rid][c] = v
        self.touched.setdefault(rid, set()).update(cols)
        if source:
            self.mutated.add(rid)
        else:
            self.side += 1
        self._record({"table": self.t.name, "rowid": rid, "id": preview(old_id), "kind": kind,
                      "columns": cols, "values": [preview(v) for v in vals], "stored": list(stored_types)})
        return True

    def insert(self, kind, row, copy_of, placement=None):
        """Insert a new row (a copy of copy_of, changed) before the first or after the last row."""
        if placement is None:
            placement = "before" if self.rng.random() < 0.25 else "after"
        rid = self.min_rowid - 1 if placement == "before" else self.max_rowid + 1
        cols = self.t.columns
        vals = [bindable(row[c]) for c in cols]
        sql = "INSERT INTO %s (rowid, %s) VALUES (?, %s)" % (
            qi(self.t.name), ", ".join(qi(c) for c in cols),
            ", ".join("CAST(? AS TEXT)" if isinstance(v, Raw) else "?" for v in vals))
        params = [rid] + [bytes(v) if isinstance(v, Raw) else v for v in vals]
        con = self.m.con
        if self.m.keep:
            con.execute("SAVEPOINT m")
            try:
                con.execute(sql, params)
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK TO m")
                con.execute("RELEASE m")
                return False
            con.execute("RELEASE m")
        else:
            con.execute(sql, params)
        if placement == "before":
            self.min_rowid = rid
        else:
            self.max_rowid = rid
        self.inserted += 1
        self.mutated.add(copy_of)
        self._record({"table": self.t.name, "rowid": rid, "id": preview(row[self.t.pk]), "kind": kind,
                      "columns": ["*"], "copy_of_rowid": copy_of, "placement": placement})
        return True

    def _record(self, entry):
        self.m.manifest.append(entry)
        if self.m.verbose:
            print("  %s rowid %s: %s %s" % (entry["table"], entry["rowid"], entry["kind"],
                                            ",".join(entry["columns"])), file=sys.stderr)


# ---------------------------------------------------------------------------------------
# Column mutations, by the inventory kind of the column
# ---------------------------------------------------------------------------------------

def uuid_variants(u):
    return ["{" + u + "}", "urn:uuid:" + u, u.replace("-", ""), u + "\n", " " + u, u[:-1], u + "0"]


def bad_utf8(rng, cur):
    s = as_text(cur) or "x"
    bad, name = rng.choice(BAD_UTF8)
    i = rng.randint(0, len(s))
    return "invalid_utf8_" + name, raw_text(s[:i], bad, s[i:])


def common_variants(run, rid, col):
    rng = run.rng
    cur = run.row(rid)[col]
    out = [
        ("empty_string", lambda: ""),
        ("whitespace_only", lambda: rng.choice(["  ", "\t", " \n "])),
        ("invalid_utf8", lambda: bad_utf8(rng, cur)),
        ("nul_in_text", lambda: raw_text(as_text(cur)[:4], b"\x00", as_text(cur)[4:])),
        ("copied_from_other_row", lambda: _copy_col(run, rid, col)),
    ]
    if col in run.t.required or col == run.t.pk:
        out.append(("null_in_required", lambda: None))
    return out


def _copy_col(run, rid, col):
    o = run.other(rid)
    return None if o is None else run.row(o)[col]


def kind_variants(run, rid, col):
    rng = run.rng
    t = run.t
    kind = t.kind[col]
    cur = run.row(rid)[col]
    cs = as_text(cur)
    c = rng.choice
    if kind == "id":
        return [
            ("id_uppercase", lambda: cs.upper()),
            ("id_not_uuid", lambda: c(["not-a-uuid", "row-1", "12345", "ID", "uuid"])),
            ("id_uuid_variant", lambda: c(uuid_variants(cs)) if UUID_RE.match(cs) else cs + " "),
            ("id_integer", lambda: c([12345, 0, -1, 9223372036854775807])),
            ("id_real", lambda: c([1.5, 1e308])),
        ]
    if kind == "ref":
        parent = t.refs.get(col, ("?", "id", "skip"))[0]
        prefix = LEGACY_PREFIX.get(parent, "legacy_")
        return [
            ("ref_missing_uuid", lambda: run.m.uuid()),
            ("ref_missing_legacy_key", lambda: "%sdoes_not_exist_%d" % (prefix, rng.randint(1, 999))),
            ("ref_case_changed", lambda: cs.upper() if cs.upper() != cs else cs.lower()),
            ("ref_uuid_variant", lambda: c(uuid_variants(cs)) if UUID_RE.match(cs) else " " + cs),
            ("ref_integer", lambda: c([42, 0, -1])),
        ]
    if kind == "text":
        return [
            ("number_in_text", lambda: c([42, -1, 0, 3.14, 1e308, 9223372036854775807])),
            ("control_chars", lambda: cs[:8] + c(["\x01\x1b[31m\x7f", "\r\n", "\u2028\u2029", "\x0b\x0c"]) + cs[8:]),
            ("unicode_edge", lambda: c(["\ufeff", "\uffff", "\U0010ffff", "e\u0301\u0301\u0301", "\u202e", "\u200d"]) + cs),
        ]
    if kind == "integer":
        return [
            ("int_as_word", lambda: c(["abc", "12abc", "0x1F", "NaN", "Infinity", "1,000"])),
            ("int_as_numeric_text", lambda: c(["42", " 42", "+5", "1e3", "007", "-0"])),
            ("int_limit", lambda: c([0, -1, 2147483647, 2147483648, -2147483648, -2147483649,
                                     9223372036854775807, -9223372036854775808])),
            ("int_30_digit_text", lambda: c(["123456789012345678901234567890", "-999999999999999999999999999999"])),
            ("real_in_int", lambda: c([1.5, -0.5, 2.0, 0.1])),
            ("real_huge_in_int", lambda: c([1e308, -1e308, 9.3e18])),
            ("infinity_in_int", lambda: c([INF, -INF])),
        ]
    if kind == "real":
        return [
            ("real_as_word", lambda: c(["abc", "1.2.3", "NaN", "Infinity"])),
            ("real_as_numeric_text", lambda: c(["120.5", "1e3", " 7", "-0.0"])),
            ("real_limit", lambda: c([1e308, -1e308, 5e-324, -0.0, 2.2250738585072014e-308, 1e21, 1e-7,
                                      0.1 + 0.2, 123456789.123456789])),
            ("infinity_in_real", lambda: c([INF, -INF])),
            ("int_in_real", lambda: c([9223372036854775807, -9223372036854775808, 3, 0])),
        ]
    if kind == "boolean":
        return [
            ("bool_int_out_of_range", lambda: c([-1, 2, 9223372036854775807])),
            ("bool_text_invalid", lambda: c(["yes", "no", "-1", "on", "t", " true", "2", "truee"])),
            ("bool_text_valid_variant", lambda: c(["TRUE", "False", "tRuE", "0", "1"])),
            ("bool_real", lambda: c([0.5, 1.0, 0.0, -1.0])),
        ]
    if kind in ("timestamp", "date"):
        out = [
            ("datetime_edge", lambda: c(["1970-01-01 00:00:00", "9999-12-31T23:59:59.999Z", "0001-01-01T00:00:00Z",
                                         "1969-12-31T23:59:59.999Z"])),
            ("datetime_invalid_calendar", lambda: c(["0000-01-01", "2025-02-30", "2025-13-01T00:00:00Z",
                                                     "2025-03-04T25:00:00Z", "2025-03-04T23:60:00Z",
                                                     "2025-02-29 12:00:00"])),
            ("datetime_unparseable", lambda: c(["Invalid Date", "yesterday", "NaN", "2025/03/04", "03/04/2025",
                                                "2025-03-04T17:22:05.123+25:00", "T", "-"])),
            ("epoch_ms_past_9999", lambda: c([253402300800000, 99999999999999999, "253402300800000"])),
            ("epoch_negative", lambda: c([-1, -62135596800001, "-86400000", "-1"])),
            ("epoch_ms_as_text", lambda: c(["1741108925123", "0", "1741108925"])),
            ("epoch_ms_as_integer", lambda: c([1741108925123, 0])),
            ("epoch_ms_real", lambda: c([1741108925123.5, 1e308, INF])),
            ("datetime_offset", lambda: c(["2025-03-04T17:22:05+14:00", "2025-03-04T17:22:05-12:00",
                                           "2025-03-04T17:22:05.123+05:45", "2025-03-04T17:22:05+15:00",
                                           "2025-03-04T17:22:05+0100", "+14:00", "-12:00"])),
            ("datetime_odd_form", lambda: c(["2025-03-04t17:22:05z", "2025-03-04T17:22", "2025-03-04T17:22:05.123456789Z",
                                             "2025-03-04 17:22:05.123Z", " 2025-03-04T17:22:05Z", "2025-03-04T17:22:05Z "])),
        ]
        if kind == "date":
            out.append(("date_with_time", lambda: c(["2025-03-04T10:00:00Z", "2025-03-04 23:59:59", "2025-03-4",
                                                     "2025-3-4", "20250304"])))
        return out
    if kind == "epoch_seconds":
        return [
            ("epoch_seconds_limit", lambda: c([0, -1, 253402300800, 253402300800000, 9223372036854775807,
                                               -9223372036854775808])),
            ("epoch_seconds_as_text", lambda: c(["1741112524", "soon", "-1", "1741112524.5"])),
            ("epoch_seconds_real", lambda: c([1741112524.5, 1e308, -1e308, INF])),
            ("epoch_seconds_as_iso", lambda: c(["2025-03-04T00:00:00Z", "Invalid Date"])),
        ]
    if kind == "json":
        shape = JSON_SHAPE[(t.name, col)]
        if shape == "object":
            wrong = ["[]", "[1,2]", "42", "null", '"text"', "true"]
            nul = '{"a":"x\\u0000y"}'
            rng_bad = ['{"a":1e999999}', '{"a":1e-20000}', '{"a":-1e999999,"b":2}', '{"n":' + "9" * 400 + "}"]
            sur = '{"a":"\\ud800"}'
            dupk = '{"a":1,"a":2}'
        else:
            wrong = ["{}", '{"a":1}', "42", "null", '"text"', "false"]
            nul = '["\\u0000"]'
            rng_bad = ["[1e999999]", "[1e-20000]", "[-1e999999,2]", "[" + "9" * 400 + "]"]
            sur = '["\\udfff"]'
            dupk = '[{"a":1,"a":2}]'
        return [
            ("json_broken", lambda: c(["{", "[1,2,", "{'a':1}", "NaN", "[1,]", '{"a":1}{"b":2}', "[1] [2]",
                                       "Infinity", '"unterminated', "{\"a\":01}", "[.5]", "\ufeff[]", "[1e5",
                                       "{\"a\" 1}", "undefined", "[object Object]", "[-]"])),
            ("json_wrong_shape", lambda: c(wrong)),
            ("json_nul_escape", lambda: nul),
            ("json_number_out_of_pg_range", lambda: c(rng_bad)),
            ("json_lone_surrogate_escape", lambda: sur),
            ("json_duplicate_keys", lambda: dupk),
            ("json_text_null", lambda: "null"),
            ("json_padded", lambda: " \n" + (cs or ("{}" if shape == "object" else "[]")) + "\t "),
        ]
    raise AssertionError(kind)


def mutate_column(run, rid, col=None):
    rng = run.rng
    t = run.t
    if col is None:
        done = run.touched.get(rid, set())
        free = [c for c in t.columns if c not in done] or t.columns
        col = rng.choice(free)
    variants = kind_variants(run, rid, col) + common_variants(run, rid, col)
    name, gen = rng.choice(variants)
    value = gen()
    if isinstance(value, tuple):                 # (refined name, value)
        name, value = value
    return run.apply("%s@%s" % (name, t.kind[col]), rid, {col: value})


# ---------------------------------------------------------------------------------------
# Row mutations: target CHECKs, unique keys, duplicates, cross-user references
# ---------------------------------------------------------------------------------------

def const(**updates):
    """Set columns to constants; a list means one of its values."""
    def f(run, rid):
        return {c: (run.rng.choice(v) if isinstance(v, list) else v) for c, v in updates.items()}
    return f


def with_row(fn):
    def f(run, rid):
        return fn(run, rid, run.row(rid))
    return f


def some_user(run):
    users = run.m.user_ids()
    return run.rng.choice(users) if users else run.m.uuid()


def log_day(v):
    """The UTC day of a legacy datetime (ISO, SQLite form or epoch-ms digits)."""
    import datetime as dt
    s = as_text(v).strip()
    if re.fullmatch(r"-?\d{10,}", s):
        try:
            return dt.datetime.fromtimestamp(int(s) / 1000, dt.timezone.utc).strftime("%Y-%m-%d")
        except (ValueError, OverflowError, OSError):  # an epoch past what datetime holds
            return None
    if re.match(r"\d{4}-\d{2}-\d{2}", s):
        return s[:10]
    return None


def m_two_running(run, rid):
    r = run.row(rid)
    o = run.sibling(rid, "user_id")
    if o is None:
        return None
    reset = {"status": "active", "paused_at": None, "completed_at": None, "abandoned_at": None}
    run.apply("two_running_sessions_for_user(partner)", o, dict(reset), source=False)
    return dict(reset)


def m_second_active_flow(run, rid):
    o = run.other(rid)
    if o is not None:
        run.apply("second_active_flow(partner)", o, {"is_active": 1}, source=False)
    return {"is_active": 1}


def m_step_other_flow(run, rid):
    flow = as_text(run.row(rid)["flow_id"])
    cands = [s["id"] for s in run.m.parents["onboarding_steps"] if as_text(s.get("flow_id")) != flow]
    return {"current_step_id": run.rng.choice(cands)} if cands else None


def m_same_habit_same_day(run, rid):
    o = run.sibling(rid, "habit_id")
    if o is None:
        return None
    day = log_day(run.row(o)["completed_at"])
    if day is None:
        return None
    return {"completed_at": day + run.rng.choice(["T23:59:59.999Z", "T00:00:00.000Z", " 12:00:00"])}


def m_same_habit_same_day_insert(run, rid):
    r = dict(run.row(rid))
    day = log_day(r["completed_at"])
    if day is None:
        return None
    r[run.t.pk] = run.m.uuid()
    r["completed_at"] = day + "T23:59:59.999Z"
    return run.insert("same_habit_same_day_inserted", r, rid)


def m_plan_date_clash(reformat):
    def f(run, rid):
        o = run.sibling(rid, "user_id")
        if o is None:
            return None
        d = as_text(run.row(o)["date"])[:10]
        if reformat:
            d = d + run.rng.choice(["T00:00:00Z", " 00:00:00", "T12:00:00.000Z"])
        return {"date": d}
    return f


def m_current_over_total(run, rid):
    tp = run.row(rid)["total_pages"]
    tp = tp if isinstance(tp, int) and tp > 0 else 100
    return {"total_pages": tp, "current_page": tp + run.rng.choice([1, 50])}


def m_longest_below_current(run, rid):
    cur = run.row(rid)["current_streak"]
    cur = cur if isinstance(cur, int) and cur >= 0 else 0
    return {"current_streak": cur + 5, "longest_streak": cur}


def m_email_copy(run, rid):
    o = run.other(rid, lambda r: isinstance(r["email"], str) and "@" in r["email"])
    if o is None:
        return None
    e = run.row(o)["email"]
    return {"email": run.rng.choice([e, e.upper(), " " + e.swapcase() + " "])}


def m_email_case_twin(run, rid):
    r = dict(run.row(rid))
    if not isinstance(r["email"], str) or "@" not in r["email"]:
        return None
    r["id"] = run.m.uuid()
    r["email"] = r["email"].swapcase()
    r["created_at"] = run.rng.choice([None, "2024-09-30 23:59:59", "2025-12-31 00:00:00", r["created_at"]])
    return run.insert("email_case_twin_inserted", r, rid)


def m_builtin_with_user(run, rid):
    return {"is_custom": 0, "is_builtin": 1, "user_id": some_user(run)}


def m_universal_with_user(run, rid):
    return {"is_universal": 1, "user_id": some_user(run)}


CHECKS = {
    "users": [
        ("email_without_at", const(email=["no-at-sign.example.com", "user(at)example.com", "user at example.com"])),
        ("email_at_first", const(email=["@example.com", "@"])),
        ("email_over_320_chars", lambda run, rid: {"email": "a" * run.rng.randint(309, 400) + "@example.com"}),
        ("email_exactly_320_chars", const(email="b" * 308 + "@example.com")),
        ("email_null", const(email=None)),
        ("email_blank", const(email=["", "   ", "\t"])),
        ("email_upper_padded", with_row(lambda run, rid, r: {"email": "  " + as_text(r["email"]).upper() + " "})),
        ("email_of_other_user", m_email_copy),
        ("email_case_twin_inserted", m_email_case_twin),
        ("name_over_200_chars", const(name=["N" * 201, "名" * 201, "Ä" * 250, "👩‍💻" * 70])),
        ("name_200_multibyte_chars", const(name="🚀" * 200)),
        ("image_over_2048_chars", lambda run, rid: {"image": "https://img.example.com/" + "a" * run.rng.randint(2025, 3000)}),
        ("role_invalid", const(role=["superadmin", "Admin", "ADMIN", "owner", ""])),
        ("tos_accepted_at_without_version", const(tos_version=None, tos_accepted_at="2025-01-01T00:00:00.000Z")),
        ("tos_version_without_accepted_at", const(tos_accepted_at=None, tos_version="v2")),
        ("tos_flag_contradicts", const(tos_accepted=0)),
    ],
    "accounts": [
        ("provider_empty", const(provider="")),
        ("provider_account_id_empty", const(providerAccountId="")),
        ("account_type_invalid", const(type=["email", "credentials", "OAuth", "webauthn"])),
        ("provider_padded", with_row(lambda run, rid, r: {"provider": " " + as_text(r["provider"])})),
    ],
    "user_settings": [
        ("preferences_not_object", const(preferences_json=["[]", "[1,2]", '"dark"', "42", "true", "null"])),
        ("preferences_key_clash", const(preferences_json='{"theme":"neon","timezone":"Mars/Olympus_Mons",'
                                                          '"default_focus_duration":"long","notifications_enabled":"maybe"}')),
        ("timezone_invalid", const(timezone=["Mars/Olympus_Mons", "UTC+25", "Europe/Nowhere"])),
        ("focus_duration_not_positive", const(default_focus_duration=[-1500, 0])),
    ],
    "onboarding_flows": [
        ("total_steps_negative", const(total_steps=[-1, -100])),
        ("second_active_flow", m_second_active_flow),
    ],
    "onboarding_steps": [
        ("step_order_below_1", const(step_order=[0, -1])),
        ("step_type_invalid", const(step_type=["quiz", "Explain", ""])),
        ("action_config_not_object", const(action_config_json=["[]", '"go"', "1"])),
    ],
    "user_onboarding_state": [
        ("onboarding_status_invalid", const(status=["done", "started", "COMPLETED"])),
        ("responses_not_object", const(responses_json=["[]", '["focus"]', '"x"'])),
        ("current_step_of_other_flow", m_step_other_flow),
    ],
    "focus_sessions": [
        ("mode_invalid", const(mode=["sprint", "Focus", "pomodoro"])),
        ("duration_not_positive", const(duration_seconds=[0, -60])),
        ("session_status_invalid", const(status=["finished", "done", "Active"])),
        ("total_paused_negative", const(total_paused_seconds=[-1, -420])),
        ("xp_awarded_negative", const(xp_awarded=-5)),
        ("coins_awarded_negative", const(coins_awarded=-5)),
        ("completed_without_completed_at", const(status="completed", completed_at=[None, ""], abandoned_at=None, paused_at=None)),
        ("completed_at_but_not_completed", with_row(lambda run, rid, r: {
            "status": "expired", "completed_at": r["started_at"], "paused_at": None, "abandoned_at": None})),
        ("paused_without_paused_at", const(status="paused", paused_at=None, completed_at=None, abandoned_at=None)),
        ("paused_at_but_not_paused", with_row(lambda run, rid, r: {
            "status": "expired", "paused_at": r["started_at"], "completed_at": None, "abandoned_at": None})),
        ("abandoned_without_abandoned_at", const(status="abandoned", abandoned_at=None, completed_at=None, paused_at=None)),
        ("abandoned_at_but_not_abandoned", with_row(lambda run, rid, r: {
            "status": "expired", "abandoned_at": r["started_at"], "completed_at": None, "paused_at": None})),
        ("completed_before_started", const(status="completed", completed_at=BEFORE, abandoned_at=None, paused_at=None)),
        ("abandoned_before_started", const(status="abandoned", abandoned_at=BEFORE, completed_at=None, paused_at=None)),
        ("paused_before_started", const(status="paused", paused_at=BEFORE, completed_at=None, abandoned_at=None)),
        ("expires_before_started", const(expires_at=BEFORE)),
        ("two_running_sessions_for_user", m_two_running),
    ],
    "focus_pause_state": [
        ("mode_invalid", const(mode=["sprint", "BREAK"])),
        ("time_remaining_negative", const(time_remaining_seconds=[-1, -300])),
        ("resumed_before_paused", const(resumed_at=BEFORE)),
    ],
    "quests": [
        ("difficulty_invalid", const(difficulty=["legendary", "Easy", ""])),
        ("xp_reward_negative", const(xp_reward=-10)),
        ("coin_reward_negative", const(coin_reward=-5)),
        ("quest_status_invalid", const(status=["failed", "expired"])),
        ("repeat_frequency_invalid", const(repeat_frequency=["monthly", "Daily", "hourly"])),
        ("streak_count_negative", const(streak_count=-1)),
        ("universal_with_user", m_universal_with_user),
        ("personal_without_user", const(is_universal=0, user_id=None)),
    ],
    "universal_quests": [
        ("quest_type_invalid", const(type=["monthly", "Daily", "once"])),
        ("xp_reward_negative", const(xp_reward=-10)),
        ("coin_reward_negative", const(coin_reward=-1)),
        ("target_below_1", const(target=[0, -3])),
    ],
    "user_quest_progress": [
        ("progress_status_invalid", const(status=["failed", "done"])),
        ("progress_negative", const(progress=-1)),
        ("progress_over_target", const(progress=[1000000, 2147483647])),
        ("completed_flag_without_status", const(completed=1, status="accepted")),
        ("status_completed_without_flag", const(completed=0, status="completed")),
    ],
    "habits": [
        ("frequency_invalid", const(frequency=["monthly", "Daily", "hourly"])),
        ("target_count_below_1", const(target_count=[0, -1])),
        ("reminder_time_invalid", const(reminder_time=["25:99", "noon", "7pm", "24:01", "12:60", "1200"])),
    ],
    "habit_logs": [
        ("count_below_1", const(count=[0, -3])),
        ("same_habit_same_day", m_same_habit_same_day),
        ("same_habit_same_day_inserted", m_same_habit_same_day_insert),
    ],
    "user_streaks": [
        ("streak_type_empty", const(streak_type="")),
        ("current_streak_negative", const(current_streak=-1)),
        ("longest_below_current", m_longest_below_current),
    ],
    "goals": [
        ("goal_status_invalid", const(status=["paused", "done"])),
        ("goal_progress_out_of_range", const(progress=[150, 101, -1])),
    ],
    "goal_milestones": [
        ("sort_order_negative", const(sort_order=-1)),
        ("completed_flag_without_time", const(is_completed=1, completed_at=None)),
        ("time_without_completed_flag", const(is_completed=0, completed_at="2025-05-01T10:00:00.000Z")),
    ],
    "calendar_events": [
        ("event_type_invalid", const(event_type=["party", "Focus", "meeting"])),
        ("reminder_negative", const(reminder_minutes=[-15, -1])),
        ("metadata_not_object", const(metadata=["[]", '"x"', "42"])),
        ("ends_before_starts", const(end_time=BEFORE)),
        ("parent_is_self", with_row(lambda run, rid, r: {"parent_event_id": r["id"]})),
    ],
    "daily_plans": [
        ("items_not_array", const(items_json=["{}", '{"items":[]}', '"x"', "1"])),
        ("items_null", const(items_json=None)),
        ("date_clash_same_user", m_plan_date_clash(False)),
        ("date_clash_same_user_other_format", m_plan_date_clash(True)),
    ],
    "exercises": [
        ("muscle_groups_not_array", const(muscle_groups=["{}", '"chest"', "chest"])),
        ("custom_without_user", const(is_custom=1, is_builtin=0, user_id=None)),
        ("builtin_with_user", m_builtin_with_user),
        ("custom_and_builtin", const(is_custom=1, is_builtin=1)),
    ],
    "workouts": [
        ("estimated_duration_not_positive", const(estimated_duration_minutes=[0, -10])),
        ("structure_not_object", const(structure_json=["[]", '[{"name":"x"}]', "7"])),
    ],
    "workout_sessions": [
        ("duration_negative", const(duration_seconds=-1)),
        ("sets_not_array", const(sets_json=["{}", '{"exercise_id":"ex_squat"}'])),
        ("rating_out_of_range", const(rating=[0, 6, -1])),
        ("perceived_effort_out_of_range", const(perceived_effort=[10.5, -0.5, 11.0])),
        ("completed_before_started", const(completed_at=BEFORE)),
    ],
    "personal_records": [
        ("record_type_invalid", const(record_type=["fastest", "1RM", "max weight"])),
        ("value_negative", const(value=[-1.0, -0.001])),
        ("reps_negative", const(reps=-1)),
    ],
    "training_programs": [
        ("duration_weeks_below_1", const(duration_weeks=[0, -4])),
        ("program_difficulty_invalid", const(difficulty=["insane", "Beginner"])),
        ("program_difficulty_null", const(difficulty=None)),
    ],
    "program_weeks": [
        ("week_number_below_1", const(week_number=[0, -1])),
        ("schedule_not_object", const(schedule_json=["[]", '["mon"]'])),
    ],
    "books": [
        ("total_pages_below_1", const(total_pages=[0, -10])),
        ("current_page_negative", const(current_page=-1)),
        ("book_status_invalid", const(status=["lost", "Reading", "read"])),
        ("rating_out_of_range", const(rating=[0, 6])),
        ("current_page_over_total", m_current_over_total),
        ("completed_without_completed_at", const(status="completed", completed_at=None)),
    ],
    "reading_sessions": [
        ("pages_read_negative", const(pages_read=[-5, -1])),
        ("duration_negative", const(duration_minutes=-1)),
    ],
    "learn_topics": [],
    "learn_lessons": [
        ("duration_negative", const(duration_minutes=-1)),
        ("lesson_difficulty_invalid", const(difficulty=["expert", "Beginner"])),
        ("quiz_not_object", const(quiz_json=["[]", '[{"q":"?"}]'])),
        ("xp_reward_negative", const(xp_reward=-15)),
        ("coin_reward_negative", const(coin_reward=-5)),
    ],
    "user_lesson_progress": [
        ("lesson_status_invalid", const(status=["failed", "done"])),
        ("quiz_score_out_of_range", const(quiz_score=[101, -1, 1000])),
        ("attempts_negative", const(attempts=-1)),
    ],
    "market_items": [
        ("cost_negative", const(cost_coins=[-1, -100])),
    ],
    "user_wallet": [
        ("coins_negative", const(coins=[-1, -5])),
        ("xp_negative", const(xp=-1)),
        ("level_below_1", const(level=[0, -1])),
        ("xp_to_next_level_negative", const(xp_to_next_level=-1)),
        ("skill_stars_negative", const(total_skill_stars=-1)),
        ("coins_at_bigint_limit", const(coins=9223372036854775807)),
    ],
    "user_purchases": [
        ("cost_negative", const(cost_coins=-1)),
        ("purchase_status_invalid", const(status=["stolen", "Owned"])),
        ("redeemed_before_purchased", const(status="redeemed", redeemed_at=BEFORE)),
        ("redeemed_without_redeemed_at", const(status="redeemed", redeemed_at=None)),
    ],
    "points_ledger": [
        ("event_type_empty", const(event_type="")),
        ("amount_at_bigint_limit", const(coins=[9223372036854775807, -9223372036854775808])),
    ],
    "achievement_definitions": [
        ("key_empty", const(key="")),
        ("trigger_config_not_object", const(trigger_config_json=["[]", "3"])),
        ("reward_coins_negative", const(reward_coins=-1)),
        ("reward_xp_negative", const(reward_xp=-1)),
    ],
    "user_achievements": [
        ("achievement_key_missing", const(achievement_key=["no_such_achievement", "ach_bookworm"])),
        ("achievement_key_case_changed", with_row(lambda run, rid, r: {"achievement_key": as_text(r["achievement_key"]).upper()})),
    ],
    "reference_tracks": [
        ("mime_type_not_audio", const(mime_type=["video/mp4", "Audio/mpeg", "application/octet-stream", ""])),
        ("bytes_negative", const(bytes=-1)),
        ("sha256_invalid", const(sha256=["zz" * 32, "abc", "e840bb3f" * 7 + "e840bb", "e840bb3f" * 9,
                                         "E840BB3FEA20292FFFCC5E2305B109069B04A3AB81BC11D365CBD463AB0D9121"])),
        ("track_duration_negative", const(duration_seconds=[-1.0, -0.5])),
        ("track_tags_not_array", const(tags_json=["{}", '"mix"'])),
        ("visibility_invalid", const(visibility=["public", "Private", ""])),
        ("r2_key_empty", const(r2_key="")),
    ],
    "track_analysis_cache": [
        ("bpm_not_positive", const(bpm=[0.0, -120.0])),
        ("energy_out_of_range", const(energy=[1.5, -0.1])),
        ("danceability_out_of_range", const(danceability=[1.0000001, -0.5])),
        ("sections_not_array", const(sections_json=["{}", '{"start":0}'])),
        ("waveform_not_array", const(waveform_json=['{"peaks":[]}', "0.5"])),
    ],
    "infobase_entries": [
        ("infobase_tags_not_array", const(tags_json=["{}", '"note"'])),
    ],
    "ideas": [
        ("content_first_line_empty", with_row(lambda run, rid, r: {"content": "\n" + as_text(r["content"])})),
        ("content_empty", const(content="")),
        ("content_first_line_over_200_chars", with_row(lambda run, rid, r: {"content": "x" * 250 + "\n" + as_text(r["content"])})),
        ("content_first_line_whitespace", with_row(lambda run, rid, r: {"content": "   \n" + as_text(r["content"])})),
        ("content_crlf", const(content="Title line\r\nbody\r\n")),
        ("content_first_line_200_multibyte", const(content="🚀" * 200 + "\nbody")),
        ("idea_tags_not_array", const(tags_json=["{}", '"idea"'])),
    ],
    "feedback": [
        ("feedback_type_invalid", const(type=["rant", "Bug", ""])),
        ("feedback_status_invalid", const(status=["archived", "New"])),
    ],
    "activity_events": [
        ("event_type_empty", const(event_type="")),
        ("metadata_not_object", const(metadata_json=["[]", '"x"', "[1,2]"])),
    ],
    "sessions": [],
    "verification_tokens": [],
}
assert set(CHECKS) == set(BY_NAME)


def generic_row_mutations(spec):
    """Row mutations every table gets: NULL / duplicate ids, unique clashes, cross-user references."""
    out = [("pk_null", lambda run, rid: {run.t.pk: None}),
           ("duplicate_id_exact(inserted)", m_dup_exact),
           ("duplicate_id_case(inserted)", m_dup_case)]
    for key in spec.unique:
        tag = ",".join(key)
        out.append(("unique_clash[%s]" % tag, m_unique_copy(key, False)))
        out.append(("unique_clash_case[%s]" % tag, m_unique_copy(key, True)))
        out.append(("unique_clash[%s](inserted)" % tag, m_unique_insert(key)))
    for col, parent in CROSS_USER_REFS.get(spec.name, []):
        out.append(("ref_to_other_users_row[%s]" % col, m_other_user_ref(col, parent)))
    for col, (parent, _, _) in spec.refs.items():
        out.append(("ref_missing[%s]" % col, m_missing_ref(col, parent)))
    return out


def m_dup_exact(run, rid):
    return run.insert("duplicate_id_exact(inserted)", dict(run.row(rid)), rid)


def m_dup_case(run, rid):
    """A copy whose id differs only in letter case: the same UUID (R3/R4: a duplicate), or for a
    legacy catalogue key a different id (R3 keeps legacy ids case-sensitive: not a duplicate)."""
    r = dict(run.row(rid))
    pk = as_text(r[run.t.pk])
    if pk.upper() == pk and pk.lower() == pk:
        return None
    r[run.t.pk] = pk.upper() if pk.upper() != pk else pk.lower()
    kind = "duplicate_id_case(inserted)" if UUID_RE.match(pk) else "legacy_id_case_variant(inserted)"
    return run.insert(kind, r, rid)


def m_unique_copy(key, case):
    def f(run, rid):
        o = run.other(rid, lambda r: all(r[c] is not None for c in key))
        if o is None:
            return None
        src = run.row(o)
        upd = {}
        for c in key:
            v = src[c]
            if case and isinstance(v, str):
                v = v.upper()            # same UUID by R3 / same email by R10; another text key
            upd[c] = v
        if case and upd == {c: src[c] for c in key}:
            return None                  # nothing to change the case of
        return upd
    return f


def m_unique_insert(key):
    def f(run, rid):
        r = dict(run.row(rid))
        if any(r[c] is None for c in key) or run.t.pk in key:
            return None
        r[run.t.pk] = run.m.uuid()
        return run.insert("unique_clash[%s](inserted)" % ",".join(key), r, rid)
    return f


def m_other_user_ref(col, parent):
    def f(run, rid):
        pid = run.parent_of_other_user(parent, run.row(rid).get("user_id"))
        return None if pid is None else {col: pid}
    return f


def m_missing_ref(col, parent):
    def f(run, rid):
        if run.rng.random() < 0.5 or parent not in LEGACY_PREFIX:
            return {col: run.m.uuid()}
        return {col: "%sdoes_not_exist_%d" % (LEGACY_PREFIX[parent], run.rng.randint(1, 999))}
    return f


def run_row_mutation(run, rid, kind, fn):
    res = fn(run, rid)
    if res is None or res is False:
        return False
    if res is not True and not run.apply(kind, rid, res):
        return False
    run.applied_kinds.add(kind)
    return True


# ---------------------------------------------------------------------------------------
# Forced, rare mutations: very long text and very deep JSON (a couple of rows per run)
# ---------------------------------------------------------------------------------------

LONG_UNIT = "Lorem ipsum dolor sit amet, Grüße aus Köln ✨ 李小龙 🚀 محمد\n"


def long_text(rng):
    n = rng.randint(100_000, 160_000)
    return (LONG_UNIT * (n // len(LONG_UNIT) + 1))[:n]


def deep_json(shape):
    if shape == "object":
        return '{"a":' * DEEP + "1" + "}" * DEEP
    return "[" * DEEP + "]" * DEEP


def plan_forced(rng, runs_rowcount):
    """(table, rowid-index, column, kind) for the long texts and the deep JSON values."""
    forced = []
    text_cols = [(t.name, c) for t in TABLES for c in t.columns
                 if t.kind[c] == "text" and runs_rowcount.get(t.name) and t.name not in NOT_IMPORTED]
    json_cols = [(t.name, c) for t in TABLES for c in t.columns
                 if t.kind[c] == "json" and runs_rowcount.get(t.name)]
    for _ in range(2):
        if text_cols:
            t, c = rng.choice(text_cols)
            forced.append((t, rng.randrange(runs_rowcount[t]), c, "long_text_100k+"))
    for _ in range(rng.choice([1, 2])):
        if json_cols:
            t, c = rng.choice(json_cols)
            forced.append((t, rng.randrange(runs_rowcount[t]), c, "json_nested_%d_deep" % DEEP))
    return forced


# ---------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------

def mutate_table(m, spec, rate, forced, all_checks=False):
    run = TableRun(m, spec)
    rng = m.rng
    n = len(run.rowids)
    if n == 0:
        return run
    k = min(n, max(1, int(rate * n + 0.5)))
    chosen = set(rng.sample(run.rowids, k))
    force_by_rid = {}
    for _, idx, col, kind in forced:
        rid = run.rowids[idx]
        chosen.add(rid)
        force_by_rid.setdefault(rid, []).append((col, kind))
    specifics = [(kind, fn) for kind, fn in CHECKS[spec.name]] + generic_row_mutations(spec)
    queue = list(specifics)
    rng.shuffle(queue)
    for rid in sorted(chosen):
        for col, kind in force_by_rid.get(rid, []):
            if kind.startswith("long_text"):
                run.apply(kind + "@text", rid, {col: long_text(rng)})
            else:
                run.apply(kind + "@json", rid, {col: deep_json(JSON_SHAPE[(spec.name, col)])})
        want = rng.choice([1, 1, 1, 2, 2, 3])
        done = 0
        for _ in range(12):
            if done >= want:
                break
            if done == 0 and queue:
                kind, fn = queue.pop()
                ok = run_row_mutation(run, rid, kind, fn)
            elif rng.random() < 0.3:
                kind, fn = rng.choice(specifics)
                ok = run_row_mutation(run, rid, kind, fn)
            else:
                ok = mutate_column(run, rid)
            done += bool(ok)
    if all_checks:
        # every row mutation of the table at least once: on rows not mutated yet where possible
        for kind, fn in specifics:
            if kind in run.applied_kinds:
                continue
            fresh = [rid for rid in run.rowids if rid not in run.mutated]
            for _ in range(6):
                pool = fresh or run.rowids
                rid = pool[rng.randrange(len(pool))]
                if run_row_mutation(run, rid, kind, fn):
                    break
    return run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--rate", type=float, default=0.03, help="share of each table's rows to mutate (default 0.03)")
    ap.add_argument("--from", dest="source", required=True, help="the D1 database file to start from")
    ap.add_argument("--out-db", required=True)
    ap.add_argument("--out-ndjson", required=True)
    ap.add_argument("--manifest", help="default: mutations.json next to the NDJSON directory")
    ap.add_argument("--keep-constraints", action="store_true",
                    help="do not relax the schema: SQLite's affinity, NOT NULL and UNIQUE stay in force")
    ap.add_argument("--all-checks", action="store_true",
                    help="also apply every row mutation of every table (CHECK violations, unique clashes, "
                         "duplicate ids, bad references) at least once, on extra rows if needed")
    ap.add_argument("--verbose", action="store_true", help="print every mutation")
    ap.add_argument("--quiet", action="store_true", help="no per-table summary")
    a = ap.parse_args(argv)
    if not 0 < a.rate <= 1:
        ap.error("--rate must be in (0, 1]")
    if os.path.abspath(a.source) == os.path.abspath(a.out_db):
        ap.error("--out-db must not be the source")
    manifest_path = a.manifest or os.path.join(os.path.dirname(os.path.abspath(a.out_ndjson.rstrip("/"))),
                                               "mutations.json")
    started = time.monotonic()

    for p in (a.out_db, a.out_db + "-journal", a.out_db + "-wal", a.out_db + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    os.makedirs(os.path.dirname(os.path.abspath(a.out_db)), exist_ok=True)
    shutil.copyfile(a.source, a.out_db)
    os.chmod(a.out_db, 0o644)
    original_master = master_rows(a.out_db)

    con = sqlite3.connect(a.out_db, isolation_level=None)
    con.text_factory = decode_text
    con.execute("PRAGMA foreign_keys = OFF")
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t.name for t in TABLES if t.name not in present]
    if missing:
        sys.exit("mutate.py: the source lacks inventory tables: " + ", ".join(missing))
    saved = None
    if not a.keep_constraints:
        saved = relax_schema(con)
        con.close()
        con = sqlite3.connect(a.out_db, isolation_level=None)
        con.text_factory = decode_text
        con.execute("PRAGMA foreign_keys = OFF")

    rng = random.Random(a.seed)
    m = Mutator(con, rng, a.keep_constraints, a.verbose)
    summary = []
    try:
        m.load_parents()
        counts = {t.name: con.execute("SELECT count(*) FROM %s" % qi(t.name)).fetchone()[0] for t in TABLES}
        forced = plan_forced(rng, counts)
        con.execute("BEGIN")
        for spec in TABLES:
            run = mutate_table(m, spec, a.rate, [f for f in forced if f[0] == spec.name], a.all_checks)
            summary.append((spec.name, len(run.rowids), len(run.mutated), run.inserted, run.side))
            if not a.quiet:
                print("%-24s %6d rows  %4d mutated  %3d inserted  %2d partner rows changed" % summary[-1],
                      file=sys.stderr)
        con.execute("COMMIT")
    finally:
        if saved is not None:
            if con.in_transaction:
                con.execute("ROLLBACK")
            restore_schema(con, saved)
        con.close()
    if master_rows(a.out_db) != original_master:
        sys.exit("mutate.py: sqlite_master differs from the source after restoring it")
    mutated_at = time.monotonic()

    exported = write_ndjson(a.out_db, a.out_ndjson)
    done_at = time.monotonic()

    kinds = {}
    for e in m.manifest:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    manifest = {
        "seed": a.seed, "rate": a.rate, "source": os.path.basename(a.source),
        "keep_constraints": a.keep_constraints, "all_checks": a.all_checks,
        "tables": {name: {"rows": n, "mutated_rows": mu, "inserted_rows": ins, "partner_rows": side}
                   for name, n, mu, ins, side in summary},
        "exported": exported,
        "kinds": dict(sorted(kinds.items())),
        "mutations": m.manifest,
    }
    os.makedirs(os.path.dirname(os.path.abspath(manifest_path)), exist_ok=True)
    entries = manifest.pop("mutations")
    with open(manifest_path, "w", encoding="ascii", newline="\n") as f:      # one mutation a line
        head = json.dumps(manifest, indent=1, ensure_ascii=True)
        f.write(head[:-2] + ',\n "mutations": [\n')
        f.write(",\n".join("  " + json.dumps(e, ensure_ascii=True) for e in entries))
        f.write("\n ]\n}\n")
    if not a.quiet:
        total_mut = sum(s[2] for s in summary)
        total_ins = sum(s[3] for s in summary)
        print("seed %d: %d rows mutated, %d inserted, %d mutations of %d kinds; mutate %.2fs, export %.2fs, total %.2fs"
              % (a.seed, total_mut, total_ins, len(m.manifest), len(kinds), mutated_at - started,
                 done_at - mutated_at, time.monotonic() - started), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
