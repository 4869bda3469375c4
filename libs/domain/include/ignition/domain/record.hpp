#pragma once
/// Domain results are JSON objects shaped from query rows by column type: the column
/// label is the key, and the Postgres type decides the JSON type (integers and floats
/// are numbers, booleans booleans, json/jsonb nested values, timestamptz RFC 3339 UTC
/// strings, dates "YYYY-MM-DD", everything else text). A SELECT list is thereby the
/// one place that decides what a domain returns.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <ignition/db/params.hpp>
#include <ignition/db/result.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ignition::domain {

/// Row `row` of `result` as an object.
boost::json::object to_object(const db::Result& result, int row);
/// The first row; throws Error(not_found, "no such <what>") when there is none.
boost::json::object one_or_not_found(const db::Result& result, std::string_view what);
/// The first `limit` rows (all when negative) as an array of objects.
boost::json::array to_array(const db::Result& result, int limit = -1);
/// The same array written straight to JSON text, without building values: the path for
/// lists, which are the largest responses.
std::string to_json_text(const db::Result& result, int limit = -1);

/// SQL for the user's current calendar day, "today" in the `timezone` of their settings
/// (UTC without one), for a statement whose $1 is the user id.
inline constexpr const char* user_today_sql =
    "(now() AT TIME ZONE coalesce((SELECT settings->>'timezone' FROM user_settings WHERE user_id = $1), 'UTC'))::date";

/// A list of strings as a json/jsonb parameter (tags and the like).
db::JsonText json_param(const std::vector<std::string>& strings);
std::optional<db::JsonText> json_param(const std::optional<std::vector<std::string>>& strings);
/// A JSON document as a json/jsonb parameter; an absent one binds NULL.
db::JsonText json_param(const boost::json::value& document);
std::optional<db::JsonText> json_param(const std::optional<boost::json::object>& document);

/// Error(not_found) in the contract's words: "no such <what>".
[[noreturn]] void throw_not_found(std::string_view what);

}  // namespace ignition::domain
