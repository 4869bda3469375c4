// The Range header of downloads, as RFC 9110 §14 reads it: the forms honoured, and every other
// one served as the whole object.
#include <catch2/catch.hpp>

#include <string>

#include <ignition/storage/range.hpp>

using ignition::storage::parse_range;

namespace {

// "first-last", "all" or "416", for compact expectations.
std::string show(std::string_view header, std::uint64_t size) {
  const auto wanted = parse_range(header, size);
  if (wanted.unsatisfiable) return "416";
  if (!wanted.range) return "all";
  return std::to_string(wanted.range->first) + "-" + std::to_string(wanted.range->last);
}

}  // namespace

TEST_CASE("parse_range: the three forms of one byte range") {
  CHECK(show("bytes=0-99", 1000) == "0-99");
  CHECK(show("bytes=100-", 1000) == "100-999");
  CHECK(show("bytes=-100", 1000) == "900-999");
  CHECK(show("bytes=990-2000", 1000) == "990-999");  // the end is cut to the object
  CHECK(show("bytes=-5000", 1000) == "0-999");       // a suffix longer than the object is all of it
  CHECK(show("bytes=5-5", 1000) == "5-5");
}

TEST_CASE("parse_range: unsatisfiable ranges") {
  CHECK(show("bytes=1000-", 1000) == "416");
  CHECK(show("bytes=1000-1001", 1000) == "416");
  CHECK(show("bytes=-0", 1000) == "416");
  CHECK(show("bytes=0-", 0) == "416");
  CHECK(show("bytes=-1", 0) == "416");
}

TEST_CASE("parse_range: what is not honoured asks for the whole object") {
  CHECK(show("", 1000) == "all");
  CHECK(show("items=0-1", 1000) == "all");
  CHECK(show("bytes=0-1,5-6", 1000) == "all");
  CHECK(show("bytes=9-3", 1000) == "all");
  CHECK(show("bytes=", 1000) == "all");
  CHECK(show("bytes=-", 1000) == "all");
  CHECK(show("bytes=5", 1000) == "all");
  CHECK(show("bytes= 1-2", 1000) == "all");
  CHECK(show("bytes=+1-2", 1000) == "all");
  CHECK(show("bytes=-1-2", 1000) == "all");
  CHECK(show("bytes=0-99999999999999999999", 1000) == "all");
  CHECK(show("Bytes=0-1", 1000) == "all");
}
