#include <ignition/domain/page.hpp>

#include <ignition/common/crypto.hpp>
#include <ignition/common/time.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::domain {

namespace {
// Sorts after every real key and id, so a first page needs no separate statement.
constexpr std::string_view first_key = "infinity";
constexpr std::string_view first_id = "ffffffff-ffff-ffff-ffff-ffffffffffff";

bool valid_key(std::string_view key) { return parse_pg_timestamp(key).has_value() || parse_date(key).has_value(); }
}  // namespace

std::string Cursor::encode() const { return crypto::base64url_encode(key + '|' + id.to_string()); }

std::optional<Cursor> Cursor::decode(std::string_view token) {
  if (token.size() > 200) return std::nullopt;
  auto raw = crypto::base64url_decode(token);
  if (!raw) return std::nullopt;
  auto bar = raw->rfind('|');
  if (bar == std::string::npos) return std::nullopt;
  auto id = Uuid::parse(std::string_view(*raw).substr(bar + 1));
  std::string key = raw->substr(0, bar);
  if (!id || !valid_key(key)) return std::nullopt;
  return Cursor{std::move(key), *id};
}

void add_page_params(db::Params& params, const PageRequest& page) {
  if (page.after) {
    params.add(page.after->key);
    params.add(page.after->id);
  } else {
    params.add(first_key);
    params.add(first_id);
  }
  params.add(page.limit + 1);
}

boost::asio::awaitable<Page> fetch_page(db::Pool& pool, const db::Statement& statement, db::Params params,
                                        PageRequest page, std::string_view key_column) {
  add_page_params(params, page);
  auto rows = co_await pool.execute(statement, std::move(params));
  co_return take_page(rows, page, key_column);
}

Page take_page(const db::Result& result, const PageRequest& page, std::string_view key_column) {
  Page out;
  out.items = to_json_text(result, page.limit);
  if (result.rows() > page.limit) {
    const db::Row last = result[page.limit - 1];
    const int key = result.column(key_column);
    const int id = result.column("id");
    out.next_cursor = Cursor{std::string(last.text(key)), last.get<Uuid>(id)}.encode();
  }
  return out;
}

}  // namespace ignition::domain
