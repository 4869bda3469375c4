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

std::optional<boost::json::object> metadata(json::ObjectReader& reader) {
  const auto* value = reader.any("metadata", false);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) {
    reader.fail("metadata", "must be an object");
    return std::nullopt;
  }
  return value->get_object();
}

// `from`/`to` are RFC 3339 timestamps or dates (a date covers its whole day, UTC), as
// for the focus stats.
std::optional<Timestamp> bound(const Request& req, std::string_view name, bool end_of_day,
                               std::map<std::string, std::string>& problems) {
  auto text = query(req, name);
  if (!text) return std::nullopt;
  if (auto t = parse_rfc3339(*text)) return *t;
  if (auto day = parse_date(*text)) {
    auto t = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::sys_days(*day));
    return end_of_day ? t + std::chrono::days(1) : t;
  }
  problems[std::string(name)] = "must be an RFC 3339 timestamp or a date YYYY-MM-DD";
  return std::nullopt;
}

asio::awaitable<Response> create(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
  calendar::NewEvent event;
  auto title = reader.string("title", true, 1, max_title);
  event.description = reader.string("description", false, 0, max_description);
  event.event_type = event_type(reader).value_or("general");
  auto starts_at = reader.timestamp("starts_at", true);
  event.ends_at = reader.timestamp("ends_at", false);
  event.all_day = reader.boolean("all_day", false).value_or(false);
  event.location = reader.string("location", false, 0, max_location);
  event.recurrence_rule = reader.string("recurrence_rule", false, 0, max_recurrence_rule);
  event.recurrence_end = reader.timestamp("recurrence_end", false);
  event.color = reader.string("color", false, 0, max_color);
  event.reminder_minutes = reader.integer("reminder_minutes", false, 0, max_reminder_minutes);
  event.metadata = metadata(reader);
  reader.finish();
  event.title = std::move(*title);
  event.starts_at = *starts_at;
  auto created_event = co_await calendar::create(d.pool, user, std::move(event));
  co_return created(created_event);
}

asio::awaitable<Response> list(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  std::map<std::string, std::string> problems;
  calendar::Range range;
  range.from = bound(req, "from", false, problems);
  range.to = bound(req, "to", true, problems);
  if (range.from && range.to && *range.from > *range.to) problems["from"] = "must not be after to";
  if (!problems.empty()) throw Error("invalid range", std::move(problems));
  const auto paging = page_request(req);
  auto page = co_await calendar::list(d.pool, user, range, paging);
  co_return page_response(std::move(page));
}

asio::awaitable<Response> update(DomainDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  auto body = json_object_body(req);
  json::ObjectReader reader(body);
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
  changes.metadata = change(reader, "metadata", true, [&] { return metadata(reader); });
  reader.finish();
  // Whether the end still follows the start is decided by the domain against the stored row.
  auto event = co_await calendar::update(d.pool, user, id, std::move(changes));
  co_return ok(event);
}

}  // namespace

void add_calendar_routes(http::Router& router, DomainDeps d) {
  router.add(Verb::post, "/api/v1/calendar/events", with_deps(d, create));
  router.add(Verb::get, "/api/v1/calendar/events", with_deps(d, list));
  router.add(Verb::get, "/api/v1/calendar/events/{id}", with_deps(d, get_owned<calendar::get>));
  router.add(Verb::patch, "/api/v1/calendar/events/{id}", with_deps(d, update));
  router.add(Verb::delete_, "/api/v1/calendar/events/{id}", with_deps(d, remove_owned<calendar::remove>));
}

}  // namespace ignition::api
