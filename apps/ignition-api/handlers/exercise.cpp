#include <ignition/exercise/exercise.hpp>

#include "bind.hpp"
#include "crud.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

exercise::NewExercise read_new_exercise(json::ObjectReader& r) {
  exercise::NewExercise e;
  e.name = r.string("name", true).value_or("");
  e.description = r.string("description", false);
  e.category = r.string("category", true).value_or("");
  e.muscle_groups = r.strings("muscle_groups", false).value_or(std::vector<std::string>{});
  e.equipment = r.string("equipment", false);
  return e;
}

exercise::ExerciseChanges read_exercise_changes(json::ObjectReader& r) {
  exercise::ExerciseChanges c;
  c.name = change(r, "name", false, [&] { return r.string("name", false); });
  c.description = change(r, "description", true, [&] { return r.string("description", false); });
  c.category = change(r, "category", false, [&] { return r.string("category", false); });
  c.muscle_groups = change(r, "muscle_groups", false, [&] { return r.strings("muscle_groups", false); });
  c.equipment = change(r, "equipment", true, [&] { return r.string("equipment", false); });
  return c;
}

exercise::NewWorkout read_new_workout(json::ObjectReader& r) {
  exercise::NewWorkout w;
  w.name = r.string("name", true).value_or("");
  w.description = r.string("description", false);
  w.estimated_duration_minutes = r.integer("estimated_duration_minutes", false);
  w.is_template = r.boolean("is_template", false).value_or(false);
  w.structure = r.object("structure", false);
  return w;
}

exercise::WorkoutChanges read_workout_changes(json::ObjectReader& r) {
  exercise::WorkoutChanges c;
  c.name = change(r, "name", false, [&] { return r.string("name", false); });
  c.description = change(r, "description", true, [&] { return r.string("description", false); });
  c.estimated_duration_minutes =
      change(r, "estimated_duration_minutes", true, [&] { return r.integer("estimated_duration_minutes", false); });
  c.is_template = change(r, "is_template", false, [&] { return r.boolean("is_template", false); });
  c.structure = change(r, "structure", true, [&] { return r.object("structure", false); });
  return c;
}

exercise::Set read_set(json::ObjectReader& r) {
  exercise::Set set;
  if (auto id = r.string("exercise_id", true)) {
    if (auto parsed = Uuid::parse(*id))
      set.exercise_id = *parsed;
    else
      r.fail("exercise_id", "must be a UUID");
  }
  set.reps = r.integer("reps", true).value_or(0);
  set.weight_kg = r.number("weight_kg", false).value_or(0);
  // The set's rules go with its own problems: a set the parser drops is not checked with the log.
  r.fail(exercise::check(set).problems());
  return set;
}

asio::awaitable<Response> log_workout(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid workout = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  exercise::WorkoutLog log;
  log.started_at = reader.timestamp("started_at", false);
  log.completed_at = reader.timestamp("completed_at", false);
  log.duration_seconds = reader.integer("duration_seconds", false);
  log.sets = reader.objects("sets", true, exercise::rules::max_sets, read_set).value_or(std::vector<exercise::Set>{});
  log.notes = reader.string("notes", false);
  log.rating = reader.integer("rating", false);
  log.perceived_effort = reader.number("perceived_effort", false);
  reader.finish(exercise::check(log).problems());
  auto logged = co_await exercise::log_workout(d.pool, user, workout, std::move(log));
  co_return created(logged);
}

asio::awaitable<Response> records(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto items = co_await exercise::records(d.pool, user);
  co_return items_response(std::move(items));
}

}  // namespace

void add_exercise_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/exercises", policy,
             with_deps(d, create_owned<read_new_exercise, exercise::create_exercise>));
  router.add(Verb::get, "/api/v1/exercises", policy, with_deps(d, list_owned<exercise::list_exercises>));
  router.add(Verb::get, "/api/v1/exercises/{id}", policy, with_deps(d, get_owned<exercise::get_exercise>));
  router.add(Verb::patch, "/api/v1/exercises/{id}", policy,
             with_deps(d, update_owned<read_exercise_changes, exercise::update_exercise>));
  router.add(Verb::delete_, "/api/v1/exercises/{id}", policy, with_deps(d, remove_owned<exercise::remove_exercise>));
  router.add(Verb::post, "/api/v1/workouts", policy,
             with_deps(d, create_owned<read_new_workout, exercise::create_workout>));
  router.add(Verb::get, "/api/v1/workouts", policy, with_deps(d, list_owned<exercise::list_workouts>));
  router.add(Verb::get, "/api/v1/workouts/{id}", policy, with_deps(d, get_owned<exercise::get_workout>));
  router.add(Verb::patch, "/api/v1/workouts/{id}", policy,
             with_deps(d, update_owned<read_workout_changes, exercise::update_workout>));
  router.add(Verb::delete_, "/api/v1/workouts/{id}", policy, with_deps(d, remove_owned<exercise::remove_workout>));
  router.add(Verb::post, "/api/v1/workouts/{id}/sessions", policy, with_deps(d, log_workout));
  router.add(Verb::get, "/api/v1/exercise/records", policy, with_deps(d, records));
}

}  // namespace ignition::api
