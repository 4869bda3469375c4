#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <ignition/common/log.hpp>
#include <ignition/common/time.hpp>

#include <cmath>
#include <limits>

namespace ilog = ignition::log;  // plain `log` would clash with ::log from <cmath>

namespace {

boost::json::object render_json(std::string_view msg, std::initializer_list<ilog::Field> fields) {
  const auto line = ilog::render(ilog::Level::info, msg, fields, ilog::Format::json);
  INFO(line);
  REQUIRE(line.find('\n') == std::string::npos);
  boost::system::error_code ec;
  auto value = boost::json::parse(line, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(value.is_object());
  return value.get_object();
}

}  // namespace

TEST_CASE("JSON lines carry ts, level, msg and fields in order") {
  const std::string owned = "owned";
  const auto line =
      ilog::render(ilog::Level::warn, "hello", {{"user", "ada"}, {"n", 42}, {"ratio", 0.5}, {"ok", true}, {"s", owned}},
                   ilog::Format::json);
  const auto prefix = std::string_view(R"({"ts":")");
  REQUIRE(line.starts_with(prefix));
  const auto ts = line.substr(prefix.size(), 24);
  CHECK(ignition::parse_rfc3339(ts));
  CHECK(line.substr(prefix.size() + 24) ==
        R"(","level":"warn","msg":"hello","user":"ada","n":42,"ratio":0.5,"ok":true,"s":"owned"})");
}

TEST_CASE("JSON escaping keeps one valid line") {
  const std::string_view nasty = "quote\" backslash\\ newline\n tab\t bell\x07 caf\xc3\xa9";
  const auto line = ilog::render(ilog::Level::info, nasty, {}, ilog::Format::json);
  CHECK(line.find(R"(quote\" backslash\\ newline\u000a tab\u0009 bell\u0007 caf)") != std::string::npos);
  const auto object = render_json(nasty, {{"k\"ey", nasty}});
  CHECK(object.at("msg").as_string() == nasty);
  CHECK(object.at("k\"ey").as_string() == nasty);
}

TEST_CASE("Invalid UTF-8 becomes U+FFFD") {
  const auto object = render_json("bad \xff\xc3 end", {});
  CHECK(object.at("msg").as_string() == "bad \xef\xbf\xbd\xef\xbf\xbd end");
}

TEST_CASE("Non-finite doubles render as null in JSON") {
  const auto object =
      render_json("m", {{"nan", std::nan("")}, {"inf", std::numeric_limits<double>::infinity()}, {"big", 1e300}});
  CHECK(object.at("nan").is_null());
  CHECK(object.at("inf").is_null());
  CHECK(object.at("big").as_double() == 1e300);
}

TEST_CASE("Values of secret-looking keys are redacted, case-insensitively") {
  const auto object = render_json("login", {{"access_token", "t0k3n"},
                                            {"Set-Cookie", "sid=abc"},
                                            {"CLIENT_SECRET", "s3cr3t"},
                                            {"newPassword", "hunter2"},
                                            {"passwd", "hunter3"},
                                            {"Authorization", "Bearer xyz"},
                                            {"x_api_key", "k"},
                                            {"token_count", 3},
                                            {"user", "ada"}});
  for (const auto* key : {"access_token", "Set-Cookie", "CLIENT_SECRET", "newPassword", "passwd", "Authorization",
                          "x_api_key", "token_count"}) {
    INFO(key);
    CHECK(object.at(key).as_string() == "[redacted]");
  }
  CHECK(object.at("user").as_string() == "ada");
  const auto line = ilog::render(ilog::Level::info, "login", {{"Authorization", "Bearer xyz"}}, ilog::Format::json);
  CHECK(line.find("xyz") == std::string::npos);
}

TEST_CASE("Text format is ts level msg key=value") {
  const auto line = ilog::render(ilog::Level::error, "request failed",
                                 {{"status", 500}, {"path", "/a b"}, {"ok", false}, {"token", "t"}, {"empty", ""}},
                                 ilog::Format::text);
  const auto space = line.find(' ');
  REQUIRE(space != std::string::npos);
  CHECK(ignition::parse_rfc3339(line.substr(0, space)));
  CHECK(line.substr(space) == R"( error request failed status=500 path="/a b" ok=false token=[redacted] empty="")");
  const auto multi = ilog::render(ilog::Level::info, "a\nb", {{"v", "x\ny"}}, ilog::Format::text);
  CHECK(multi.find('\n') == std::string::npos);
}

TEST_CASE("Levels: parse, configure and enabled") {
  ilog::Level level{};
  CHECK(ilog::parse_level("debug", level));
  CHECK(level == ilog::Level::debug);
  CHECK(ilog::parse_level("warn", level));
  CHECK(level == ilog::Level::warn);
  CHECK_FALSE(ilog::parse_level("verbose", level));
  CHECK(level == ilog::Level::warn);

  CHECK(ilog::enabled(ilog::Level::info));  // default threshold
  CHECK_FALSE(ilog::enabled(ilog::Level::debug));
  ilog::configure(ilog::Level::error, ilog::Format::json);
  CHECK_FALSE(ilog::enabled(ilog::Level::warn));
  CHECK(ilog::enabled(ilog::Level::error));
  ilog::info("suppressed");
  ilog::configure(ilog::Level::info, ilog::Format::json);
  CHECK(ilog::enabled(ilog::Level::info));
}

TEST_CASE("an omitted field is left out of the line") {
  auto line = ilog::render(ilog::Level::info, "request",
                           {{"status", 200}, ilog::Field::omitted("user_id"), {"route", "/x"}}, ilog::Format::json);
  CHECK_THAT(line, Catch::EndsWith(R"("msg":"request","status":200,"route":"/x"})"));
  CHECK_THAT(line, !Catch::Contains("user_id"));
}
