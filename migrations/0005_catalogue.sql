-- The catalogue a fresh install starts with: the old app's built-in exercises, global market
-- items, learn topics and lessons, onboarding flows and steps, and universal quests, under the
-- ids the D1 import gives them (uuid5 of '<table>:<legacy id>', QUIRKS R3; references translated
-- the same way), so an import finds them already in place. Names, keys, costs, rewards, order and
-- flags are the legacy values; descriptions, lesson texts and quizzes are written anew, since the
-- legacy ones are filler. Rows the legacy admin UI added later (UUID ids) are not seeded.

INSERT INTO exercises
  (id, legacy_id, user_id, name, description, category, muscle_groups, equipment, is_custom, is_builtin)
VALUES
  ('89d2368d-49fc-50d6-9f00-f708ded1042c', 'ex_bench_press', NULL, 'Bench Press', 'Lie on a flat bench and press the barbell from mid-chest to straight arms, feet planted and shoulder blades pulled back.', 'strength', '["chest", "triceps"]', 'barbell', false, true),
  ('dd0cd74c-a7c4-54f6-ad6e-a354d5ce5501', 'ex_squat', NULL, 'Back Squat', 'With the bar across your upper back, sit down between your hips until your thighs are at least parallel, then drive back up with a braced torso.', 'strength', '["quads", "glutes"]', 'barbell', false, true),
  ('120641d5-5d2d-5643-93a7-6e7b4bf4ddff', 'ex_deadlift', NULL, 'Deadlift', 'Lift the barbell from the floor to standing by pushing through your legs and extending your hips, bar close to the body and back neutral.', 'strength', '["hamstrings", "back"]', 'barbell', false, true),
  ('edea82ab-9242-5e2a-a34c-81a5180706da', 'ex_ohp', NULL, 'Overhead Press', 'Standing, press the barbell from the front of your shoulders to overhead lockout. Brace your abs and squeeze your glutes so you don''t lean back.', 'strength', '["shoulders"]', 'barbell', false, true),
  ('15230a0d-2a68-5f96-9b29-5e27f8693fea', 'ex_row', NULL, 'Barbell Row', 'Hinge forward with a flat back and pull the barbell to your lower ribs, leading with the elbows, then lower it under control.', 'strength', '["back", "biceps"]', 'barbell', false, true),
  ('657f07fa-94fa-54fe-8dd7-83404403de8d', 'ex_pullup', NULL, 'Pull-up', 'Hang from a bar with an overhand grip, pull until your chin clears the bar, then lower yourself under control to a full hang.', 'bodyweight', '["back", "biceps"]', 'bar', false, true),
  ('d7da406f-7971-5226-aba0-4b92bf309e34', 'ex_pushup', NULL, 'Push-up', 'From a high plank with your hands under your shoulders, lower your chest to the floor and press back up, body in one straight line.', 'bodyweight', '["chest"]', NULL, false, true),
  ('0438bffd-4317-5bd6-a1b3-50cd67a2fb60', 'ex_dip', NULL, 'Dip', 'Support yourself on parallel bars, lower until your upper arms are about parallel to the floor, then press back up to straight arms.', 'bodyweight', '["chest", "triceps"]', 'parallel bars', false, true),
  ('48ff5d6f-26c3-523c-b229-79c40a2d3336', 'ex_lunge', NULL, 'Walking Lunge', 'Step forward and lower until both knees are bent to about 90 degrees, then push off and step through into the next lunge.', 'strength', '["quads"]', 'dumbbells', false, true),
  ('ed563b52-477a-52e7-bcb6-36895433e140', 'ex_plank', NULL, 'Plank', 'Hold a straight line from head to heels on your forearms and toes. Brace your abs and squeeze your glutes, and don''t let your hips sag.', 'core', '["core"]', NULL, false, true),
  ('1053ab92-8537-5fe6-8d2b-220aa2c8f4af', 'ex_run', NULL, 'Running', 'Steady running outdoors or on a treadmill. Build your weekly distance gradually and keep most runs at a pace where you can still talk.', 'cardio', '["legs"]', NULL, false, true),
  ('a1e9dec0-f333-5b13-a090-ffd95aae3ef1', 'ex_row_erg', NULL, 'Rowing (erg)', 'Rowing on an ergometer: push with your legs, swing your torso back, then pull with your arms. On the way forward, do the same in reverse.', 'cardio', '["full body"]', 'rower', false, true),
  ('bdc6cded-15d7-5ce2-8988-a3aeb39b4129', 'ex_bike', NULL, 'Cycling', 'Cycling on the road or a stationary bike. Set the saddle height so your knee stays slightly bent at the bottom of the pedal stroke.', 'cardio', '["legs"]', 'bike', false, true),
  ('9a040899-b1d7-5f8a-a82f-09522b82d2f0', 'ex_curl', NULL, 'Biceps Curl', 'With your elbows fixed at your sides, curl the dumbbells up by bending your elbows, then lower them slowly without swinging.', 'strength', '["biceps"]', 'dumbbells', false, true),
  ('9c58abde-c5b5-5fe2-8fa5-60fe0d4ae84d', 'ex_rdl', NULL, 'Romanian Deadlift', 'Holding a barbell, push your hips back with soft knees and slide the bar down your legs until you feel a hamstring stretch, then stand tall.', 'strength', '["hamstrings"]', 'barbell', false, true),
  ('b187c7ef-1cb6-5efd-89ee-1ba7389468d9', 'ex_hip_thrust', NULL, 'Hip Thrust', 'Upper back on a bench and a barbell across your hips: drive your hips up until your torso is level, squeeze your glutes, then lower.', 'strength', '["glutes"]', 'barbell', false, true),
  ('9a686997-64d2-5cec-a2ed-05f435375a1b', 'ex_face_pull', NULL, 'Face Pull', 'Pull a rope on a high cable toward your face with your elbows high and hands apart, finishing with your upper arms rotated back.', 'strength', '["rear delts"]', 'cable', false, true),
  ('f244c46a-7128-59a8-b821-5b62e5499106', 'ex_kb_swing', NULL, 'Kettlebell Swing', 'Hinge at the hips and snap them forward to swing the kettlebell to chest height. The power comes from your hips, not your arms.', 'conditioning', '["posterior chain"]', 'kettlebell', false, true),
  ('36c3401f-9ea9-516b-9a65-2de50bf78189', 'ex_burpee', NULL, 'Burpee', 'From standing, squat and put your hands down, jump your feet back to a plank, jump them back in, then jump up with your arms overhead.', 'conditioning', '["full body"]', NULL, false, true),
  ('cb368ed1-0f61-5d91-a015-a9b7baf9fc9c', 'ex_jump_rope', NULL, 'Jump Rope', 'Skip with small, quick hops on the balls of your feet, turning the rope with your wrists rather than your arms.', 'cardio', '["calves"]', 'rope', false, true)
ON CONFLICT DO NOTHING;

INSERT INTO market_items
  (id, legacy_id, key, name, description, category, cost_coins, icon, is_global, is_available, is_active,
   is_consumable, sort_order, created_by_user_id)
VALUES
  ('c0177def-ea2d-5cad-adc6-979ea39e5831', 'item_theme_dark', 'theme_dark_pro', 'Dark Pro Theme', 'A sleek high-contrast dark theme for late-night sessions. A permanent unlock.', 'themes', 100, 'zap', true, true, true, false, 1, NULL),
  ('34b1fbbb-0791-5563-8f74-2892242b95e7', 'item_theme_ocean', 'theme_ocean', 'Ocean Theme', 'Calm blues and teals across the whole app. A permanent unlock.', 'themes', 100, 'star', true, true, true, false, 2, NULL),
  ('08d0d7c5-50ea-5fc0-95f2-74f2400331d6', 'item_boost_xp', 'boost_xp_2x', '2x XP Boost', 'Doubles the XP you earn for a limited time. Used up when you redeem it.', 'boosts', 50, 'waves', true, true, true, true, 3, NULL),
  ('bec4b6ac-a340-5376-b859-c0a6de33d8a8', 'item_boost_coins', 'boost_coins_2x', '2x Coins Boost', 'Doubles the coins you earn for a limited time. Used up when you redeem it.', 'boosts', 50, 'moon', true, true, true, true, 4, NULL),
  ('29a86119-72da-5d68-b252-93ba9736425d', 'item_treat_coffee', 'treat_coffee', 'Virtual Coffee ☕', 'Treat yourself to a virtual coffee after a good session. Just for fun.', 'treats', 25, 'star', true, true, true, true, 5, NULL),
  ('b69bc241-fbf5-5889-b29f-ec9eea4cb866', 'item_badge_early', 'badge_early_adopter', 'Early Adopter Badge', 'A profile badge that shows you were here early. A permanent unlock.', 'badges', 200, 'waves', true, true, true, false, 6, NULL),
  ('85350307-0db4-57e7-b7c4-31bff0995d03', 'item_sample_pack', 'sample_pack_lofi', 'Lo-fi Sample Pack', 'A pack of lo-fi drum loops, textures and keys to use in your own tracks.', 'content', 150, 'zap', true, true, true, false, 7, NULL),
  ('3640d57b-5faa-5e0c-bdfe-62c7d2a0d84c', 'item_streak_freeze', 'streak_freeze', 'Streak Freeze ❄️', 'Keeps your streak alive through one missed day. Used up when you redeem it.', 'boosts', 40, 'coffee', true, true, true, true, 8, NULL)
ON CONFLICT DO NOTHING;

INSERT INTO learn_topics (id, legacy_id, key, name, description, category, icon, sort_order)
VALUES
  ('8df49aa9-f3a1-5676-9228-ebcef8da981c', 'topic_intervals', 'intervals', 'Intervals', 'Recognise and name the distance between two notes, on paper and by ear.', 'ear_training', 'clock', 1),
  ('82dad352-4397-5d0c-9646-cdce7fcc4ad3', 'topic_chords', 'chords', 'Chords', 'Build and hear triads, suspended chords, seventh chords and inversions.', 'ear_training', 'layers', 2),
  ('5d35b392-def9-5c20-9283-65dcaf5a9618', 'topic_scales', 'scales', 'Scales & Modes', 'Major, minor, pentatonic and modal scales, and how each one sounds.', 'theory', 'sliders', 3),
  ('c16323dd-71ad-5f4a-8043-6ac5d07ce4bb', 'topic_rhythm', 'rhythm', 'Rhythm', 'Note values, time signatures, syncopation, swing and polyrhythm.', 'theory', 'music', 4),
  ('ca32d234-ab7d-52c0-b73a-db3b7a9e10e8', 'topic_harmony', 'harmony', 'Harmony', 'How chords work together: consonance, chord function and secondary dominants.', 'theory', 'layers', 5),
  ('fd41cbab-cf75-54b9-a209-a51b295f15d3', 'topic_production', 'production', 'Production Basics', 'Mixing fundamentals: gain staging, EQ, compression, reverb, delay and loudness.', 'production', 'clock', 6)
ON CONFLICT DO NOTHING;

-- A lesson goes in only with its topic (a topic skipped by ON CONFLICT takes its lessons along).
-- Titles keep the legacy "<topic> <n>:" prefix; the rest of each legacy title was filler.
INSERT INTO learn_lessons
  (id, legacy_id, topic_id, key, title, description, content_markdown, duration_minutes, difficulty, quiz,
   xp_reward, coin_reward, skill_key, audio_storage_key, sort_order, is_published)
SELECT v.* FROM (VALUES
  ('b5432404-52d4-51b8-9d55-e8beac6f90b4'::uuid, 'lesson_intervals_1', '8df49aa9-f3a1-5676-9228-ebcef8da981c'::uuid, 'intervals_1',
   'Intervals 1: What Is an Interval?',
   'Half steps, whole steps and how intervals are numbered.',
   '## What is an interval?

An **interval** is the distance in pitch between two notes. If the notes sound one after the other it is a *melodic* interval; if they sound together it is a *harmonic* interval.

## Half steps and whole steps

The smallest step in Western music is the **half step** (semitone): the distance between two neighbouring keys on a piano, such as E–F or C–C♯. Two half steps make a **whole step** (tone), such as C–D.

## Numbering intervals

An interval''s number counts letter names, including both ends:

- C up to D is a **2nd** (C, D)
- C up to E is a **3rd** (C, D, E)
- C up to G is a **5th** (C, D, E, F, G)
- C up to the next C is an **octave** (an 8th)

The number alone does not give the exact size. C–E (4 half steps) and C–E♭ (3 half steps) are both 3rds. The interval''s *quality* (major, minor, perfect and so on) settles that, and it is the subject of the next lessons.

## Try it

Play C, then every white key above it up to the next C. Name each interval by counting letters, then count its half steps.',
   5, 'beginner', '{"questions": [{"q": "How many half steps make a whole step?", "choices": ["1", "2", "3", "4"], "answer": 1}, {"q": "What is the interval number from C up to G?", "choices": ["4th", "5th", "6th", "7th"], "answer": 1}, {"q": "Two notes played at the same time form a…", "choices": ["melodic interval", "harmonic interval", "scale", "cadence"], "answer": 1}]}'::jsonb,
   15, 5, NULL, NULL::text, 1, true),
  ('587c4b5c-df04-5684-b66a-45c5efe2e833'::uuid, 'lesson_intervals_2', '8df49aa9-f3a1-5676-9228-ebcef8da981c'::uuid, 'intervals_2',
   'Intervals 2: Major and Minor Intervals',
   'How 2nds, 3rds, 6ths and 7ths come in major and minor sizes.',
   '## Two sizes of the same number

2nds, 3rds, 6ths and 7ths each come in two common sizes: **major** and **minor**. A minor interval is exactly one half step smaller than the major one with the same number.

| Interval | Half steps | Example from C |
|---|---|---|
| minor 2nd | 1 | C–D♭ |
| major 2nd | 2 | C–D |
| minor 3rd | 3 | C–E♭ |
| major 3rd | 4 | C–E |
| minor 6th | 8 | C–A♭ |
| major 6th | 9 | C–A |
| minor 7th | 10 | C–B♭ |
| major 7th | 11 | C–B |

## The major-scale shortcut

Measured up from the first note (the tonic) of a major scale, the 2nd, 3rd, 6th and 7th notes of the scale are all **major** intervals. To find a minor interval, lower the top note by a half step.

For example, A is the 6th note of C major, so C–A is a major 6th; C–A♭ is a minor 6th.

## Why it matters

The difference between a major and a minor 3rd is what makes a chord sound major or minor. Learning to hear these pairs is the basis of chord recognition.',
   15, 'intermediate', '{"questions": [{"q": "How many half steps are in a minor 3rd?", "choices": ["2", "3", "4", "5"], "answer": 1}, {"q": "C up to B is a…", "choices": ["minor 7th", "major 7th", "major 6th", "octave"], "answer": 1}, {"q": "Lowering the top note of a major interval by a half step makes it…", "choices": ["perfect", "augmented", "minor", "diminished"], "answer": 2}]}'::jsonb,
   15, 5, NULL, NULL::text, 2, true),
  ('4097af2e-5671-58c6-8c63-c041a7c03c12'::uuid, 'lesson_intervals_3', '8df49aa9-f3a1-5676-9228-ebcef8da981c'::uuid, 'intervals_3',
   'Intervals 3: Perfect Intervals',
   'Unisons, 4ths, 5ths and octaves, and the tritone between them.',
   '## The perfect intervals

Four intervals are called **perfect**:

- **unison**: 0 half steps (the same note)
- **perfect 4th**: 5 half steps (C–F)
- **perfect 5th**: 7 half steps (C–G)
- **octave**: 12 half steps (C–C)

They sound especially stable and open because their frequencies form simple ratios: 2:1 for the octave, 3:2 for the 5th and 4:3 for the 4th.

## No major or minor

Perfect intervals have no major or minor form. Make one a half step larger and it becomes **augmented**; make it a half step smaller and it becomes **diminished**.

## The tritone

Between the perfect 4th and the perfect 5th sits an interval of 6 half steps. Spelled as an augmented 4th (F–B) or a diminished 5th (B–F), it is called the **tritone** because it spans three whole steps. It sounds tense and restless, and it drives the pull of the dominant 7th chord toward its resolution.

## In practice

A "power chord" in rock is just a root plus a perfect 5th, often with the octave doubled. Without a 3rd it is neither major nor minor, which is why it survives heavy distortion so well.',
   5, 'intermediate', '{"questions": [{"q": "How many half steps are in a perfect 5th?", "choices": ["5", "6", "7", "8"], "answer": 2}, {"q": "Which frequency ratio belongs to the octave?", "choices": ["3:2", "4:3", "2:1", "5:4"], "answer": 2}, {"q": "F up to B is a…", "choices": ["perfect 4th", "tritone (augmented 4th)", "perfect 5th", "minor 6th"], "answer": 1}]}'::jsonb,
   15, 5, 'learning', NULL::text, 3, true),
  ('2d28f24f-ce57-5377-b690-74e4fde639a7'::uuid, 'lesson_intervals_4', '8df49aa9-f3a1-5676-9228-ebcef8da981c'::uuid, 'intervals_4',
   'Intervals 4: Hearing Intervals with Reference Songs',
   'Use well-known melodies to recognise intervals by ear.',
   '## Borrow melodies you already know

The quickest way to recognise intervals by ear is to link each one to the opening of a familiar tune. When you hear an interval, sing the candidates in your head and pick the one that matches.

## Ascending references

- **minor 2nd**: the *Jaws* theme
- **major 2nd**: "Happy Birthday" ("hap-py **birth**")
- **minor 3rd**: "Smoke on the Water" riff (first two notes)
- **major 3rd**: "When the Saints Go Marching In" ("oh **when**")
- **perfect 4th**: "Here Comes the Bride"
- **tritone**: *The Simpsons* theme ("the **Simp**-sons")
- **perfect 5th**: "Twinkle, Twinkle, Little Star" ("twin-kle **twin**-kle")
- **major 6th**: "My Bonnie Lies Over the Ocean" ("my **Bon**-nie")
- **minor 7th**: the original *Star Trek* theme (first two notes)
- **octave**: "Somewhere Over the Rainbow" ("**some**-**where**")

Replace any of these with songs you know better: a reference only works if you can hear it instantly.

## A practice routine

1. Play or have an app play a random interval.
2. Sing both notes back.
3. Match it to a reference song and name it.
4. Check the answer, and repeat for 5–10 minutes a day.

Start with a few very different intervals (a 2nd, a 5th, an octave) and add more as they become easy.',
   15, 'beginner', '{"questions": [{"q": "The opening of \"Somewhere Over the Rainbow\" (\"Some-where\") jumps up by…", "choices": ["a perfect 5th", "a major 6th", "an octave", "a minor 7th"], "answer": 2}, {"q": "Which melody is a common reference for the ascending perfect 4th?", "choices": ["The Jaws theme", "Here Comes the Bride", "Happy Birthday", "My Bonnie Lies Over the Ocean"], "answer": 1}, {"q": "The two-note Jaws theme is a reference for the…", "choices": ["minor 2nd", "major 3rd", "perfect 5th", "octave"], "answer": 0}]}'::jsonb,
   15, 5, 'production', NULL::text, 4, true),
  ('53714108-ec66-50b2-af55-c1982bff88d9'::uuid, 'lesson_intervals_5', '8df49aa9-f3a1-5676-9228-ebcef8da981c'::uuid, 'intervals_5',
   'Intervals 5: Inversions and Compound Intervals',
   'Flipping intervals upside down and naming intervals wider than an octave.',
   '## Inverting an interval

To **invert** an interval, move the lower note up an octave (or the upper note down an octave). C up to E becomes E up to C.

Three rules tell you the result:

- **The numbers add up to 9.** A 3rd inverts to a 6th, a 2nd to a 7th, a 4th to a 5th.
- **Major and minor swap**, as do augmented and diminished. **Perfect stays perfect.**
- **The half steps add up to 12.** A major 3rd (4) inverts to a minor 6th (8).

So C–E (major 3rd) inverts to E–C (minor 6th), and C–F (perfect 4th) inverts to F–C (perfect 5th). The tritone (6 half steps) inverts to another tritone.

## Compound intervals

Intervals larger than an octave are **compound** intervals. Subtract 7 from the number to find the simple interval inside:

- a **9th** is an octave plus a 2nd
- a **10th** is an octave plus a 3rd
- an **11th** is an octave plus a 4th
- a **13th** is an octave plus a 6th

Compound intervals keep the quality of their simple form: C up to the D an octave and a step above is a major 9th.

## Where you meet them

Chord symbols such as C9, C11 and C13 name the added notes by their compound numbers, because those tones are heard above the basic triad and 7th.',
   15, 'advanced', '{"questions": [{"q": "A major 3rd inverted becomes a…", "choices": ["minor 6th", "major 6th", "perfect 5th", "minor 3rd"], "answer": 0}, {"q": "A 10th is an octave plus a…", "choices": ["2nd", "3rd", "4th", "5th"], "answer": 1}, {"q": "A perfect 4th inverts to a…", "choices": ["perfect 4th", "perfect 5th", "augmented 4th", "major 6th"], "answer": 1}]}'::jsonb,
   15, 5, 'production', NULL::text, 5, true),
  ('dd449018-bb4c-5937-a3f2-a63a2f014b56'::uuid, 'lesson_chords_1', '82dad352-4397-5d0c-9646-cdce7fcc4ad3'::uuid, 'chords_1',
   'Chords 1: Triads',
   'The four kinds of three-note chord: major, minor, diminished and augmented.',
   '## What is a triad?

A **triad** is a three-note chord built by stacking two 3rds. Its notes are the **root**, the **3rd** and the **5th**. Which 3rds you stack decides the chord''s quality.

## The four qualities

| Quality | Stack | Example | Symbol |
|---|---|---|---|
| major | major 3rd + minor 3rd | C–E–G | C |
| minor | minor 3rd + major 3rd | C–E♭–G | Cm |
| diminished | minor 3rd + minor 3rd | C–E♭–G♭ | Cdim or C° |
| augmented | major 3rd + major 3rd | C–E–G♯ | Caug or C+ |

Major and minor triads have a **perfect 5th** between root and 5th. The diminished triad has a diminished 5th, and the augmented triad an augmented 5th.

## How they sound

- **Major**: bright and stable.
- **Minor**: darker, still stable.
- **Diminished**: tense and unstable; it wants to move on.
- **Augmented**: suspended and dreamy; it also wants to move.

## Try it

Play C–E–G, then lower only the E to E♭ and listen to the change from major to minor. Then lower the G to G♭ for diminished, and finally play C–E–G♯ for augmented.',
   5, 'intermediate', '{"questions": [{"q": "Which notes form a C minor triad?", "choices": ["C–E–G", "C–E♭–G", "C–E♭–G♭", "C–E–G♯"], "answer": 1}, {"q": "A diminished triad is built from…", "choices": ["two major 3rds", "two minor 3rds", "a major 3rd, then a minor 3rd", "a minor 3rd, then a major 3rd"], "answer": 1}, {"q": "What is the 5th of a C augmented triad?", "choices": ["G", "G♭", "G♯", "A"], "answer": 2}]}'::jsonb,
   15, 5, NULL, NULL::text, 1, true),
  ('df4d2b16-3831-5627-bb23-a76c9ce59e47'::uuid, 'lesson_chords_2', '82dad352-4397-5d0c-9646-cdce7fcc4ad3'::uuid, 'chords_2',
   'Chords 2: Suspended and Added-Tone Chords',
   'Sus2, sus4, add9 and 6 chords, and when to use them.',
   '## Suspended chords

A **suspended** chord replaces the 3rd with a 2nd or a 4th:

- **Csus2**: C–D–G
- **Csus4**: C–F–G

Without a 3rd the chord is neither major nor minor. It sounds open and unresolved, and a sus4 often resolves down to the 3rd: Csus4 → C.

## Added-tone chords

An **added-tone** chord keeps the full triad and adds one extra note:

- **Cadd9**: C–E–G–D (the D usually sits above the chord)
- **C6**: C–E–G–A

Unlike Csus2, Cadd9 still has its 3rd (E), so it is clearly major, just richer. In a minor key you will meet Cm(add9) and Cm6 as well.

## Using them

- Swap a plain triad for a sus or add9 chord to make a progression feel more modern and less predictable.
- Sus4 → major is a classic way to end a phrase with a little extra tension.
- In pads and guitar parts, sus2 and add9 voicings give width without the weight of a full 7th chord.

## Try it

Play C, then Csus4, then C again and listen to the pull. Then play Csus2 and Cadd9 side by side and notice how the E changes the colour.',
   15, 'intermediate', '{"questions": [{"q": "Which notes form Csus4?", "choices": ["C–E–G", "C–F–G", "C–D–G", "C–E–G–D"], "answer": 1}, {"q": "What does a suspended chord leave out?", "choices": ["the root", "the 3rd", "the 5th", "the 7th"], "answer": 1}, {"q": "How does Cadd9 differ from Csus2?", "choices": ["Cadd9 keeps the 3rd (E)", "Cadd9 has no 5th", "Cadd9 adds a 7th", "They are the same chord"], "answer": 0}]}'::jsonb,
   15, 5, 'production', NULL::text, 2, true),
  ('9b309021-3463-5e3a-bc42-fec24a10e250'::uuid, 'lesson_chords_3', '82dad352-4397-5d0c-9646-cdce7fcc4ad3'::uuid, 'chords_3',
   'Chords 3: Seventh Chords',
   'Major 7th, dominant 7th, minor 7th and diminished 7th chords.',
   '## Adding a fourth note

A **seventh chord** stacks one more 3rd on top of a triad, adding the note a 7th above the root.

| Name | Notes (on C) | Symbol | Triad + 7th |
|---|---|---|---|
| major 7th | C–E–G–B | Cmaj7 | major + major 7th |
| dominant 7th | C–E–G–B♭ | C7 | major + minor 7th |
| minor 7th | C–E♭–G–B♭ | Cm7 | minor + minor 7th |
| half-diminished | C–E♭–G♭–B♭ | Cm7♭5 or Cø7 | diminished + minor 7th |
| diminished 7th | C–E♭–G♭–B♭♭ (= A) | C°7 | diminished + diminished 7th |

## Seventh chords in a major key

Stacking 7ths on each note of C major gives: Cmaj7, Dm7, Em7, Fmaj7, **G7**, Am7, Bø7.

Only the chord on the 5th degree (V) is a dominant 7th. Its 3rd (B) and 7th (F) form a tritone that resolves inward to C and E, which is why **V7 → I** sounds so conclusive.

## How they sound

- **maj7**: soft, lush, a little wistful.
- **7 (dominant)**: bluesy, wants to move.
- **m7**: mellow and smooth.
- **ø7 and °7**: tense, used to lead strongly into the next chord.',
   5, 'intermediate', '{"questions": [{"q": "Which notes form C7 (a dominant 7th chord)?", "choices": ["C–E–G–B", "C–E–G–B♭", "C–E♭–G–B♭", "C–E♭–G♭–B♭"], "answer": 1}, {"q": "In a major key, which scale degree naturally carries the dominant 7th chord?", "choices": ["I", "ii", "IV", "V"], "answer": 3}, {"q": "A half-diminished chord is a diminished triad plus a…", "choices": ["major 7th", "minor 7th", "diminished 7th", "major 6th"], "answer": 1}]}'::jsonb,
   15, 5, 'learning', NULL::text, 3, true),
  ('ccea6bb6-f8d6-571c-81f0-cdc85079d1a3'::uuid, 'lesson_chords_4', '82dad352-4397-5d0c-9646-cdce7fcc4ad3'::uuid, 'chords_4',
   'Chords 4: Inversions and Voice Leading',
   'Putting notes other than the root in the bass, and moving smoothly between chords.',
   '## Inversions

A chord is in **root position** when its root is the lowest note. Put another chord tone in the bass and it is **inverted**:

- **1st inversion**: the 3rd in the bass (C major as E–G–C)
- **2nd inversion**: the 5th in the bass (G–C–E)
- **3rd inversion** (7th chords only): the 7th in the bass

Pop charts write inversions as **slash chords**: C/E means a C chord over an E bass note.

## Voice leading

**Voice leading** is how each note of one chord moves to a note of the next. Smooth voice leading makes a progression sound connected instead of jumpy. The basic guidelines:

1. **Keep common tones** in the same voice.
2. **Move the other voices by step** (or the smallest leap possible).
3. In classical part-writing, **avoid parallel 5ths and octaves** between two voices.

## An example: C – F – G7 – C

| Chord | Voicing (low to high) |
|---|---|
| C | C–E–G |
| F/C | C–F–A |
| G7/B | B–F–G |
| C | C–E–G |

Every voice moves by a step at most: the bass goes C–C–B–C, the middle E–F–F–E and the top G–A–G–G. Inversions make this possible, and the progression sounds far smoother than jumping between root-position chords.',
   15, 'advanced', '{"questions": [{"q": "Which note is in the bass of a first-inversion C major chord?", "choices": ["C", "E", "G", "B"], "answer": 1}, {"q": "What does the slash chord G/B mean?", "choices": ["A G chord with B in the bass", "A B chord with G in the bass", "G and B chords alternating", "A G chord with an added B on top"], "answer": 0}, {"q": "Which is a basic guideline of smooth voice leading?", "choices": ["Move every voice by a leap", "Keep common tones and move the other voices by step", "Always use root position", "Double the 3rd in every chord"], "answer": 1}]}'::jsonb,
   15, 5, 'learning', NULL::text, 4, true),
  ('5ff27a26-ab07-5032-8e9c-434a70a1e190'::uuid, 'lesson_scales_1', '5d35b392-def9-5c20-9283-65dcaf5a9618'::uuid, 'scales_1',
   'Scales & Modes 1: The Major Scale',
   'The step pattern behind every major key, and the names of the scale degrees.',
   '## The pattern

Every major scale follows the same pattern of whole (W) and half (H) steps:

**W – W – H – W – W – W – H**

Starting on C gives the white keys: C D E F G A B C. The half steps fall between E–F and B–C.

## Other keys

Start the pattern on any note and adjust with sharps or flats to keep it:

- **G major**: G A B C D E F♯ G (one sharp)
- **F major**: F G A B♭ C D E F (one flat)
- **D major**: D E F♯ G A B C♯ D (two sharps)

The set of sharps or flats a key needs is its **key signature**.

## Scale degrees

Each note of the scale has a number and a name:

1. tonic
2. supertonic
3. mediant
4. subdominant
5. dominant
6. submediant
7. leading tone

The **tonic** is home. The **dominant** (5) is the strongest pull back to it, and the **leading tone** (7) sits a half step below the tonic and leans into it.

## Try it

Sing or play the C major scale slowly and stop on the 7th note. Notice how strongly it wants to move up to C.',
   5, 'intermediate', '{"questions": [{"q": "Which step pattern makes a major scale?", "choices": ["W W H W W W H", "W H W W H W W", "W W W H W W H", "H W W W H W W"], "answer": 0}, {"q": "Which note is sharp in G major?", "choices": ["C♯", "F♯", "G♯", "D♯"], "answer": 1}, {"q": "The 5th degree of a scale is called the…", "choices": ["subdominant", "mediant", "dominant", "leading tone"], "answer": 2}]}'::jsonb,
   15, 5, 'production', NULL::text, 1, true),
  ('2e057558-3339-51e2-aa5f-885cae907afd'::uuid, 'lesson_scales_2', '5d35b392-def9-5c20-9283-65dcaf5a9618'::uuid, 'scales_2',
   'Scales & Modes 2: The Three Minor Scales',
   'Natural, harmonic and melodic minor, and why each exists.',
   '## Natural minor

The **natural minor** scale follows the pattern **W – H – W – W – H – W – W**. A natural minor uses only white keys: A B C D E F G A.

Every minor key shares its notes with a **relative major** a minor 3rd above: A minor and C major have the same key signature (no sharps or flats).

## Harmonic minor

Natural minor has no leading tone: its 7th (G in A minor) is a whole step below the tonic. **Harmonic minor** raises the 7th by a half step:

A B C D E F **G♯** A

This gives a major V chord (E major instead of E minor), so V → i cadences sound as strong as in major. The wide step between F and G♯ (an augmented 2nd) gives harmonic minor its exotic colour.

## Melodic minor

To smooth out that augmented 2nd in melodies, **melodic minor** raises both the 6th and the 7th on the way up:

A B C D E **F♯ G♯** A

In classical practice it descends as natural minor (G, F). In jazz the raised form is used in both directions and is often just called "melodic minor".

## Hearing the difference

Play all three from A and listen to the last few notes: natural minor sounds folk-like, harmonic minor dramatic, melodic minor smooth and bright.',
   15, 'advanced', '{"questions": [{"q": "Which note is raised in A harmonic minor?", "choices": ["F", "G", "C", "D"], "answer": 1}, {"q": "What is the relative major of A minor?", "choices": ["A major", "E major", "C major", "G major"], "answer": 2}, {"q": "Ascending A melodic minor contains…", "choices": ["F and G", "F♯ and G", "F♯ and G♯", "F and G♯"], "answer": 2}]}'::jsonb,
   15, 5, NULL, NULL::text, 2, true),
  ('ba204193-ff97-5de6-a55d-08cccb85af1a'::uuid, 'lesson_scales_3', '5d35b392-def9-5c20-9283-65dcaf5a9618'::uuid, 'scales_3',
   'Scales & Modes 3: The Modes of the Major Scale',
   'The seven modes and the note that gives each its character.',
   '## Same notes, different home

Play the white keys from C to C and you get C major. Play the same notes starting on another note and you get a **mode**. Each mode has its own pattern of steps, so each has its own mood.

| Mode | White keys from | Character note (vs. major or minor) |
|---|---|---|
| Ionian | C | the major scale itself |
| Dorian | D | minor with a **natural 6th** |
| Phrygian | E | minor with a **♭2** |
| Lydian | F | major with a **♯4** |
| Mixolydian | G | major with a **♭7** |
| Aeolian | A | natural minor |
| Locrian | B | minor with **♭2** and **♭5** |

## Thinking in parallel

Comparing modes on the same root makes their colours easier to hear. On D:

- D Aeolian (natural minor): D E F G A **B♭** C
- D Dorian: D E F G A **B** C

Only one note differs, and that raised 6th is what gives Dorian its brighter, soulful minor sound.

## Where you hear them

- **Dorian**: funk, soul, many "minor" jams.
- **Mixolydian**: rock and blues riffs over a major chord with a ♭7.
- **Lydian**: floating, dreamy film-score moments.
- **Phrygian**: flamenco and metal, thanks to the dark ♭2.',
   10, 'advanced', '{"questions": [{"q": "Which mode starts on the 5th degree of the major scale?", "choices": ["Dorian", "Lydian", "Mixolydian", "Aeolian"], "answer": 2}, {"q": "What distinguishes Lydian from the major (Ionian) scale?", "choices": ["a flat 7th", "a raised 4th", "a flat 3rd", "a flat 2nd"], "answer": 1}, {"q": "Dorian differs from natural minor by its…", "choices": ["raised 6th", "flat 2nd", "raised 7th", "flat 5th"], "answer": 0}]}'::jsonb,
   15, 5, 'learning', NULL::text, 3, true),
  ('4b36b10b-28b8-55c5-aab3-0c20d694c925'::uuid, 'lesson_scales_4', '5d35b392-def9-5c20-9283-65dcaf5a9618'::uuid, 'scales_4',
   'Scales & Modes 4: The Pentatonic Scales',
   'Five-note scales that sound good almost anywhere, plus the blues scale.',
   '## Five notes

A **pentatonic** scale has five notes per octave. The two common ones are:

- **Major pentatonic**: degrees 1, 2, 3, 5, 6 of the major scale. C major pentatonic is **C D E G A**.
- **Minor pentatonic**: degrees 1, ♭3, 4, 5, ♭7. A minor pentatonic is **A C D E G**.

Notice that C major pentatonic and A minor pentatonic use the same five notes, just as C major and A minor do.

## Why it is so easy to use

The major pentatonic leaves out the 4th and 7th of the major scale, the two notes that form half steps. With no half steps there are no harsh clashes, so almost any note works over the basic chords of the key. That is why pentatonics are the first scales many players improvise with.

The five black keys of a piano form a pentatonic scale too: G♭ major pentatonic, or E♭ minor pentatonic.

## The blues scale

Add a **♭5** to the minor pentatonic and you have the **blues scale**:

A C D **E♭** E G

The ♭5 is a passing "blue note", usually slid through rather than held.

## Try it

Loop an A minor chord and improvise using only A C D E G. Then add the E♭ as a quick passing note between D and E.',
   15, 'beginner', '{"questions": [{"q": "Which notes form C major pentatonic?", "choices": ["C D E F G", "C D E G A", "C E♭ F G B♭", "C D F G A"], "answer": 1}, {"q": "A minor pentatonic has the same notes as…", "choices": ["C major pentatonic", "A major pentatonic", "E major pentatonic", "G major pentatonic"], "answer": 0}, {"q": "Which note does the blues scale add to the minor pentatonic?", "choices": ["the ♭5", "the major 3rd", "the major 7th", "the 9th"], "answer": 0}]}'::jsonb,
   15, 5, 'learning', NULL::text, 4, true),
  ('72d29660-327e-5d69-a4dc-5a2511c4c84c'::uuid, 'lesson_rhythm_1', 'c16323dd-71ad-5f4a-8043-6ac5d07ce4bb'::uuid, 'rhythm_1',
   'Rhythm 1: Polyrhythms',
   'Playing two different groupings of the beat at once, such as 3 against 2.',
   '## What is a polyrhythm?

A **polyrhythm** is two or more evenly spaced pulses played at the same time over the same span, where one doesn''t divide evenly into the other. The most common is **3 against 2** (3:2): three even notes in one part against two even notes in another.

## Counting 3:2

Find the smallest grid both parts fit on: the least common multiple of 3 and 2 is **6**. Count six even pulses:

| Pulse | 1 | 2 | 3 | 4 | 5 | 6 |
|---|---|---|---|---|---|---|
| 3-part | X | | X | | X | |
| 2-part | X | | | X | | |

Together the parts hit on pulses 1, 3, 4 and 5. Practise slowly, one hand per part, until the combined rhythm feels like a single pattern.

**4:3** works the same way on a 12-pulse grid: the 4-part plays every 3rd pulse, the 3-part every 4th.

## Polymeter is different

In a **polymeter** the pulses are shared but the patterns have different lengths. A 3-beat loop over a 4/4 groove drifts against the bar line and lines up again only after 12 beats (three bars of 4/4). Producers use this to keep loops evolving.

## Where you hear it

West African and Afro-Cuban drumming, Chopin''s piano music, jazz comping and a lot of modern electronic music all rely on polyrhythm.',
   15, 'advanced', '{"questions": [{"q": "To play 3 against 2, what grid lets you count both parts?", "choices": ["4 pulses", "5 pulses", "6 pulses", "8 pulses"], "answer": 2}, {"q": "In 3:2 on a six-pulse grid, the 2-part plays on pulses…", "choices": ["1 and 3", "1 and 4", "1 and 5", "2 and 5"], "answer": 1}, {"q": "A 3-beat loop over a 4/4 groove lines up with the bar again after…", "choices": ["4 beats", "7 beats", "12 beats", "16 beats"], "answer": 2}]}'::jsonb,
   15, 5, NULL, NULL::text, 1, true),
  ('7c95af0f-3a5c-5c8c-9d00-dd30dd33d707'::uuid, 'lesson_rhythm_2', 'c16323dd-71ad-5f4a-8043-6ac5d07ce4bb'::uuid, 'rhythm_2',
   'Rhythm 2: Note Values and Rests',
   'How long whole, half, quarter, eighth and sixteenth notes last.',
   '## Note values

Note values describe **relative** length; the tempo decides the actual time. In 4/4, where the quarter note gets the beat:

| Note | Beats in 4/4 |
|---|---|
| whole note | 4 |
| half note | 2 |
| quarter note | 1 |
| eighth note | ½ |
| sixteenth note | ¼ |

Each value is half as long as the one above it: one quarter note equals two eighths or four sixteenths.

## Rests

Every note value has a matching **rest** of the same length. A quarter rest is one beat of silence, a half rest two beats. Silence is part of the rhythm, so count rests as carefully as notes.

## Dots and ties

- A **dot** adds half of the note''s value: a dotted half note lasts 3 beats, a dotted quarter 1½ beats.
- A **tie** joins two notes of the same pitch into one longer note, which is how notes are held across a bar line.

## Try it

Tap a steady beat with your foot and clap quarters, then eighths (two per tap), then sixteenths (four per tap), counting "1 e & a" for each beat.',
   5, 'beginner', '{"questions": [{"q": "In 4/4, how many beats does a half note last?", "choices": ["1", "2", "3", "4"], "answer": 1}, {"q": "How long is a dotted quarter note in 4/4?", "choices": ["1 beat", "1½ beats", "2 beats", "3 beats"], "answer": 1}, {"q": "How many sixteenth notes fit in one quarter note?", "choices": ["2", "3", "4", "8"], "answer": 2}]}'::jsonb,
   15, 5, NULL, NULL::text, 2, true),
  ('4ee03486-ad2c-5441-9689-a49112d5ad65'::uuid, 'lesson_rhythm_3', 'c16323dd-71ad-5f4a-8043-6ac5d07ce4bb'::uuid, 'rhythm_3',
   'Rhythm 3: Time Signatures',
   'Reading the two numbers at the start of a piece, from 4/4 to 6/8.',
   '## The two numbers

A **time signature** sits at the start of the music:

- The **top number** tells you how many counts are in each bar.
- The **bottom number** tells you which note value gets one count: 4 is a quarter note, 8 an eighth note, 2 a half note.

## Simple meters

In **simple** meters each beat divides into two:

- **4/4**: four quarter-note beats per bar, strongest on beat 1. Most pop, rock and electronic music.
- **3/4**: three beats per bar ("ONE two three"), the waltz.
- **2/4**: two beats per bar, common in marches.

## Compound meters

In **compound** meters each beat divides into three. **6/8** has six eighth notes per bar, grouped as two beats of three:

**ONE** two three **FOUR** five six

So 6/8 is felt in two, with a lilting, rolling feel, unlike 3/4, which has three beats of two eighths each. 9/8 and 12/8 work the same way with three and four beats.

## Try it

Count 3/4 and 6/8 aloud while clapping six eighth notes. In 3/4 accent notes 1, 3 and 5; in 6/8 accent notes 1 and 4. Same six notes, two different feels.',
   10, 'beginner', '{"questions": [{"q": "In 3/4, how many beats are in each bar?", "choices": ["2", "3", "4", "6"], "answer": 1}, {"q": "A bottom number of 8 means the counting unit is…", "choices": ["a whole note", "a quarter note", "an eighth note", "a sixteenth note"], "answer": 2}, {"q": "How is 6/8 usually felt?", "choices": ["six equally strong beats", "two beats, each divided into three", "three beats, each divided into two", "four beats with a pickup"], "answer": 1}]}'::jsonb,
   15, 5, 'learning', NULL::text, 3, true),
  ('d5bd8e98-67a6-51a0-9b59-fa8c4683f399'::uuid, 'lesson_rhythm_4', 'c16323dd-71ad-5f4a-8043-6ac5d07ce4bb'::uuid, 'rhythm_4',
   'Rhythm 4: Syncopation and Swing',
   'Accenting the off-beats, and the long-short feel of swing.',
   '## Syncopation

**Syncopation** places accents where you don''t expect them: on the off-beats or the weak parts of the bar instead of the main beats. It creates forward motion and groove.

Common ways to syncopate:

- **Off-beat accents**: stress the "&" between beats ("1 **&** 2 **&**").
- **Anticipation**: play a chord or note an eighth note early, on the "&" of 4, and hold it over the bar line.
- **Ties over the beat**: start a note on a weak part of the beat and hold it through the next strong one, so the beat itself is silent.

Reggae guitar skanks, funk bass lines and the push in many pop choruses are all syncopation.

## Swing

In **swing**, pairs of eighth notes are not played evenly. The first of each pair is longer and the second shorter, roughly in a **2:1** ratio, like the first and third notes of a triplet. Written straight eighths are simply played this way in jazz, blues and shuffle styles.

## Swing in a DAW

Most DAWs and drum machines have a **swing** or **shuffle** amount. At 50% the timing is straight; around 66% it matches triplet swing. Small amounts (52–58%) loosen a rigid pattern without making it sound like a shuffle. Apply the same swing to drums and other parts so they lock together.',
   10, 'intermediate', '{"questions": [{"q": "Syncopation means…", "choices": ["accenting the weak or off-beat parts of the bar", "playing faster than the tempo", "using only whole notes", "changing the time signature every bar"], "answer": 0}, {"q": "In a typical swing feel, a pair of eighth notes is played roughly in the ratio…", "choices": ["1:1", "2:1", "1:2", "3:1"], "answer": 1}, {"q": "A swing setting of 50% in a DAW usually means…", "choices": ["full triplet swing", "straight timing", "half tempo", "random timing"], "answer": 1}]}'::jsonb,
   15, 5, 'learning', NULL::text, 4, true),
  ('0f21f53d-8b02-5d52-9464-567b1a5f7f22'::uuid, 'lesson_harmony_1', 'ca32d234-ab7d-52c0-b73a-db3b7a9e10e8'::uuid, 'harmony_1',
   'Harmony 1: Consonance and Dissonance',
   'Why some intervals sound stable and others tense, and why both matter.',
   '## Stable and tense

When two notes sound together, some combinations feel restful and others feel tense. Music theory calls these **consonance** and **dissonance**.

- **Consonant**: unisons, octaves, perfect 5ths, major and minor 3rds and 6ths. The perfect 4th is consonant in most contexts, though classical theory treats it as a dissonance over the bass.
- **Dissonant**: major and minor 2nds, major and minor 7ths, and the tritone.

Consonant intervals have simpler frequency ratios, so their waves line up more often and we hear less roughness.

## Dissonance is not wrong

Dissonance creates **tension**, and tension gives music direction. Most harmony moves between tension and **release**: a dissonant interval or chord is followed by a consonant one, and we hear that as a **resolution**.

Examples:

- The 4th in a sus4 chord resolving down to the 3rd.
- The tritone inside a dominant 7th chord resolving into the tonic chord.
- A melody note clashing with the chord by a 2nd, then stepping to a chord tone.

## Try it

Play C and D together and hold them: notice the rub. Then move the D to E and hear the tension release into a major 3rd.',
   10, 'beginner', '{"questions": [{"q": "Which interval is usually heard as consonant?", "choices": ["minor 2nd", "major 7th", "major 3rd", "tritone"], "answer": 2}, {"q": "Dissonance in music is best described as…", "choices": ["a mistake to avoid", "tension that usually wants to resolve", "any loud sound", "a chord without a root"], "answer": 1}]}'::jsonb,
   15, 5, 'production', NULL::text, 1, true),
  ('eaa8307d-4070-51f6-b8cb-fa0c9aec5fc6'::uuid, 'lesson_harmony_2', 'ca32d234-ab7d-52c0-b73a-db3b7a9e10e8'::uuid, 'harmony_2',
   'Harmony 2: Roman Numerals and Chord Function',
   'Naming the chords of a key by number and understanding what each one does.',
   '## The chords of a key

Build a triad on each note of a major scale and you get seven **diatonic** chords. In C major:

| Numeral | I | ii | iii | IV | V | vi | vii° |
|---|---|---|---|---|---|---|---|
| Chord | C | Dm | Em | F | G | Am | B° |

Upper-case numerals are major chords, lower-case are minor, and ° marks the diminished chord. The pattern is the same in every major key, so a progression written in numerals works in any key.

## Function

Chords do three jobs:

- **Tonic** (I, and often vi and iii): home, rest.
- **Predominant** (ii, IV): moves away from home and prepares the dominant.
- **Dominant** (V, vii°): the strongest tension, pulling back to I.

A typical phrase goes tonic → predominant → dominant → tonic.

## Common progressions

- **I–IV–V–I**: folk, rock and blues.
- **ii–V–I**: the backbone of jazz.
- **I–V–vi–IV**: countless pop songs.

In G major, ii–V–I is Am–D–G; in F major, I–V–vi–IV is F–C–Dm–B♭. Learn progressions as numerals and you can play them in any key.',
   10, 'intermediate', '{"questions": [{"q": "In C major, which chord is vi?", "choices": ["A minor", "A major", "E minor", "F major"], "answer": 0}, {"q": "What quality is the vii° chord in a major key?", "choices": ["major", "minor", "diminished", "augmented"], "answer": 2}, {"q": "In G major, the progression ii–V–I is…", "choices": ["Am–D–G", "C–D–G", "Em–C–G", "Bm–D–G"], "answer": 0}]}'::jsonb,
   15, 5, NULL, NULL::text, 2, true),
  ('30aa966e-1214-5d66-947b-85226cee672c'::uuid, 'lesson_harmony_3', 'ca32d234-ab7d-52c0-b73a-db3b7a9e10e8'::uuid, 'harmony_3',
   'Harmony 3: Secondary Dominants',
   'Borrowing the dominant of another chord to give it extra pull.',
   '## The dominant of a chord other than I

The V chord pulls strongly toward I. A **secondary dominant** borrows that pull for another chord of the key: it is the V (or V7) of that chord, written **V/x** ("five of x").

In C major:

| Secondary dominant | Chord | Resolves to |
|---|---|---|
| V/ii | A (A7) | Dm |
| V/iii | B (B7) | Em |
| V/IV | C7 | F |
| V/V | D (D7) | G |
| V/vi | E (E7) | Am |

The vii° chord has no secondary dominant, because a diminished chord cannot serve as a temporary tonic.

## How to spot one

A secondary dominant contains a note from outside the key, and that note is usually the **leading tone** of its target. D major (V/V) contains F♯, which leads up to G. E major (V/vi) contains G♯, which leads up to A.

V/IV is a special case: the C chord is diatonic, so it only becomes a secondary dominant once you add the B♭ to make C7.

## Using them

Replace the chord before any diatonic chord with that chord''s dominant. For example, C–Am–Dm–G becomes **C–A7–Dm–G**: the A7 makes the move to Dm sound inevitable. This brief focus on a chord other than I is called **tonicization**.',
   10, 'advanced', '{"questions": [{"q": "In C major, what is V/V?", "choices": ["G", "D", "A", "E"], "answer": 1}, {"q": "Which note of D major (V/V in C major) is outside the key of C?", "choices": ["D", "F♯", "A", "C"], "answer": 1}, {"q": "In C major, V7/IV is…", "choices": ["C7", "F7", "G7", "B♭7"], "answer": 0}]}'::jsonb,
   15, 5, 'learning', NULL::text, 3, true),
  ('bfadb784-66fe-5ac3-8714-a2fe12bfa21c'::uuid, 'lesson_production_1', 'fd41cbab-cf75-54b9-a209-a51b295f15d3'::uuid, 'production_1',
   'Production Basics 1: Gain Staging',
   'Setting healthy levels at every point of the signal chain.',
   '## What it is

**Gain staging** means setting a sensible level at every point of the signal chain: the microphone preamp, the recorded clip, each plugin, each channel fader and the master bus. Good levels leave **headroom** (room before clipping) and keep noise low.

## Recording

At 24-bit there is no need to record hot. Aim for peaks around **−12 to −6 dBFS**. That leaves plenty of headroom for unexpected loud moments, and the noise floor is still far below the music. Anything that reaches **0 dBFS** at the converter clips and cannot be repaired.

## Mixing

- Most DAWs mix in floating point, so a channel going over 0 dB inside the mixer rarely clips, but the final output and many plugins still can.
- **Analogue-modelled plugins** (compressors, saturators, console emulations) react to input level just like hardware: drive them harder and they colour the sound more. Feed them a consistent level, around −18 dBFS average is a common reference.
- Use **clip gain** or a trim plugin to balance sources before processing, rather than pulling faders to extremes.
- Leave a few dB of headroom on the master bus for mastering.

## Quick check

Play the loudest section of your song. If the master peaks above about −3 dBFS before any mastering, lower the individual tracks, not the master fader.',
   5, 'beginner', '{"questions": [{"q": "What is gain staging?", "choices": ["Setting good levels at each point of the signal chain", "Adding distortion on purpose", "Panning tracks", "Choosing a sample rate"], "answer": 0}, {"q": "When recording at 24-bit, which peak level leaves safe headroom?", "choices": ["0 dBFS", "+6 dBFS", "−12 to −6 dBFS", "−60 dBFS"], "answer": 2}, {"q": "Why does input level matter for analogue-modelled plugins?", "choices": ["They colour the sound more when driven harder", "They change the tempo", "They mute everything below −20 dB", "It does not matter at all"], "answer": 0}]}'::jsonb,
   15, 5, 'learning', NULL::text, 1, true),
  ('6103d3ce-007f-5749-8f11-44dd86ddc4c8'::uuid, 'lesson_production_2', 'fd41cbab-cf75-54b9-a209-a51b295f15d3'::uuid, 'production_2',
   'Production Basics 2: EQ Basics',
   'Filters, shelves and bells, and where the important frequency ranges sit.',
   '## What EQ does

An **equaliser** (EQ) turns frequency ranges up or down. Use it to make each sound clearer and to stop sounds from masking each other.

## The tools

- **High-pass filter (HPF)**: removes content *below* a cutoff. Use it to clear rumble from vocals, guitars and other non-bass sounds.
- **Low-pass filter (LPF)**: removes content *above* a cutoff.
- **Shelf**: raises or lowers everything above (high shelf) or below (low shelf) a frequency.
- **Bell (peak)**: boosts or cuts around a centre frequency. **Q** sets the width: high Q is narrow, low Q is wide.

## Frequency ranges

| Range | Roughly | Typical content |
|---|---|---|
| sub | 20–60 Hz | felt more than heard, kick and 808 weight |
| bass | 60–250 Hz | body of bass and kick |
| low mids | 250–500 Hz | warmth, or "mud" when overcrowded |
| mids | 500 Hz–2 kHz | the core of most instruments |
| presence | 2–5 kHz | clarity, attack, vocal intelligibility |
| air | 10 kHz and up | shimmer and breath |

## Habits that help

1. **Cut before you boost**, and cut narrow, boost wide.
2. EQ in the context of the mix, not in solo.
3. Match the level before and after, so "louder" is not mistaken for "better".',
   10, 'beginner', '{"questions": [{"q": "What does a high-pass filter do?", "choices": ["Removes content below the cutoff", "Removes content above the cutoff", "Boosts the high end", "Compresses the signal"], "answer": 0}, {"q": "The Q control of a bell EQ sets…", "choices": ["the width of the band", "the output level", "the attack time", "the stereo width"], "answer": 0}, {"q": "Muddiness in a mix usually sits around…", "choices": ["20–40 Hz", "250–500 Hz", "5–8 kHz", "12–16 kHz"], "answer": 1}]}'::jsonb,
   15, 5, 'production', NULL::text, 2, true),
  ('43c403c8-2110-5b27-a423-4add44cd1478'::uuid, 'lesson_production_3', 'fd41cbab-cf75-54b9-a209-a51b295f15d3'::uuid, 'production_3',
   'Production Basics 3: Loudness, LUFS and True Peak',
   'How loudness is measured and what streaming normalisation means for your master.',
   '## Measuring loudness

Peak meters show the highest sample, not how loud a track *feels*. **LUFS** (Loudness Units relative to Full Scale) measure perceived loudness, weighting frequencies the way the ear hears them.

- **Integrated LUFS**: the average over the whole track. This is the number platforms use.
- **Short-term** (3 s) and **momentary** (400 ms): loudness of the current passage.
- **Loudness range (LRA)**: how much the loudness varies, a measure of macro-dynamics.

## Normalisation

Streaming services turn tracks to a common loudness. Spotify and YouTube aim for about **−14 LUFS** integrated and Apple Music for about **−16 LUFS**. A master louder than the target is simply turned down, so squeezing out extra loudness with a limiter buys nothing and costs punch and dynamics.

## True peak

When digital audio is converted to analogue or to a lossy format, the reconstructed waveform can rise above the highest sample. These **inter-sample peaks** are measured as **true peak** (dBTP). Keep the true peak at or below **−1 dBTP**, or lower for very loud masters, to avoid distortion after encoding.

## A practical target

Master for the sound you want, check integrated loudness, keep the true peak at −1 dBTP or below, and compare with reference tracks at matched loudness.',
   5, 'advanced', '{"questions": [{"q": "What does LUFS measure?", "choices": ["Perceived loudness over time", "The highest sample value only", "Tempo", "Stereo width"], "answer": 0}, {"q": "A common true-peak ceiling for streaming masters is…", "choices": ["+1 dBTP", "0 dBTP", "−1 dBTP", "−14 dBTP"], "answer": 2}, {"q": "If your master is louder than a platform''s normalisation target, the platform usually…", "choices": ["turns it down", "turns it up", "rejects it", "adds compression"], "answer": 0}]}'::jsonb,
   15, 5, NULL, NULL::text, 3, true),
  ('a4a3b99d-0d48-589e-9ab4-e97d254a2e45'::uuid, 'lesson_production_4', 'fd41cbab-cf75-54b9-a209-a51b295f15d3'::uuid, 'production_4',
   'Production Basics 4: Compression Basics',
   'Threshold, ratio, attack, release and makeup gain.',
   '## What a compressor does

A **compressor** turns a signal down when it gets louder than a set level, which reduces the difference between loud and quiet parts. Used well, it makes sounds more even, more present and punchier.

## The controls

- **Threshold**: the level above which compression starts.
- **Ratio**: how strongly it compresses. At **4:1**, a signal 8 dB over the threshold comes out only 2 dB over.
- **Attack**: how quickly it reacts once the signal crosses the threshold.
- **Release**: how quickly it stops compressing after the signal falls back.
- **Knee**: whether compression starts abruptly (hard) or gradually (soft).
- **Makeup gain**: raises the output to restore the level lost to compression.

Watch the **gain reduction** meter to see how much the compressor is working.

## Starting points

- **Vocals**: ratio 3:1 to 4:1, medium attack, 3–6 dB of gain reduction.
- **Drums**: a slower attack lets the initial transient through for punch; a fast attack softens it.
- **Release**: set it so the meter recovers before the next hit, roughly in time with the song.

## Parallel compression

Blend a heavily compressed copy of a track with the dry original. You keep the natural transients and add density underneath, a classic trick on drums and vocals.

Always compare with bypass at matched level: compression that only makes things louder isn''t helping.',
   15, 'intermediate', '{"questions": [{"q": "With a 4:1 ratio, a signal 8 dB over the threshold comes out how far over?", "choices": ["1 dB", "2 dB", "4 dB", "8 dB"], "answer": 1}, {"q": "A slower attack time tends to…", "choices": ["let transients through and keep the punch", "remove all transients", "raise the threshold", "change the pitch"], "answer": 0}, {"q": "What is makeup gain for?", "choices": ["Restoring level lost to gain reduction", "Setting the threshold", "Speeding up the release", "Adding reverb"], "answer": 0}]}'::jsonb,
   15, 5, 'learning', NULL::text, 4, true),
  ('2c18377c-baff-5622-b299-f144b0c5ce4b'::uuid, 'lesson_production_5', 'fd41cbab-cf75-54b9-a209-a51b295f15d3'::uuid, 'production_5',
   'Production Basics 5: Reverb and Delay',
   'Adding space and depth with reverbs, echoes and tempo-synced delays.',
   '## Reverb

**Reverb** simulates the reflections of a space. Common types:

- **Room**: short and natural, glues parts together.
- **Hall**: long and lush, for strings, pads and ballads.
- **Plate**: bright and smooth, a classic on vocals and snares.
- **Spring**: twangy, the sound of guitar amps.

Key controls are **decay** (how long the tail lasts) and **pre-delay** (the gap before the tail starts). A little pre-delay, 10–30 ms, keeps a vocal clear in front of its reverb.

## Delay

**Delay** repeats the sound after a set time. **Feedback** sets how many repeats you hear. Two classics:

- **Slapback**: one quick echo of about 80–120 ms, heard on rockabilly vocals and guitars.
- **Tempo-synced delay**: repeats on a note value. One quarter note lasts 60,000 ÷ BPM milliseconds, so at 120 BPM a quarter-note delay is 500 ms and an eighth-note delay 250 ms. Dotted-eighth delays give a rolling, rhythmic feel.

## Use sends, not inserts

Put reverb and delay on **send (aux) buses** set to 100% wet. Several tracks can share one space, which sounds more cohesive and saves CPU, and you control each track''s amount with its send.

Filter the returns: a high-pass around 200–400 Hz and a gentle low-pass keep the effects from clouding the mix.',
   10, 'beginner', '{"questions": [{"q": "At 120 BPM, how long is a quarter-note delay?", "choices": ["250 ms", "500 ms", "1000 ms", "120 ms"], "answer": 1}, {"q": "Why put reverb on a send (aux) bus?", "choices": ["Several tracks can share one reverb, and each send sets how much", "It makes the reverb mono", "It removes the need for EQ", "It brings latency to zero"], "answer": 0}, {"q": "Pre-delay is…", "choices": ["the gap before the reverb tail starts", "the total decay time", "the number of echoes", "the EQ of the reverb"], "answer": 0}]}'::jsonb,
   15, 5, NULL, NULL::text, 5, true)
) AS v (id, legacy_id, topic_id, key, title, description, content_markdown, duration_minutes, difficulty, quiz,
        xp_reward, coin_reward, skill_key, audio_storage_key, sort_order, is_published)
WHERE EXISTS (SELECT 1 FROM learn_topics t WHERE t.id = v.topic_id)
ON CONFLICT DO NOTHING;

-- v2 is the active flow; v1 is kept, inactive, for users who started it.
INSERT INTO onboarding_flows (id, legacy_id, version, name, description, is_active, total_steps)
VALUES
  ('c40ac494-672e-53a1-b1a6-ba804bd72740', 'flow_main_v1', 1, 'Main Onboarding', 'Primary onboarding flow for new users', false, 10),
  ('2517020e-c2ac-56f2-a58b-f42251acdfb3', 'flow_main_v2', 2, 'Main Onboarding v2', 'Shorter flow with interest picker first', true, 6)
ON CONFLICT DO NOTHING;

-- A step goes in only with its flow. ON CONFLICT names (id): a deferrable unique constraint
-- ((flow_id, step_order)) cannot be an arbiter, so a bare ON CONFLICT is refused.
INSERT INTO onboarding_steps
  (id, legacy_id, flow_id, step_order, step_type, title, description, target_selector, target_route,
   fallback_content, options, allows_multiple, required, action_type, action_config)
SELECT v.* FROM (VALUES
  ('3d4c2554-b87b-5b2c-91a5-2b6ff9881033'::uuid, 'step_1_welcome', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 1, 'explain', 'Welcome to Ignition',
   'Ignition brings focus sessions, habits, quests and learning together in one place. Let''s get you set up.',
   NULL::text, '/today'::text, NULL::text, NULL::jsonb, false, false, NULL::text, NULL::jsonb),
  ('ded2d5d7-43f3-530d-ba38-5b86f6c9246b'::uuid, 'step_2_interests', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 2, 'choice', 'What interests you?',
   'Choose the areas you want to work on. We''ll tailor your quests and suggestions to them.',
   NULL::text, NULL::text, NULL::text, '["focus", "fitness", "learning", "music", "habits", "creativity"]'::jsonb, true, true, NULL::text, NULL::jsonb),
  ('c5277c02-6c5c-5d34-8438-65d623a2ea97'::uuid, 'step_3_intensity', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 3, 'preference', 'How should we nudge you?',
   'Choose how often and how firmly Ignition reminds you. You can change this later in Settings.',
   NULL::text, NULL::text, NULL::text, '{"options": ["gentle", "standard", "energetic"], "default": "standard"}'::jsonb, false, true, NULL::text, NULL::jsonb),
  ('54fa3aae-d641-54b5-8ca2-cbca03d64408'::uuid, 'step_4_focus_intro', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 4, 'tour', 'Focus Sessions',
   'Start a timed focus session here. Every session you finish earns XP and coins.',
   '#step-4-focus-intro'::text, '/focus'::text, NULL::text, NULL::jsonb, false, false, NULL::text, NULL::jsonb),
  ('fb7caf8e-3b5c-5317-bc17-dda26ccd5f5b'::uuid, 'step_5_quests_intro', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 5, 'tour', 'Quests',
   'Daily and weekly quests are small goals with rewards. Check here for today''s quests.',
   '#step-5-quests-intro'::text, '/quests'::text, NULL::text, NULL::jsonb, false, false, NULL::text, NULL::jsonb),
  ('7f21f435-584e-578a-bd3d-96d37ca3a1e7'::uuid, 'step_6_ignitions', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 6, 'tour', 'Ignitions',
   'Ignitions are quick starters for when you feel stuck: pick one and get going right away.',
   '#step-6-ignitions'::text, '/ignitions'::text, NULL::text, NULL::jsonb, false, false, NULL::text, NULL::jsonb),
  ('0c6f8c69-b546-5bbf-ba3e-037b4c512a54'::uuid, 'step_7_progress', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 7, 'tour', 'Your Progress',
   'Follow your streaks, XP, level and achievements over time.',
   '#step-7-progress'::text, '/progress'::text, NULL::text, NULL::jsonb, false, false, NULL::text, NULL::jsonb),
  ('f8e5a144-117c-56d3-8a51-5d70e33312d7'::uuid, 'step_8_focus_duration', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 8, 'preference', 'Default Focus Duration',
   'How long should a focus session last by default? You can still change it for each session.',
   NULL::text, NULL::text, NULL::text, '{"options": [300, 600, 1500, 1800], "default": 300, "labels": ["5 min", "10 min", "25 min", "30 min"]}'::jsonb, false, true, NULL::text, NULL::jsonb),
  ('6c8f8d38-2d95-5b4d-b01f-fa193b180705'::uuid, 'step_9_gamification', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 9, 'preference', 'Rewards Visibility',
   'Choose how prominently XP, coins and rewards show up in the app.',
   NULL::text, NULL::text, NULL::text, '{"options": ["always", "subtle", "hidden"], "default": "always"}'::jsonb, false, true, NULL::text, NULL::jsonb),
  ('4078c7aa-5162-538e-88b3-2682b48fa50f'::uuid, 'step_10_complete', 'c40ac494-672e-53a1-b1a6-ba804bd72740'::uuid, 10, 'action', 'Ready to Begin',
   'You''re all set. Head to Today and start your first focus session.',
   NULL::text, '/today'::text, NULL::text, '{"action_type": "complete_onboarding"}'::jsonb, false, false, 'complete_onboarding'::text, '{"redirect": "/today"}'::jsonb),
  ('17b8ee05-2899-56c9-b68a-e42887fdf396'::uuid, 'v2_step_1_interests', '2517020e-c2ac-56f2-a58b-f42251acdfb3'::uuid, 1, 'choice', 'Pick up to three areas',
   'Choose up to three areas to start with. We''ll tailor your quests and suggestions to them.',
   NULL::text, NULL::text, NULL::text, '["focus", "fitness", "learning", "music", "habits", "creativity", "reading"]'::jsonb, true, true, NULL::text, NULL::jsonb),
  ('c3df7952-cd44-58b6-a207-102052fc7a01'::uuid, 'v2_step_2_welcome', '2517020e-c2ac-56f2-a58b-f42251acdfb3'::uuid, 2, 'explain', 'Welcome to Ignition ✨',
   'Ignition turns small, regular actions into visible progress. Here is a quick look around.',
   NULL::text, '/today'::text, NULL::text, NULL::jsonb, false, false, NULL::text, NULL::jsonb),
  ('523a0c67-d1aa-555e-8540-2a720bcf85b3'::uuid, 'v2_step_3_focus', '2517020e-c2ac-56f2-a58b-f42251acdfb3'::uuid, 3, 'tour', 'Start a focus session',
   'Start a timed focus session here. Every session you finish earns XP and coins.',
   '#v2-step-3-focus'::text, '/focus'::text, NULL::text, NULL::jsonb, false, false, NULL::text, NULL::jsonb),
  ('674767af-a30a-54ff-b6aa-190580f81a40'::uuid, 'v2_step_4_habits', '2517020e-c2ac-56f2-a58b-f42251acdfb3'::uuid, 4, 'tour', 'Track a habit',
   'Add a habit and check it off each day to build a streak.',
   '#v2-step-4-habits'::text, '/habits'::text, NULL::text, NULL::jsonb, false, false, NULL::text, NULL::jsonb),
  ('7d0a8d91-d88b-5fee-93cc-39200af56b25'::uuid, 'v2_step_5_prefs', '2517020e-c2ac-56f2-a58b-f42251acdfb3'::uuid, 5, 'preference', 'Nudges & rewards',
   'Choose how firmly Ignition nudges you and how visible rewards are. You can change both in Settings.',
   NULL::text, NULL::text, NULL::text, '{"nudge": ["gentle", "standard", "energetic"], "rewards": ["always", "subtle", "hidden"]}'::jsonb, false, true, NULL::text, NULL::jsonb),
  ('60038fb4-4c7f-58a9-9f64-7461ce5b52d2'::uuid, 'v2_step_6_done', '2517020e-c2ac-56f2-a58b-f42251acdfb3'::uuid, 6, 'action', 'You''re set',
   'That''s it. Head to Today and start your first focus session.',
   NULL::text, '/today'::text, NULL::text, '{"action_type": "complete_onboarding"}'::jsonb, false, false, 'complete_onboarding'::text, '{"redirect": "/today"}'::jsonb)
) AS v (id, legacy_id, flow_id, step_order, step_type, title, description, target_selector, target_route,
        fallback_content, options, allows_multiple, required, action_type, action_config)
WHERE EXISTS (SELECT 1 FROM onboarding_flows f WHERE f.id = v.flow_id)
ON CONFLICT (id) DO NOTHING;

INSERT INTO universal_quests
  (id, legacy_id, title, description, type, xp_reward, coin_reward, target, skill_key, is_active, created_by)
VALUES
  ('43c98c00-6626-599d-94fe-a79613c161b3', 'uq_focus_1', 'Complete a Focus Session', 'Finish one focus session today.', 'daily', 25, 10, 1, 'focus', true, NULL),
  ('4894d5ae-909a-567d-b6bc-d3a6decff12d', 'uq_focus_3', 'Focus Hat Trick', 'Finish three focus sessions today.', 'daily', 50, 20, 3, 'focus', true, NULL),
  ('991ceade-8164-5a4c-84b9-3b90819a3dd1', 'uq_habit_1', 'Check In', 'Log at least one habit today.', 'daily', 15, 5, 1, NULL, true, NULL),
  ('2fa3b5a2-885e-5ac1-8838-9571c912469f', 'uq_learn_1', 'Learn Something New', 'Complete a lesson today.', 'daily', 20, 10, 1, 'learning', true, NULL),
  ('64f2842d-afd4-5a52-a6b5-3bdd05565929', 'uq_workout_1', 'Get Moving', 'Log a workout today.', 'daily', 30, 15, 1, 'fitness', true, NULL),
  ('21238532-ceac-51c7-97bf-adb8b5c9849d', 'uq_weekly_focus', 'Focus Master', 'Finish 10 focus sessions this week.', 'weekly', 100, 50, 10, 'focus', true, NULL),
  ('a6982cd0-3b21-57ec-8c1d-b50e11ab404d', 'uq_weekly_habits', 'Habit Champion', 'Log habits 5 times this week.', 'weekly', 75, 35, 5, NULL, true, NULL),
  ('079734a0-2789-5083-8901-273996e7874d', 'uq_weekly_learn', 'Knowledge Seeker', 'Complete 5 lessons this week.', 'weekly', 80, 40, 5, 'learning', true, NULL)
ON CONFLICT DO NOTHING;
