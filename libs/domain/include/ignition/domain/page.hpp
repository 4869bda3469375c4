#pragma once
/// Keyset paging shared by every list: rows come newest first by (key, id) and a page
/// continues strictly after the last row it showed, so rows added while a client pages
/// never repeat or shift a page. The cursor carries the key as Postgres printed it
/// (microseconds intact) and the row id.
///
/// A list statement takes the paging parameters last, in this order, and reads:
///   ... AND (key, id) < ($k::timestamptz, $k+1::uuid) ORDER BY key DESC, id DESC LIMIT $k+2
/// (`add_page_params` binds them; a first page binds 'infinity' and the largest uuid).

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include <ignition/common/uuid.hpp>
#include <ignition/db/connection.hpp>
#include <ignition/db/params.hpp>
#include <ignition/db/result.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::domain {

struct Cursor {
  std::string key;  // a timestamptz or date in Postgres' text form
  Uuid id;

  std::string encode() const;
  /// nullopt for anything this server did not make.
  static std::optional<Cursor> decode(std::string_view token);
};

struct PageRequest {
  static constexpr int default_limit = 50;
  static constexpr int max_limit = 100;

  int limit = default_limit;
  std::optional<Cursor> after;
};

struct Page {
  std::string items;  // a JSON array, as text (domain::to_json_text)
  std::optional<std::string> next_cursor;
};

/// Runs a list statement: binds the paging parameters after `params`, fetches limit + 1
/// rows and returns the page (`key_column` names the sort key).
boost::asio::awaitable<Page> fetch_page(db::Pool& pool, const db::Statement& statement, db::Params params,
                                        PageRequest page, std::string_view key_column);

/// Binds the three paging parameters (key, id, limit + 1).
void add_page_params(db::Params& params, const PageRequest& page);

/// The page of a result fetched with limit + 1 rows; `key_column` names the sort key.
Page take_page(const db::Result& result, const PageRequest& page, std::string_view key_column);

}  // namespace ignition::domain
