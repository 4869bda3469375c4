#include <catch2/catch.hpp>
#include <ignition/common/uuid.hpp>

#include <set>

using ignition::Uuid;

TEST_CASE("Uuid::v5 matches the RFC 4122 / Python uuid5 vector") {
  const auto dns = Uuid::parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  REQUIRE(dns);
  CHECK(Uuid::v5(*dns, "www.example.com").to_string() == "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  CHECK(Uuid::v5(*dns, "www.example.com") == Uuid::v5(*dns, "www.example.com"));
  CHECK(Uuid::v5(*dns, "www.example.org") != Uuid::v5(*dns, "www.example.com"));
}

TEST_CASE("Uuid::v4 sets version and variant bits and is random") {
  std::set<Uuid> seen;
  for (int i = 0; i < 100; ++i) {
    const auto id = Uuid::v4();
    CHECK(id.bytes()[6] >> 4 == 4);
    CHECK((id.bytes()[8] & 0xC0) == 0x80);
    const auto text = id.to_string();
    CHECK(text[14] == '4');
    CHECK(std::string_view("89ab").find(text[19]) != std::string_view::npos);
    CHECK(Uuid::parse(text) == id);
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("Uuid::parse accepts either case and prints lower case") {
  const auto id = Uuid::parse("6BA7B810-9DAD-11D1-80B4-00C04FD430C8");
  REQUIRE(id);
  CHECK(id->to_string() == "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  CHECK(id->bytes()[0] == 0x6b);
  CHECK(id->bytes()[15] == 0xc8);
}

TEST_CASE("Uuid::parse rejects malformed ids") {
  for (const auto* bad : {
           "",
           "6ba7b810-9dad-11d1-80b4-00c04fd430c",    // too short
           "6ba7b810-9dad-11d1-80b4-00c04fd430c80",  // too long
           "6ba7b8109dad11d180b400c04fd430c8",       // no dashes
           "6ba7b810-9dad-11d1-80b400c04fd430c8-",   // dash in the wrong place
           "6ba7b81-09dad-11d1-80b4-00c04fd430c8",   // dash in the wrong place
           "6ba7b810-9dad-11d1-80b4-00c04fd430cg",   // not hex
           "{6ba7b810-9dad-11d1-80b4-00c04fd430c}",  // braces
           " 6ba7b810-9dad-11d1-80b4-00c04fd430c",   // whitespace
           "6ba7b810-9dad-11d1-80b4+00c04fd430c8",
       }) {
    INFO(bad);
    CHECK_FALSE(Uuid::parse(bad));
  }
}

TEST_CASE("Uuid nil and ordering") {
  CHECK(Uuid().is_nil());
  CHECK(Uuid().to_string() == "00000000-0000-0000-0000-000000000000");
  CHECK_FALSE(Uuid::v4().is_nil());
  const auto a = Uuid::parse("00000000-0000-0000-0000-000000000001");
  const auto b = Uuid::parse("00000000-0000-0000-0000-000000000002");
  REQUIRE((a && b));
  CHECK(*a < *b);
}
