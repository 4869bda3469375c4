#include <ignition/calendar/calendar.hpp>
#include <ignition/common/error.hpp>

#include "bind.hpp"
#include "crud.hpp"
#include "domains.hpp"
#include "json_body.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Verb;

namespace ignition::api {

namespace {

calendar::NewEvent read_new(json::ObjectReader& reader) {
  calendar::NewEvent event;
  event.title = reader.string("title", true).value_or("");
  event.description = reader.string("description", false);
  event.event_type = reader.string("event_type", false).value_or("general");
  event.starts_at = reader.timestamp("starts_at", true).value_or(Timestamp{});
  event.ends_at = reader.timestamp("ends_at", false);
  event.all_day = reader.boolean("all_day", false).value_or(false);
  event.location = reader.string("location", false);
  event.recurrence_rule = reader.string("recurrence_rule", false);
  event.recurrence_end = reader.timestamp("recurrence_end", false);
  event.color = reader.string("color", false);
  event.reminder_minutes = reader.integer("reminder_minutes", false);
  event.metadata = reader.object("metadata", false);
  return event;
}

asio::awaitable<Response> list(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const auto bounds = time_range(req);
  const calendar::Range range{bounds.from, bounds.to};
  const auto paging = page_request(req);
  auto page = co_await calendar::list(d.pool, user, range, paging);
  co_return page_response(std::move(page));
}

calendar::EventChanges read_changes(json::ObjectReader& reader) {
  calendar::EventChanges changes;
  changes.title = change(reader, "title", false, [&] { return reader.string("title", false); });
  changes.description = change(reader, "description", true, [&] { return reader.string("description", false); });
  changes.event_type = change(reader, "event_type", false, [&] { return reader.string("event_type", false); });
  changes.starts_at = change(reader, "starts_at", false, [&] { return reader.timestamp("starts_at", false); });
  changes.ends_at = change(reader, "ends_at", true, [&] { return reader.timestamp("ends_at", false); });
  changes.all_day = change(reader, "all_day", false, [&] { return reader.boolean("all_day", false); });
  changes.location = change(reader, "location", true, [&] { return reader.string("location", false); });
  changes.recurrence_rule =
      change(reader, "recurrence_rule", true, [&] { return reader.string("recurrence_rule", false); });
  changes.recurrence_end =
      change(reader, "recurrence_end", true, [&] { return reader.timestamp("recurrence_end", false); });
  changes.color = change(reader, "color", true, [&] { return reader.string("color", false); });
  changes.reminder_minutes =
      change(reader, "reminder_minutes", true, [&] { return reader.integer("reminder_minutes", false); });
  changes.metadata = change(reader, "metadata", true, [&] { return reader.object("metadata", false); });
  return changes;
}

}  // namespace

void add_calendar_routes(http::Router& router, DomainDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/calendar/events", policy, with_deps(d, create_owned<read_new, calendar::create>));
  router.add(Verb::get, "/api/v1/calendar/events", policy, with_deps(d, list));
  router.add(Verb::get, "/api/v1/calendar/events/{id}", policy, with_deps(d, get_owned<calendar::get>));
  router.add(Verb::patch, "/api/v1/calendar/events/{id}", policy,
             with_deps(d, update_owned<read_changes, calendar::update>));
  router.add(Verb::delete_, "/api/v1/calendar/events/{id}", policy, with_deps(d, remove_owned<calendar::remove>));
}

}  // namespace ignition::api
