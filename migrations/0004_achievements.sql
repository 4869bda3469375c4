-- The achievements the product starts with: the old app's catalogue, under the ids the
-- D1 import gives them (uuid5 of 'achievement_definitions:<legacy id>', QUIRKS R3), so an
-- import finds them already in place. Unlocked by events (ignition::gamification::unlock).

INSERT INTO achievement_definitions
  (id, legacy_id, key, name, description, category, icon, trigger_type, trigger_config, reward_coins, reward_xp,
   is_hidden, sort_order)
VALUES
  ('0dd6d7a1-3a58-5d47-93b0-d201910dea62', 'ach_first_focus', 'first_focus', 'First Focus', 'Complete your first focus session.', 'focus', 'trophy', 'count', '{"event":"focus_complete","count":1}', 25, 25, false, 1),
  ('b538fddd-fe4a-572b-8617-c91ed2916428', 'ach_focus_10', 'focus_10', 'Getting Serious', 'Complete 10 focus sessions.', 'focus', 'medal', 'count', '{"event":"focus_complete","count":10}', 10, 25, false, 2),
  ('57a1f039-4952-59b0-a38b-b772e71623ac', 'ach_focus_100', 'focus_100', 'Centurion 💯', 'Complete 100 focus sessions.', 'focus', 'flame', 'count', '{"event":"focus_complete","count":100}', 10, 50, false, 3),
  ('cf991f23-901d-57d2-89e6-8fcd1f215d72', 'ach_focus_streak_7', 'focus_streak_7', 'Focus Master', 'Focus on 7 days in a row.', 'focus', 'star', 'count', '{"event":"focus_complete","streak":7}', 25, 100, false, 4),
  ('69e42610-c624-5a59-9360-34871960b4d5', 'ach_first_quest', 'first_quest', 'Quest Beginner', 'Complete your first quest.', 'quests', 'flame', 'count', '{"event":"quest_complete","count":1}', 10, 50, false, 5),
  ('8c234d36-e2c8-5554-9ed6-aa2da3ea1e33', 'ach_first_habit', 'first_habit', 'Habit Former', 'Log a habit for the first time.', 'habits', 'flame', 'count', '{"event":"habit_log","count":1}', 50, 25, false, 6),
  ('0de62042-7b1c-50bd-845a-b985292ae79a', 'ach_habit_30', 'habit_30', 'Thirty Days', 'Log habits 30 times.', 'habits', 'flame', 'count', '{"event":"habit_log","count":30}', 10, 50, false, 7),
  ('2258f78a-db21-5d5f-ba82-3a0ccb825af8', 'ach_first_workout', 'first_workout', 'Fitness Start', 'Complete your first workout.', 'fitness', 'medal', 'count', '{"event":"workout_complete","count":1}', 50, 50, false, 8),
  ('06c15a12-eebc-5285-8c04-9251001b5a28', 'ach_bookworm', 'bookworm', 'Bookworm', 'Finish a book.', 'learning', 'trophy', 'count', '{"event":"book_complete","count":1}', 25, 100, false, 9),
  ('3aca5e2b-70f1-5160-806c-678c65b61585', 'ach_first_lesson', 'first_lesson', 'Student', 'Complete your first lesson.', 'learning', 'trophy', 'count', '{"event":"lesson_complete","count":1}', 25, 50, false, 10),
  ('f2fa9871-8666-5f11-9e25-a281711b801f', 'ach_goal_done', 'goal_done', 'Goal Getter', 'Complete a goal.', 'goals', 'flame', 'count', '{"event":"goal_complete","count":1}', 25, 50, false, 11),
  ('add89638-6ee7-51b8-b9fa-4db75a3dccaf', 'ach_big_spender', 'big_spender', 'Big Spender', 'Buy three items in the market.', 'market', 'trophy', 'count', '{"event":"purchase","count":3}', 50, 25, false, 12)
ON CONFLICT (key) DO NOTHING;
