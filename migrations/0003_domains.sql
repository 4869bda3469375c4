-- Every domain table of the product. The legacy D1 import moves all old data into these
-- tables, so each constraint below holds for the legacy data after its conversion
-- (docs/schema.md has the column mapping). Rules:
--  * a table is user-owned iff it has a user_id column (the export is derived from that);
--    user_id cascades from users, except the exceptions listed in docs/schema.md;
--  * a child row carries its parent's user_id, and the composite key (parent_id, user_id)
--    makes it impossible for a child to belong to another user than its parent;
--  * catalogue rows seeded with readable ids keep them in legacy_id.

-- ---------------------------------------------------------------------------------------
-- Legacy columns of the tables of 0001
-- ---------------------------------------------------------------------------------------

-- approved: the old admin approval gate (every legacy user is approved). last_activity_at
-- is any activity, which is not the same as the last sign-in.
ALTER TABLE users
  ADD COLUMN approved         boolean NOT NULL DEFAULT true,
  ADD COLUMN last_activity_at timestamptz;

-- Auth.js token data of the old sign-in, kept so the import loses nothing. The new sign-in
-- never reads or writes these columns.
ALTER TABLE accounts
  ADD COLUMN type               text CHECK (type IN ('oauth', 'oidc')),
  ADD COLUMN refresh_token      text,
  ADD COLUMN access_token       text,
  ADD COLUMN expires_at         timestamptz,
  ADD COLUMN token_type         text,
  ADD COLUMN scope              text,
  ADD COLUMN id_token           text,
  ADD COLUMN session_state      text,
  ADD COLUMN oauth_token_secret text,
  ADD COLUMN oauth_token        text;

-- The legacy preference columns (theme, timezone, nudge_intensity...) are keys of the
-- `settings` object, the one document /me/settings reads and writes; only the row's own
-- id and creation time get columns.
ALTER TABLE user_settings
  ADD COLUMN id         uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- ---------------------------------------------------------------------------------------
-- Onboarding
-- ---------------------------------------------------------------------------------------

CREATE TABLE onboarding_flows (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id   text UNIQUE,
  version     integer NOT NULL UNIQUE,
  name        text NOT NULL,
  description text,
  is_active   boolean NOT NULL DEFAULT false,
  total_steps integer NOT NULL CHECK (total_steps >= 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- New users start the one active flow.
CREATE UNIQUE INDEX onboarding_flows_one_active ON onboarding_flows ((true)) WHERE is_active;

-- (flow_id, step_order) is deferrable so one UPDATE can renumber the steps of a flow.
CREATE TABLE onboarding_steps (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id          text UNIQUE,
  flow_id            uuid NOT NULL REFERENCES onboarding_flows (id) ON DELETE CASCADE,
  step_order         integer NOT NULL CHECK (step_order >= 1),
  step_type          text NOT NULL CHECK (step_type IN ('explain', 'choice', 'preference', 'tour', 'action')),
  title              text NOT NULL,
  description        text,
  target_selector    text,
  target_route       text,
  fallback_content   text,
  options            jsonb,
  allows_multiple    boolean NOT NULL DEFAULT false,
  required           boolean NOT NULL DEFAULT false,
  action_type        text,
  action_config      jsonb CHECK (jsonb_typeof(action_config) = 'object'),
  UNIQUE (id, flow_id),
  CONSTRAINT onboarding_steps_order_key UNIQUE (flow_id, step_order) DEFERRABLE INITIALLY IMMEDIATE
);

-- The current step always belongs to the user's flow (composite key).
CREATE TABLE user_onboarding_state (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id                uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  flow_id                uuid NOT NULL REFERENCES onboarding_flows (id),
  current_step_id        uuid,
  status                 text NOT NULL DEFAULT 'not_started'
                              CHECK (status IN ('not_started', 'in_progress', 'completed', 'skipped')),
  started_at             timestamptz,
  completed_at           timestamptz,
  skipped_at             timestamptz,
  last_step_completed_at timestamptz,
  responses              jsonb CHECK (jsonb_typeof(responses) = 'object'),
  can_resume             boolean NOT NULL DEFAULT true,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (current_step_id, flow_id) REFERENCES onboarding_steps (id, flow_id)
    ON DELETE SET NULL (current_step_id)
);
CREATE INDEX user_onboarding_state_flow_id_idx ON user_onboarding_state (flow_id);
CREATE INDEX user_onboarding_state_current_step_id_idx ON user_onboarding_state (current_step_id);

-- ---------------------------------------------------------------------------------------
-- Focus
-- ---------------------------------------------------------------------------------------

-- 'break' is the legacy name of a short break (legacy rows keep it).
CREATE TABLE focus_sessions (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id              uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  mode                 text NOT NULL DEFAULT 'focus'
                            CHECK (mode IN ('focus', 'short_break', 'long_break', 'break')),
  duration_seconds     integer NOT NULL CHECK (duration_seconds > 0),
  status               text NOT NULL DEFAULT 'active'
                            CHECK (status IN ('active', 'paused', 'completed', 'abandoned', 'expired')),
  started_at           timestamptz NOT NULL DEFAULT now(),
  paused_at            timestamptz,
  total_paused_seconds integer NOT NULL DEFAULT 0 CHECK (total_paused_seconds >= 0),
  completed_at         timestamptz,
  abandoned_at         timestamptz,
  expires_at           timestamptz,
  xp_awarded           bigint NOT NULL DEFAULT 0 CHECK (xp_awarded >= 0),
  coins_awarded        bigint NOT NULL DEFAULT 0 CHECK (coins_awarded >= 0),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id),
  CHECK ((status = 'paused') = (paused_at IS NOT NULL)),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK ((status = 'abandoned') = (abandoned_at IS NOT NULL)),
  CHECK (paused_at >= started_at),
  CHECK (completed_at >= started_at),
  CHECK (abandoned_at >= started_at),
  CHECK (expires_at >= started_at)
);
CREATE INDEX focus_sessions_user_started_idx ON focus_sessions (user_id, started_at DESC, id DESC);
-- One active-or-paused session per user: a second start is a unique violation (409).
CREATE UNIQUE INDEX focus_sessions_one_running ON focus_sessions (user_id) WHERE status IN ('active', 'paused');
-- For the job that expires sessions left running.
CREATE INDEX focus_sessions_running_expires_idx ON focus_sessions (expires_at) WHERE status IN ('active', 'paused');

-- Cross-device pause sync, at most one row per user.
CREATE TABLE focus_pause_state (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id                uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  session_id             uuid,
  mode                   text NOT NULL DEFAULT 'focus'
                              CHECK (mode IN ('focus', 'short_break', 'long_break', 'break')),
  is_paused              boolean NOT NULL DEFAULT true,
  time_remaining_seconds integer NOT NULL DEFAULT 0 CHECK (time_remaining_seconds >= 0),
  paused_at              timestamptz NOT NULL DEFAULT now(),
  resumed_at             timestamptz CHECK (resumed_at >= paused_at),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (session_id, user_id) REFERENCES focus_sessions (id, user_id) ON DELETE SET NULL (session_id)
);
CREATE INDEX focus_pause_state_session_id_idx ON focus_pause_state (session_id);

-- ---------------------------------------------------------------------------------------
-- Quests
-- ---------------------------------------------------------------------------------------

-- A user's own quests; the legacy seeded starter quests are the rows without a user.
CREATE TABLE quests (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id           text UNIQUE,
  user_id             uuid REFERENCES users (id) ON DELETE CASCADE,
  title               text NOT NULL,
  description         text,
  category            text NOT NULL,
  difficulty          text NOT NULL DEFAULT 'starter' CHECK (difficulty IN ('starter', 'easy', 'medium', 'hard')),
  xp_reward           bigint NOT NULL DEFAULT 10 CHECK (xp_reward >= 0),
  coin_reward         bigint NOT NULL DEFAULT 5 CHECK (coin_reward >= 0),
  is_universal        boolean NOT NULL DEFAULT false,
  is_active           boolean NOT NULL DEFAULT true,
  status              text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'accepted', 'completed')),
  accepted_at         timestamptz,
  completed_at        timestamptz,
  expires_at          timestamptz,
  is_repeatable       boolean NOT NULL DEFAULT false,
  repeat_frequency    text CHECK (repeat_frequency IN ('daily', 'weekly')),
  last_completed_date date,
  streak_count        integer NOT NULL DEFAULT 0 CHECK (streak_count >= 0),
  target              integer NOT NULL DEFAULT 1 CHECK (target >= 1),
  progress            integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND target),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (is_universal = (user_id IS NULL))
);
CREATE INDEX quests_user_created_idx ON quests (user_id, created_at DESC, id DESC);

-- Daily / weekly quests shared by all users; progress is per user in user_quest_progress.
CREATE TABLE universal_quests (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id   text UNIQUE,
  title       text NOT NULL,
  description text,
  type        text NOT NULL DEFAULT 'daily' CHECK (type IN ('daily', 'weekly')),
  xp_reward   bigint NOT NULL DEFAULT 10 CHECK (xp_reward >= 0),
  coin_reward bigint NOT NULL DEFAULT 5 CHECK (coin_reward >= 0),
  target      integer NOT NULL DEFAULT 1 CHECK (target >= 1),
  skill_key   text,
  is_active   boolean NOT NULL DEFAULT true,
  created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX universal_quests_created_by_idx ON universal_quests (created_by);

-- progress is capped at the quest's target by the API (another table).
CREATE TABLE user_quest_progress (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  quest_id     uuid NOT NULL REFERENCES universal_quests (id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'accepted', 'completed')),
  progress     integer NOT NULL DEFAULT 0 CHECK (progress >= 0),
  completed    boolean NOT NULL DEFAULT false,
  accepted_at  timestamptz,
  completed_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, quest_id),
  CHECK (completed = (status = 'completed'))
);
CREATE INDEX user_quest_progress_quest_id_idx ON user_quest_progress (quest_id);

-- ---------------------------------------------------------------------------------------
-- Habits, streaks, goals
-- ---------------------------------------------------------------------------------------

CREATE TABLE habits (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name          text NOT NULL,
  description   text,
  frequency     text NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekdays', 'weekly')),
  target_count  integer NOT NULL DEFAULT 1 CHECK (target_count >= 1),
  icon          text,
  color         text,
  reminder_time time,
  is_active     boolean NOT NULL DEFAULT true,
  archived_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id)
);
CREATE INDEX habits_user_created_idx ON habits (user_id, created_at DESC, id DESC);

-- log_date is the day in the user's time zone when the log was written; one log per
-- habit per day.
CREATE TABLE habit_logs (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  habit_id     uuid NOT NULL,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  log_date     date NOT NULL,
  completed_at timestamptz NOT NULL DEFAULT now(),
  count        integer NOT NULL DEFAULT 1 CHECK (count >= 1),
  notes        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (habit_id, user_id) REFERENCES habits (id, user_id) ON DELETE CASCADE,
  UNIQUE (habit_id, log_date)
);
CREATE INDEX habit_logs_user_date_idx ON habit_logs (user_id, log_date DESC);

-- Streak counters per user and kind (legacy kinds: focus, habits, daily_login).
CREATE TABLE user_streaks (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  streak_type        text NOT NULL CHECK (streak_type <> ''),
  current_streak     integer NOT NULL DEFAULT 0 CHECK (current_streak >= 0),
  longest_streak     integer NOT NULL DEFAULT 0 CHECK (longest_streak >= current_streak),
  last_activity_date date,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, streak_type)
);

CREATE TABLE goals (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title        text NOT NULL,
  description  text,
  category     text,
  target_date  date,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'abandoned')),
  progress     integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  completed_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id)
);
CREATE INDEX goals_user_created_idx ON goals (user_id, created_at DESC, id DESC);

CREATE TABLE goal_milestones (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  goal_id      uuid NOT NULL,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title        text NOT NULL,
  is_completed boolean NOT NULL DEFAULT false,
  completed_at timestamptz,
  sort_order   integer NOT NULL DEFAULT 0 CHECK (sort_order >= 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (goal_id, user_id) REFERENCES goals (id, user_id) ON DELETE CASCADE,
  CHECK (is_completed = (completed_at IS NOT NULL))
);
CREATE INDEX goal_milestones_goal_idx ON goal_milestones (goal_id, sort_order);
CREATE INDEX goal_milestones_user_id_idx ON goal_milestones (user_id);

-- ---------------------------------------------------------------------------------------
-- Exercise and training programmes
-- ---------------------------------------------------------------------------------------

-- Built-in exercises have no user; a custom one belongs to its user and goes with them
-- (legacy exercises.user_id was ON DELETE CASCADE).
CREATE TABLE exercises (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id     text UNIQUE,
  user_id       uuid REFERENCES users (id) ON DELETE CASCADE,
  name          text NOT NULL,
  description   text,
  category      text NOT NULL,
  muscle_groups jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(muscle_groups) = 'array'),
  equipment     text,
  is_custom     boolean NOT NULL DEFAULT false,
  is_builtin    boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (is_custom = (user_id IS NOT NULL)),
  CHECK (is_builtin = (user_id IS NULL))
);
CREATE INDEX exercises_user_id_idx ON exercises (user_id);

-- Workout plans / templates.
CREATE TABLE workouts (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id                    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name                       text NOT NULL,
  description                text,
  estimated_duration_minutes integer CHECK (estimated_duration_minutes > 0),
  is_template                boolean NOT NULL DEFAULT false,
  structure                  jsonb CHECK (jsonb_typeof(structure) = 'object'),
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id)
);
CREATE INDEX workouts_user_created_idx ON workouts (user_id, created_at DESC, id DESC);

-- A performed workout; sets is the list of logged sets (exercise_id, reps, weight_kg).
-- Deleting the plan keeps the session (workout_id only is set NULL).
CREATE TABLE workout_sessions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workout_id       uuid,
  started_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  duration_seconds integer CHECK (duration_seconds >= 0),
  sets             jsonb CHECK (jsonb_typeof(sets) = 'array'),
  notes            text,
  rating           integer CHECK (rating BETWEEN 1 AND 5),
  perceived_effort double precision CHECK (perceived_effort BETWEEN 0 AND 10),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id),
  FOREIGN KEY (workout_id, user_id) REFERENCES workouts (id, user_id) ON DELETE SET NULL (workout_id),
  CHECK (completed_at >= started_at)
);
CREATE INDEX workout_sessions_user_started_idx ON workout_sessions (user_id, started_at DESC, id DESC);
CREATE INDEX workout_sessions_workout_id_idx ON workout_sessions (workout_id);

-- Best lifts / reps per exercise; a new record row keeps the one it beat in previous_value.
CREATE TABLE personal_records (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  exercise_id        uuid NOT NULL REFERENCES exercises (id) ON DELETE CASCADE,
  record_type        text NOT NULL CHECK (record_type IN ('max_weight', '1rm', 'max_reps')),
  value              double precision NOT NULL CHECK (value >= 0),
  unit               text NOT NULL DEFAULT 'kg',
  reps               integer CHECK (reps >= 0),
  achieved_at        timestamptz NOT NULL DEFAULT now(),
  workout_session_id uuid,
  previous_value     double precision,
  created_at         timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workout_session_id, user_id) REFERENCES workout_sessions (id, user_id)
    ON DELETE SET NULL (workout_session_id)
);
CREATE INDEX personal_records_user_exercise_idx
  ON personal_records (user_id, exercise_id, record_type, achieved_at DESC);
CREATE INDEX personal_records_exercise_id_idx ON personal_records (exercise_id);
CREATE INDEX personal_records_workout_session_id_idx ON personal_records (workout_session_id);

CREATE TABLE training_programs (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name           text NOT NULL,
  description    text,
  duration_weeks integer NOT NULL DEFAULT 4 CHECK (duration_weeks >= 1),
  goal           text,
  difficulty     text NOT NULL DEFAULT 'intermediate'
                      CHECK (difficulty IN ('beginner', 'intermediate', 'advanced')),
  is_active      boolean NOT NULL DEFAULT false,
  started_at     timestamptz,
  completed_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id)
);
CREATE INDEX training_programs_user_created_idx ON training_programs (user_id, created_at DESC, id DESC);

-- Weeks are numbered 1..n; the key is deferrable so one UPDATE can close a gap.
CREATE TABLE program_weeks (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id  uuid NOT NULL,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  week_number integer NOT NULL CHECK (week_number >= 1),
  name        text,
  is_deload   boolean NOT NULL DEFAULT false,
  notes       text,
  schedule    jsonb CHECK (jsonb_typeof(schedule) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (program_id, user_id) REFERENCES training_programs (id, user_id) ON DELETE CASCADE,
  CONSTRAINT program_weeks_number_key UNIQUE (program_id, week_number) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX program_weeks_user_id_idx ON program_weeks (user_id);

-- ---------------------------------------------------------------------------------------
-- Planning
-- ---------------------------------------------------------------------------------------

-- All-day events start at midnight UTC of their date. A recurring series' moved
-- occurrences point at the first event (parent_event_id).
CREATE TABLE calendar_events (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title            text NOT NULL,
  description      text,
  event_type       text NOT NULL DEFAULT 'general' CHECK (event_type IN ('general', 'focus', 'workout', 'reminder')),
  starts_at        timestamptz NOT NULL,
  ends_at          timestamptz,
  all_day          boolean NOT NULL DEFAULT false,
  location         text,
  workout_id       uuid,
  recurrence_rule  text,
  recurrence_end   timestamptz,
  parent_event_id  uuid,
  color            text,
  reminder_minutes integer CHECK (reminder_minutes >= 0),
  metadata         jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id),
  FOREIGN KEY (workout_id, user_id) REFERENCES workouts (id, user_id) ON DELETE SET NULL (workout_id),
  FOREIGN KEY (parent_event_id, user_id) REFERENCES calendar_events (id, user_id)
    ON DELETE SET NULL (parent_event_id),
  CHECK (ends_at >= starts_at)
);
CREATE INDEX calendar_events_user_starts_idx ON calendar_events (user_id, starts_at);
CREATE INDEX calendar_events_workout_id_idx ON calendar_events (workout_id);
CREATE INDEX calendar_events_parent_event_id_idx ON calendar_events (parent_event_id);

-- One plan per user per day; items is the ordered list of the day's items.
CREATE TABLE daily_plans (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  date       date NOT NULL,
  items      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(items) = 'array'),
  notes      text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, date)
);

-- ---------------------------------------------------------------------------------------
-- Books
-- ---------------------------------------------------------------------------------------

CREATE TABLE books (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title        text NOT NULL,
  author       text,
  isbn         text,
  total_pages  integer CHECK (total_pages >= 1),
  current_page integer NOT NULL DEFAULT 0 CHECK (current_page >= 0),
  status       text NOT NULL DEFAULT 'reading'
                    CHECK (status IN ('want_to_read', 'reading', 'completed', 'abandoned')),
  started_at   timestamptz,
  finished_at  timestamptz,
  rating       integer CHECK (rating BETWEEN 1 AND 5),
  notes        text,
  cover_url    text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id),
  CHECK (current_page <= total_pages),
  CHECK (status <> 'completed' OR finished_at IS NOT NULL)
);
CREATE INDEX books_user_created_idx ON books (user_id, created_at DESC, id DESC);

CREATE TABLE reading_sessions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  book_id          uuid NOT NULL,
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  pages_read       integer NOT NULL CHECK (pages_read >= 0),
  duration_minutes integer CHECK (duration_minutes >= 0),
  started_at       timestamptz NOT NULL DEFAULT now(),
  notes            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (book_id, user_id) REFERENCES books (id, user_id) ON DELETE CASCADE
);
CREATE INDEX reading_sessions_user_started_idx ON reading_sessions (user_id, started_at DESC, id DESC);
CREATE INDEX reading_sessions_book_idx ON reading_sessions (book_id, started_at DESC);

-- ---------------------------------------------------------------------------------------
-- Learn
-- ---------------------------------------------------------------------------------------

CREATE TABLE learn_topics (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id   text UNIQUE,
  key         text NOT NULL UNIQUE,
  name        text NOT NULL,
  description text,
  category    text NOT NULL,
  icon        text,
  sort_order  integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE learn_lessons (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id         text UNIQUE,
  topic_id          uuid NOT NULL REFERENCES learn_topics (id) ON DELETE CASCADE,
  key               text NOT NULL UNIQUE,
  title             text NOT NULL,
  description       text,
  content_markdown  text,
  duration_minutes  integer NOT NULL DEFAULT 5 CHECK (duration_minutes >= 0),
  difficulty        text NOT NULL DEFAULT 'beginner' CHECK (difficulty IN ('beginner', 'intermediate', 'advanced')),
  quiz              jsonb CHECK (jsonb_typeof(quiz) = 'object'),
  xp_reward         bigint NOT NULL DEFAULT 15 CHECK (xp_reward >= 0),
  coin_reward       bigint NOT NULL DEFAULT 5 CHECK (coin_reward >= 0),
  skill_key         text,
  audio_storage_key text,
  sort_order        integer NOT NULL DEFAULT 0,
  is_published      boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX learn_lessons_topic_idx ON learn_lessons (topic_id, sort_order);

CREATE TABLE user_lesson_progress (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  lesson_id    uuid NOT NULL REFERENCES learn_lessons (id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'in_progress', 'completed')),
  started_at   timestamptz,
  completed_at timestamptz,
  quiz_score   integer CHECK (quiz_score BETWEEN 0 AND 100),
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  UNIQUE (user_id, lesson_id)
);
CREATE INDEX user_lesson_progress_lesson_id_idx ON user_lesson_progress (lesson_id);

-- ---------------------------------------------------------------------------------------
-- Market, wallet, ledger, achievements
-- ---------------------------------------------------------------------------------------

-- created_by_user_id is the admin who made the item; the item outlives them.
CREATE TABLE market_items (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id          text UNIQUE,
  key                text NOT NULL UNIQUE,
  name               text NOT NULL,
  description        text,
  category           text NOT NULL,
  cost_coins         bigint NOT NULL CHECK (cost_coins >= 0),
  icon               text,
  is_global          boolean NOT NULL DEFAULT true,
  is_available       boolean NOT NULL DEFAULT true,
  is_active          boolean NOT NULL DEFAULT true,
  is_consumable      boolean NOT NULL DEFAULT true,
  sort_order         integer NOT NULL DEFAULT 0,
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX market_items_created_by_user_id_idx ON market_items (created_by_user_id);

-- The balance, one row per user; it always equals the sums of the user's points_ledger.
CREATE TABLE user_wallet (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  coins             bigint NOT NULL DEFAULT 0 CHECK (coins >= 0),
  xp                bigint NOT NULL DEFAULT 0 CHECK (xp >= 0),
  level             integer NOT NULL DEFAULT 1 CHECK (level >= 1),
  xp_to_next_level  integer NOT NULL DEFAULT 100 CHECK (xp_to_next_level >= 0),
  total_skill_stars integer NOT NULL DEFAULT 0 CHECK (total_skill_stars >= 0),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- A purchase is a money record: its item cannot be deleted (deactivate it instead).
CREATE TABLE user_purchases (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  item_id      uuid NOT NULL REFERENCES market_items (id) ON DELETE RESTRICT,
  cost_coins   bigint NOT NULL CHECK (cost_coins >= 0),
  status       text NOT NULL DEFAULT 'owned' CHECK (status IN ('owned', 'redeemed', 'refunded')),
  purchased_at timestamptz NOT NULL DEFAULT now(),
  redeemed_at  timestamptz CHECK (redeemed_at >= purchased_at),
  CHECK (status <> 'redeemed' OR redeemed_at IS NOT NULL)
);
CREATE INDEX user_purchases_user_purchased_idx ON user_purchases (user_id, purchased_at DESC, id DESC);
CREATE INDEX user_purchases_item_id_idx ON user_purchases (item_id);

-- Append-only. event_id is polymorphic (a focus session, quest, lesson, purchase... id,
-- or a legacy catalogue key), so it is text and no foreign key. Amounts may be negative
-- (purchases, admin adjustments).
CREATE TABLE points_ledger (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  event_type      text NOT NULL CHECK (event_type <> ''),
  event_id        text,
  coins           bigint NOT NULL DEFAULT 0,
  xp              bigint NOT NULL DEFAULT 0,
  skill_stars     integer NOT NULL DEFAULT 0,
  skill_key       text,
  reason          text,
  idempotency_key text UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX points_ledger_user_created_idx ON points_ledger (user_id, created_at DESC, id DESC);

-- Referenced by key. An earned achievement's definition cannot be deleted (hide it with
-- is_hidden); renaming a key follows through.
CREATE TABLE achievement_definitions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legacy_id      text UNIQUE,
  key            text NOT NULL UNIQUE CHECK (key <> ''),
  name           text NOT NULL,
  description    text,
  category       text NOT NULL,
  icon           text,
  trigger_type   text NOT NULL,
  trigger_config jsonb CHECK (jsonb_typeof(trigger_config) = 'object'),
  reward_coins   bigint NOT NULL DEFAULT 0 CHECK (reward_coins >= 0),
  reward_xp      bigint NOT NULL DEFAULT 0 CHECK (reward_xp >= 0),
  is_hidden      boolean NOT NULL DEFAULT false,
  sort_order     integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_achievements (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  achievement_key text NOT NULL REFERENCES achievement_definitions (key) ON UPDATE CASCADE ON DELETE RESTRICT,
  earned_at       timestamptz NOT NULL DEFAULT now(),
  notified        boolean NOT NULL DEFAULT false,
  UNIQUE (user_id, achievement_key)
);
CREATE INDEX user_achievements_achievement_key_idx ON user_achievements (achievement_key);

-- ---------------------------------------------------------------------------------------
-- Object storage metadata (the bytes live under storage_key)
-- ---------------------------------------------------------------------------------------

CREATE TABLE blobs (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  category     text NOT NULL CHECK (category <> ''),
  content_type text NOT NULL CHECK (content_type <> ''),
  size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
  sha256       bytea NOT NULL CHECK (length(sha256) = 32),
  storage_key  text NOT NULL UNIQUE CHECK (storage_key <> ''),
  filename     text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX blobs_user_created_idx ON blobs (user_id, created_at DESC, id DESC);

-- An uploaded audio file and its metadata; same storage columns as blobs. storage_key is
-- never derived from user_id: legacy keys of merged users name the merged user's old id.
-- sha256 is NULL where the old upload path did not compute it.
CREATE TABLE reference_tracks (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title            text NOT NULL,
  artist           text,
  storage_key      text NOT NULL UNIQUE CHECK (storage_key <> ''),
  content_type     text NOT NULL CHECK (content_type LIKE 'audio/%'),
  size_bytes       bigint NOT NULL CHECK (size_bytes >= 0),
  sha256           bytea CHECK (length(sha256) = 32),
  filename         text,
  duration_seconds double precision CHECK (duration_seconds >= 0),
  tags             jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
  visibility       text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'unlisted')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id)
);
CREATE INDEX reference_tracks_user_created_idx ON reference_tracks (user_id, created_at DESC, id DESC);

-- One cached analysis per track.
CREATE TABLE track_analysis_cache (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  track_id         uuid NOT NULL UNIQUE,
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  bpm              double precision CHECK (bpm > 0),
  musical_key      text,
  energy           double precision CHECK (energy BETWEEN 0 AND 1),
  danceability     double precision CHECK (danceability BETWEEN 0 AND 1),
  loudness_lufs    double precision,
  sections         jsonb CHECK (jsonb_typeof(sections) = 'array'),
  waveform         jsonb CHECK (jsonb_typeof(waveform) = 'array'),
  analyzer_version text,
  analyzed_at      timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (track_id, user_id) REFERENCES reference_tracks (id, user_id) ON DELETE CASCADE
);
CREATE INDEX track_analysis_cache_user_id_idx ON track_analysis_cache (user_id);

-- ---------------------------------------------------------------------------------------
-- Notes, ideas, feedback, activity
-- ---------------------------------------------------------------------------------------

-- System articles have no user. search covers the title and the first 100,000 characters
-- of content: a tsvector is capped at 1 MB, and text of distinct tokens costs up to ~6
-- bytes of tsvector per character, so an unbounded body could make an insert fail.
CREATE TABLE infobase_entries (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid REFERENCES users (id) ON DELETE CASCADE,
  title      text NOT NULL,
  content    text NOT NULL,
  category   text,
  tags       jsonb CHECK (jsonb_typeof(tags) = 'array'),
  is_public  boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  search     tsvector GENERATED ALWAYS AS (
               setweight(to_tsvector('simple'::regconfig, left(coalesce(title, ''), 1000)), 'A') ||
               setweight(to_tsvector('simple'::regconfig, left(coalesce(content, ''), 100000)), 'B')) STORED
);
CREATE INDEX infobase_entries_user_created_idx ON infobase_entries (user_id, created_at DESC, id DESC);
CREATE INDEX infobase_entries_search_idx ON infobase_entries USING gin (search);

-- Legacy ideas had only content: the import derives title from its first line.
CREATE TABLE ideas (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title       text NOT NULL CHECK (title <> ''),
  body        text,
  category    text,
  tags        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
  is_favorite boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ideas_user_created_idx ON ideas (user_id, created_at DESC, id DESC);
CREATE INDEX ideas_tags_idx ON ideas USING gin (tags);

-- Feedback outlives its author (user_id is set NULL). 'feature' and 'praise' are legacy
-- kinds.
CREATE TABLE feedback (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid REFERENCES users (id) ON DELETE SET NULL,
  kind       text NOT NULL CHECK (kind IN ('bug', 'idea', 'other', 'feature', 'praise')),
  message    text NOT NULL,
  page_url   text,
  user_agent text,
  status     text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_user_id_idx ON feedback (user_id);
CREATE INDEX feedback_created_idx ON feedback (created_at DESC, id DESC);

CREATE TABLE activity_events (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  event_type text NOT NULL CHECK (event_type <> ''),
  metadata   jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_events_user_created_idx ON activity_events (user_id, created_at DESC, id DESC);
