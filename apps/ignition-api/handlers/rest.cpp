#include "rest.hpp"

#include <ignition/common/parse.hpp>

#include <ignition/common/error.hpp>
#include <ignition/guard/layers.hpp>

#include "query.hpp"

namespace ignition::api {

Uuid user_of(const http::Request& request) { return guard::require_principal(request).user.id; }

Uuid path_id(const http::Request& request, std::string_view name) {
  auto id = Uuid::parse(request.param(name));
  if (!id) throw Error(ErrorCode::not_found, "no such resource");
  return *id;
}

std::optional<std::string> query(const http::Request& request, std::string_view name) {
  bool malformed = false;
  auto value = query_param(request.query, name, &malformed);
  if (malformed) throw Error("invalid query", {{std::string(name), "must be UTF-8 text without NUL"}});
  return value;
}

int page_limit(const http::Request& request, std::map<std::string, std::string>& problems) {
  auto limit = query(request, "limit");
  if (!limit) return domain::PageRequest::default_limit;
  const auto value = parse_integer<int>(*limit);
  if (!value || *value < 1 || *value > domain::PageRequest::max_limit) {
    problems["limit"] = "must be an integer 1..100";
    return domain::PageRequest::default_limit;
  }
  return *value;
}

domain::PageRequest page_request(const http::Request& request) {
  domain::PageRequest page;
  std::map<std::string, std::string> problems;
  page.limit = page_limit(request, problems);
  if (auto cursor = query(request, "cursor")) {
    page.after = domain::Cursor::decode(*cursor);
    if (!page.after) problems["cursor"] = "is not a cursor from a previous page";
  }
  if (!problems.empty()) throw Error("invalid paging parameters", std::move(problems));
  return page;
}

namespace {
std::optional<Timestamp> bound(const http::Request& request, std::string_view name, bool end_of_day,
                               std::map<std::string, std::string>& problems) {
  auto text = query(request, name);
  if (!text) return std::nullopt;
  if (auto t = parse_rfc3339(*text)) return *t;
  if (auto day = parse_date(*text)) {
    auto t = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::sys_days(*day));
    return end_of_day ? t + std::chrono::days(1) : t;
  }
  problems[std::string(name)] = "must be an RFC 3339 timestamp or a date YYYY-MM-DD";
  return std::nullopt;
}
}  // namespace

TimeRange time_range(const http::Request& request) {
  std::map<std::string, std::string> problems;
  TimeRange range{bound(request, "from", false, problems), bound(request, "to", true, problems)};
  if (range.from && range.to && *range.from > *range.to) problems["from"] = "must not be after to";
  if (!problems.empty()) throw Error("invalid time range", std::move(problems));
  return range;
}

http::Response ok(const boost::json::object& body) { return http::json_response(http::Status::ok, body); }

http::Response created(const boost::json::object& body) { return http::json_response(http::Status::created, body); }

http::Response no_content() { return http::Response(http::Status::no_content); }

http::Response items_response(boost::json::array items) {
  boost::json::object body;
  body["items"] = std::move(items);
  return ok(body);
}

http::Response page_response(domain::Page page) {
  // Written as text: the items already are (domain::to_json_text), and the cursor is base64url.
  http::Response res(http::Status::ok);
  res.set(http::Field::content_type, "application/json; charset=utf-8");
  std::string& body = res.body();
  body.reserve(page.items.size() + 64);
  body.append("{\"items\":").append(page.items).append(",\"next_cursor\":");
  if (page.next_cursor)
    body.append(1, '"').append(*page.next_cursor).append(1, '"');
  else
    body.append("null");
  body.append(1, '}');
  return res;
}

}  // namespace ignition::api
