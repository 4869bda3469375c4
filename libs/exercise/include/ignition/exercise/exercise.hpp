#pragma once
/// Exercises (the built-in catalogue plus each user's own), workout plans, performed
/// workouts with their logged sets, and personal records. Built-in exercises are read-only
/// to everyone. Every logged workout is compared with the user's best so far: a set that
/// beats a record adds a record row that remembers the value it beat.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::exercise {

namespace rules {
inline constexpr domain::Text name{1, 200};
inline constexpr domain::Text text{0, 5'000};  // descriptions and notes
inline constexpr domain::Text category{1, 64};
inline constexpr domain::TextList muscle_groups{10, {1, 64}};
inline constexpr domain::Text equipment{1, 64};
inline constexpr domain::Range estimated_duration_minutes{1, 1'440};
inline constexpr std::size_t max_sets = 200;  // in one logged workout
inline constexpr domain::Range reps{0, 10'000};
inline constexpr domain::Measure weight_kg{0, 2'000};
inline constexpr domain::Range duration_seconds{0, 86'400};
inline constexpr domain::Range rating{1, 5};
inline constexpr domain::Measure perceived_effort{0, 10};
}  // namespace rules

struct NewExercise {
  std::string name;
  std::optional<std::string> description;
  std::string category;
  std::vector<std::string> muscle_groups;
  std::optional<std::string> equipment;
};

struct ExerciseChanges {
  domain::Change<std::string> name;
  domain::Change<std::string> description;
  domain::Change<std::string> category;
  domain::Change<std::vector<std::string>> muscle_groups;
  domain::Change<std::string> equipment;
};

struct NewWorkout {
  std::string name;
  std::optional<std::string> description;
  std::optional<std::int64_t> estimated_duration_minutes;
  bool is_template = false;
  std::optional<boost::json::object> structure;
};

struct WorkoutChanges {
  domain::Change<std::string> name;
  domain::Change<std::string> description;
  domain::Change<std::int64_t> estimated_duration_minutes;
  domain::Change<bool> is_template;
  domain::Change<boost::json::object> structure;
};

struct Set {
  Uuid exercise_id;
  std::int64_t reps = 0;
  double weight_kg = 0;
};

struct WorkoutLog {
  std::optional<Timestamp> started_at;  // now when absent
  std::optional<Timestamp> completed_at;
  std::optional<std::int64_t> duration_seconds;
  std::vector<Set> sets;
  std::optional<std::string> notes;
  std::optional<std::int64_t> rating;
  std::optional<double> perceived_effort;
};

domain::Check check(const NewExercise& exercise);
domain::Check check(const ExerciseChanges& changes);
domain::Check check(const NewWorkout& workout);
domain::Check check(const WorkoutChanges& changes);
domain::Check check(const Set& set);
/// The log's rules, each set's as "sets[i].field".
domain::Check check(const WorkoutLog& log);

boost::asio::awaitable<boost::json::object> create_exercise(db::Pool& pool, Uuid user, NewExercise exercise);
/// The user's own exercise or a built-in one.
boost::asio::awaitable<boost::json::object> get_exercise(db::Pool& pool, Uuid user, Uuid id);
/// Built-in and own exercises, newest first.
boost::asio::awaitable<domain::Page> list_exercises(db::Pool& pool, Uuid user, domain::PageRequest page);
/// Own exercises only: a built-in one is Error(not_found) here, as for any other row the
/// user may not change.
boost::asio::awaitable<boost::json::object> update_exercise(db::Pool& pool, Uuid user, Uuid id,
                                                            ExerciseChanges changes);
boost::asio::awaitable<void> remove_exercise(db::Pool& pool, Uuid user, Uuid id);

boost::asio::awaitable<boost::json::object> create_workout(db::Pool& pool, Uuid user, NewWorkout workout);
boost::asio::awaitable<boost::json::object> get_workout(db::Pool& pool, Uuid user, Uuid id);
boost::asio::awaitable<domain::Page> list_workouts(db::Pool& pool, Uuid user, domain::PageRequest page);
boost::asio::awaitable<boost::json::object> update_workout(db::Pool& pool, Uuid user, Uuid id, WorkoutChanges changes);
boost::asio::awaitable<void> remove_workout(db::Pool& pool, Uuid user, Uuid id);

/// Logs a performed workout of plan `workout` in one transaction: the session row, the
/// records its sets beat, the activity event and the achievements. Every set must name an
/// exercise the user can see (Error(validation_failed) otherwise). Returns
/// {session, new_records: [...]}.
boost::asio::awaitable<boost::json::object> log_workout(db::Pool& pool, Uuid user, Uuid workout, WorkoutLog log);

/// The current record of each exercise and kind (max_weight, 1rm, max_reps).
boost::asio::awaitable<boost::json::array> records(db::Pool& pool, Uuid user);

}  // namespace ignition::exercise
