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

constexpr std::size_t max_title = 200;
constexpr std::size_t max_description = 5000;
constexpr std::size_t max_location = 200;
constexpr std::size_t max_recurrence_rule = 500;
constexpr std::size_t max_color = 32;
constexpr std::int64_t max_reminder_minutes = 40'320;  // four weeks

std::optional<std::string> event_type(json::ObjectReader& reader) {
  return reader.one_of("event_type", false, {"general", "focus", "workout", "reminder"});
}

calendar::NewEvent read_new(json::ObjectReader& reader) {
  calendar::NewEvent event;
  event.title = reader.string("title", true, 1, max_title).value_or("");
  event.description = reader.string("description", false, 0, max_description);
  event.event_type = event_type(reader).value_or("general");
  event.starts_at = reader.timestamp("starts_at", true).value_or(Timestamp{});
  event.ends_at = reader.timestamp("ends_at", false);
  event.all_day = reader.boolean("all_day", false).value_or(false);
  event.location = reader.string("location", false, 0, max_location);
  event.recurrence_rule = reader.string("recurrence_rule", false, 0, max_recurrence_rule);
  event.recurrence_end = reader.timestamp("recurrence_end", false);
  event.color = reader.string("color", false, 0, max_color);
  event.reminder_minutes = reader.integer("reminder_minutes", false, 0, max_reminder_minutes);
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

// Whether the end still follows the start is decided by the domain against the stored row.
calendar::EventChanges read_changes(json::ObjectReader& reader) {
  calendar::EventChanges changes;
  changes.title = change(reader, "title", false, [&] { return reader.string("title", false, 1, max_title); });
  changes.description =
      change(reader, "description", true, [&] { return reader.string("description", false, 0, max_description); });
  changes.event_type = change(reader, "event_type", false, [&] { return event_type(reader); });
  changes.starts_at = change(reader, "starts_at", false, [&] { return reader.timestamp("starts_at", false); });
  changes.ends_at = change(reader, "ends_at", true, [&] { return reader.timestamp("ends_at", false); });
  changes.all_day = change(reader, "all_day", false, [&] { return reader.boolean("all_day", false); });
  changes.location =
      change(reader, "location", true, [&] { return reader.string("location", false, 0, max_location); });
  changes.recurrence_rule = change(reader, "recurrence_rule", true,
                                   [&] { return reader.string("recurrence_rule", false, 0, max_recurrence_rule); });
  changes.recurrence_end =
      change(reader, "recurrence_end", true, [&] { return reader.timestamp("recurrence_end", false); });
  changes.color = change(reader, "color", true, [&] { return reader.string("color", false, 0, max_color); });
  changes.reminder_minutes = change(reader, "reminder_minutes", true,
                                    [&] { return reader.integer("reminder_minutes", false, 0, max_reminder_minutes); });
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
