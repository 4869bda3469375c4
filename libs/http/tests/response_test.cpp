#include <catch2/catch.hpp>

#include <ignition/http/request.hpp>
#include <stdexcept>
#include <string>

using ignition::http::Field;
using ignition::http::Response;
using ignition::http::Status;

TEST_CASE("a response's fields are head text: set replaces, insert adds, lookups ignore case") {
  Response res(Status::created);
  CHECK(res.result_int() == 201);
  CHECK(res.begin() == res.end());
  res.set(Field::content_type, "application/json");
  res.insert(Field::set_cookie, "a=1");
  res.insert("Set-Cookie", "b=2");
  res.set("X-Request-Id", "r1");
  CHECK(res.field_text() ==
        "Content-Type: application/json\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Request-Id: r1\r\n");
  CHECK(res["content-type"] == "application/json");
  CHECK(res[Field::set_cookie] == "a=1");  // the first of several
  CHECK(res["x-missing"].empty());
  CHECK(res.find(Field::vary) == res.end());

  res.set(Field::set_cookie, "c=3");  // replaces both
  res.set("x-request-id", "r2");
  std::string seen;
  for (const auto& field : res) seen += std::string(field.name) + "=" + std::string(field.value) + ";";
  CHECK(seen == "Content-Type=application/json;Set-Cookie=c=3;x-request-id=r2;");

  res.erase(Field::content_type);
  res.erase("Not-There");
  CHECK(res.field_text() == "Set-Cookie: c=3\r\nx-request-id: r2\r\n");
  res.set("Empty", "");
  CHECK(res["empty"].empty());
  CHECK(res.find("empty") != res.end());
}

TEST_CASE("a response field cannot split the head") {
  Response res;
  CHECK_THROWS_AS(res.set("X-Note", "a\r\nSet-Cookie: session=stolen"), std::invalid_argument);
  CHECK_THROWS_AS(res.insert("X-Note", std::string("a\0b", 3)), std::invalid_argument);
  CHECK_THROWS_AS(res.set("X-Bad\nName", "v"), std::invalid_argument);
  CHECK_THROWS_AS(res.set("X-Bad: Name", "v"), std::invalid_argument);
  CHECK_THROWS_AS(res.set("", "v"), std::invalid_argument);
  CHECK_THROWS_AS(res.set(Field::location, "/next\n"), std::invalid_argument);  // a Field's value is checked too
  res.set("X-Text", "caf\xc3\xa9 au lait");
  CHECK(res["x-text"] == "caf\xc3\xa9 au lait");
  CHECK(res.field_text() == "X-Text: caf\xc3\xa9 au lait\r\n");
}
