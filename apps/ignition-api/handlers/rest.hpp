#pragma once
// What every domain handler repeats: the signed-in user, ids from the path, paging from
// the query, the shapes of success responses, and PATCH fields.

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string_view>

#include <ignition/common/json.hpp>
#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/http/request.hpp>
#include <ignition/http/response.hpp>

namespace ignition::api {

/// The signed-in user's id (401 without a session).
Uuid user_of(const http::Request& request);

/// A UUID path parameter; a malformed one is a 404, as if no such row existed.
Uuid path_id(const http::Request& request, std::string_view name = "id");

/// `?limit=` (1..100, default 50); a bad one is added to `problems`.
int page_limit(const http::Request& request, std::map<std::string, std::string>& problems);
/// `?limit=` and `?cursor=`; 400 `validation_failed` otherwise.
domain::PageRequest page_request(const http::Request& request);

/// A query parameter, percent-decoded; 400 naming it when it is not UTF-8 text without NUL.
std::optional<std::string> query(const http::Request& request, std::string_view name);

/// `?from=&to=`: RFC 3339 timestamps or dates (a date covers its whole day, UTC); an
/// absent bound stays open. 400 `validation_failed` for anything else, or from after to.
struct TimeRange {
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
};
TimeRange time_range(const http::Request& request);

http::Response ok(const boost::json::object& body);
http::Response created(const boost::json::object& body);
http::Response no_content();
/// {"items": [...]} for collections returned whole (catalogues, a goal's milestones).
http::Response items_response(boost::json::array items);
/// {"items": [...], "next_cursor": "..."|null}
http::Response page_response(domain::Page page);

/// A PATCH field read with `read` when present: null clears it when `nullable`, and is a
/// validation problem otherwise.
template <typename Read>
auto change(json::ObjectReader& reader, std::string_view key, bool nullable, Read read)
    -> domain::Change<typename decltype(read())::value_type> {
  if (!reader.has(key)) return {};
  if (reader.any(key, false) == nullptr) {
    if (!nullable) reader.fail(key, "must not be null");
    return {true, std::nullopt};
  }
  return {true, read()};
}

}  // namespace ignition::api
