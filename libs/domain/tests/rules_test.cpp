#include <catch2/catch.hpp>

#include <array>
#include <string_view>

#include <ignition/common/error.hpp>
#include <ignition/domain/rules.hpp>

using namespace ignition;
using domain::Check;

namespace {
constexpr std::array<std::string_view, 2> colours{"red", "blue"};

std::map<std::string, std::string> problems_of(const Check& check) {
  try {
    check.done();
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::validation_failed);
    return e.fields();
  }
  return {};
}
}  // namespace

TEST_CASE("rules: every broken rule is named at once, worded as the parser words its own") {
  Check c;
  c.text("title", std::string(""), {1, 10})
      .text("note", std::optional<std::string>("ééééé"), {0, 4})  // code points, not bytes
      .integer("count", std::optional<std::int64_t>(11), {1, 10})
      .number("weight", std::optional<double>(-0.5), {0, 2'000})
      .choice("colour", std::string("green"), colours)
      .texts("tags", std::vector<std::string>{"a", ""}, {5, {1, 3}});
  const auto problems = problems_of(c);
  CHECK(problems.at("title") == "must be 1..10 characters");
  CHECK(problems.at("note") == "must be 0..4 characters");
  CHECK(problems.at("count") == "must be between 1 and 10");
  CHECK(problems.at("weight") == "must be between 0 and 2000");
  CHECK(problems.at("colour") == R"(must be one of "red", "blue")");
  CHECK(problems.at("tags") == "must be at most 5 strings of 1..3 characters");
}

TEST_CASE("rules: absent values, untouched and cleared PATCH fields are not checked; the first problem wins") {
  Check c;
  c.text("a", std::optional<std::string>{}, {1, 2})
      .text("b", domain::Change<std::string>{}, {1, 2})
      .text("c", domain::Change<std::string>{true, std::nullopt}, {1, 2})
      .choice("d", std::optional<std::string>{}, colours)
      .integer("e", domain::Change<std::int64_t>{}, {1, 2});
  CHECK_NOTHROW(c.done());
  c.fail("f", "first").fail("f", "second");
  CHECK(problems_of(c).at("f") == "first");
  CHECK(problems_of(Check().text("ok", std::string("éé"), {2, 2}).choice("ok2", std::string("red"), colours)).empty());
}

TEST_CASE("rules: a temporary check gives its problems away, safe to loop over") {
  std::size_t seen = 0;
  for (const auto& [field, problem] : Check().integer("n", std::optional<std::int64_t>(0), {1, 2}).problems()) {
    CHECK(field == "n");
    CHECK(problem == "must be between 1 and 2");
    ++seen;
  }
  CHECK(seen == 1);
}
