-- Constraints that refused exactly what an import rule of QUIRKS.md keeps. Where the two
-- disagreed the rule wins (docs/import.md "Constraints the rules overruled"); the API keeps
-- checking what it accepts from clients, so new rows still have these shapes.

-- R5: datetimes are imported as they are (no clamping). An old row whose clocks disagree
-- (an offline device, a hand edit) keeps both times instead of being lost.
ALTER TABLE focus_sessions
  DROP CONSTRAINT focus_sessions_check3,  -- paused_at >= started_at
  DROP CONSTRAINT focus_sessions_check4,  -- completed_at >= started_at
  DROP CONSTRAINT focus_sessions_check5,  -- abandoned_at >= started_at
  DROP CONSTRAINT focus_sessions_check6;  -- expires_at >= started_at
ALTER TABLE focus_pause_state DROP CONSTRAINT focus_pause_state_check;  -- resumed_at >= paused_at
ALTER TABLE workout_sessions DROP CONSTRAINT workout_sessions_check;    -- completed_at >= started_at
ALTER TABLE calendar_events DROP CONSTRAINT calendar_events_check;      -- ends_at >= starts_at
ALTER TABLE user_purchases DROP CONSTRAINT user_purchases_check;        -- redeemed_at >= purchased_at

-- R9: very long text is kept. Sign-in still cuts a provider's name to 200 characters.
ALTER TABLE users DROP CONSTRAINT users_name_check, DROP CONSTRAINT users_image_check;

-- R8: '' in a NOT NULL text column stays ''. (reference_tracks.storage_key keeps its check:
-- an empty key would name the bucket itself, so such a track is skipped instead.)
ALTER TABLE accounts
  DROP CONSTRAINT accounts_provider_check,
  DROP CONSTRAINT accounts_provider_account_id_check;
ALTER TABLE user_streaks DROP CONSTRAINT user_streaks_streak_type_check;
ALTER TABLE points_ledger DROP CONSTRAINT points_ledger_event_type_check;
ALTER TABLE achievement_definitions DROP CONSTRAINT achievement_definitions_key_check;
ALTER TABLE activity_events DROP CONSTRAINT activity_events_event_type_check;

-- R7: the text 'null' is the JSON value null, not SQL NULL. A nullable document column takes
-- it; the NOT NULL ones (settings, items, tags, muscle_groups) keep their shape.
ALTER TABLE onboarding_steps DROP CONSTRAINT onboarding_steps_action_config_check,
  ADD CONSTRAINT onboarding_steps_action_config_check CHECK (jsonb_typeof(action_config) IN ('object', 'null'));
ALTER TABLE user_onboarding_state DROP CONSTRAINT user_onboarding_state_responses_check,
  ADD CONSTRAINT user_onboarding_state_responses_check CHECK (jsonb_typeof(responses) IN ('object', 'null'));
ALTER TABLE workouts DROP CONSTRAINT workouts_structure_check,
  ADD CONSTRAINT workouts_structure_check CHECK (jsonb_typeof(structure) IN ('object', 'null'));
ALTER TABLE workout_sessions DROP CONSTRAINT workout_sessions_sets_check,
  ADD CONSTRAINT workout_sessions_sets_check CHECK (jsonb_typeof(sets) IN ('array', 'null'));
ALTER TABLE program_weeks DROP CONSTRAINT program_weeks_schedule_check,
  ADD CONSTRAINT program_weeks_schedule_check CHECK (jsonb_typeof(schedule) IN ('object', 'null'));
ALTER TABLE calendar_events DROP CONSTRAINT calendar_events_metadata_check,
  ADD CONSTRAINT calendar_events_metadata_check CHECK (jsonb_typeof(metadata) IN ('object', 'null'));
ALTER TABLE learn_lessons DROP CONSTRAINT learn_lessons_quiz_check,
  ADD CONSTRAINT learn_lessons_quiz_check CHECK (jsonb_typeof(quiz) IN ('object', 'null'));
ALTER TABLE achievement_definitions DROP CONSTRAINT achievement_definitions_trigger_config_check,
  ADD CONSTRAINT achievement_definitions_trigger_config_check
    CHECK (jsonb_typeof(trigger_config) IN ('object', 'null'));
ALTER TABLE track_analysis_cache
  DROP CONSTRAINT track_analysis_cache_sections_check,
  ADD CONSTRAINT track_analysis_cache_sections_check CHECK (jsonb_typeof(sections) IN ('array', 'null')),
  DROP CONSTRAINT track_analysis_cache_waveform_check,
  ADD CONSTRAINT track_analysis_cache_waveform_check CHECK (jsonb_typeof(waveform) IN ('array', 'null'));
ALTER TABLE infobase_entries DROP CONSTRAINT infobase_entries_tags_check,
  ADD CONSTRAINT infobase_entries_tags_check CHECK (jsonb_typeof(tags) IN ('array', 'null'));
ALTER TABLE activity_events DROP CONSTRAINT activity_events_metadata_check,
  ADD CONSTRAINT activity_events_metadata_check CHECK (jsonb_typeof(metadata) IN ('object', 'null'));
