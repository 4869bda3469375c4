#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <ignition/common/crypto.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/domain/change.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
namespace asio = boost::asio;

namespace {
const db::Statement shapes{
    "test_domain_shapes",
    "SELECT 42::int AS n, 9007199254740993::bigint AS big, true AS yes, ('say \"hi\"' || chr(10) || chr(9) || 'tab \\ "
    "✓') AS words,"
    " '2026-01-07 12:00:00.98765+00'::timestamptz AS at, '2026-01-07 12:00:00+00'::timestamptz AS whole,"
    " '{\"k\": [1, null]}'::jsonb AS doc, NULL::text AS nothing, 'NaN'::float8 AS nan, 1.5::float8 AS half,"
    " '2026-02-28'::date AS day, '6f1c1d4e-3b0a-5c7e-9a51-1a2b3c4d5e6f'::uuid AS id"};

db::Result query(const std::string& url) {
  return testing::run([&]() -> asio::awaitable<db::Result> {
    db::PoolConfig config;
    config.url = url;
    config.size = 1;
    db::Pool pool(co_await asio::this_coro::executor, config);
    auto rows = co_await pool.execute(shapes);
    pool.close();
    co_return rows;
  }());
}
}  // namespace

TEST_CASE("rows are shaped by column type, the same as values and as text") {
  testing::TestDatabase database("domain_shapes");
  const db::Result rows = query(database.url());
  const auto object = domain::to_object(rows, 0);
  CHECK(object.at("n").as_int64() == 42);
  CHECK(object.at("big").as_int64() == 9007199254740993);
  CHECK(object.at("yes").as_bool());
  CHECK(object.at("words").as_string() == "say \"hi\"\n\ttab \\ ✓");
  CHECK(object.at("at").as_string() == "2026-01-07T12:00:00.987Z");  // milliseconds, truncated
  CHECK(object.at("whole").as_string() == "2026-01-07T12:00:00.000Z");
  CHECK(object.at("doc").at("k").as_array().size() == 2);
  CHECK(object.at("nothing").is_null());
  CHECK(object.at("half").as_double() == 1.5);
  CHECK(object.at("day").as_string() == "2026-02-28");
  CHECK(object.at("id").as_string() == "6f1c1d4e-3b0a-5c7e-9a51-1a2b3c4d5e6f");

  // The text writer gives the same document (NaN has no JSON number: null in both).
  const auto text = boost::json::parse(domain::to_json_text(rows));
  auto expected = domain::to_array(rows);
  expected[0].as_object()["nan"] = nullptr;
  auto written = text.as_array();
  CHECK(written[0].as_object().at("nan").is_null());
  written[0].as_object()["nan"] = nullptr;
  CHECK(boost::json::serialize(written) == boost::json::serialize(expected));
}

TEST_CASE("cursors round-trip and refuse anything the server did not make") {
  const domain::Cursor cursor{"2026-01-07 12:00:00.123456+00", *Uuid::parse("6f1c1d4e-3b0a-5c7e-9a51-1a2b3c4d5e6f")};
  const auto back = domain::Cursor::decode(cursor.encode());
  REQUIRE(back);
  CHECK(back->key == cursor.key);
  CHECK(back->id == cursor.id);
  CHECK_FALSE(domain::Cursor::decode("2026-03-01"));
  CHECK_FALSE(domain::Cursor::decode(crypto::base64url_encode("'; DROP TABLE x|6f1c1d4e-3b0a-5c7e-9a51-1a2b3c4d5e6f")));
  CHECK_FALSE(domain::Cursor::decode(crypto::base64url_encode("2026-01-07 12:00:00+00|not-a-uuid")));
}

TEST_CASE("PATCH assignments keep a column unless its flag is set") {
  CHECK(domain::change_assignments({"title", "body"}, 3) ==
        "title = CASE WHEN $3::boolean THEN $4 ELSE title END, body = CASE WHEN $5::boolean THEN $6 ELSE body END");
}
