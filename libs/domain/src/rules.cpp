#include <ignition/domain/rules.hpp>

#include <fmt/format.h>
#include <algorithm>

#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>

namespace ignition::domain {

namespace {
bool fits(std::string_view value, Text rule) {
  const auto length = json::utf8_length(value);
  return length >= rule.min && length <= rule.max;
}
}  // namespace

Check& Check::text(std::string_view field, const std::string& value, Text rule) {
  if (!fits(value, rule)) fail(field, fmt::format("must be {}..{} characters", rule.min, rule.max));
  return *this;
}

Check& Check::text(std::string_view field, const std::optional<std::string>& value, Text rule) {
  return value ? text(field, *value, rule) : *this;
}

Check& Check::text(std::string_view field, const Change<std::string>& value, Text rule) {
  return text(field, value.value, rule);
}

Check& Check::integer(std::string_view field, std::optional<std::int64_t> value, Range rule) {
  if (value && (*value < rule.min || *value > rule.max))
    fail(field, fmt::format("must be between {} and {}", rule.min, rule.max));
  return *this;
}

Check& Check::integer(std::string_view field, const Change<std::int64_t>& value, Range rule) {
  return integer(field, value.value, rule);
}

Check& Check::number(std::string_view field, std::optional<double> value, Measure rule) {
  if (value && !(*value >= rule.min && *value <= rule.max))
    fail(field, fmt::format("must be between {} and {}", rule.min, rule.max));
  return *this;
}

Check& Check::choice(std::string_view field, const std::string& value, Choice rule) {
  if (std::find(rule.begin(), rule.end(), value) == rule.end()) {
    std::string list;
    for (auto word : rule) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", word);
    fail(field, "must be one of " + list);
  }
  return *this;
}

Check& Check::choice(std::string_view field, const std::optional<std::string>& value, Choice rule) {
  return value ? choice(field, *value, rule) : *this;
}

Check& Check::choice(std::string_view field, const Change<std::string>& value, Choice rule) {
  return choice(field, value.value, rule);
}

Check& Check::texts(std::string_view field, const std::vector<std::string>& values, TextList rule) {
  const bool ok = values.size() <= rule.items &&
                  std::all_of(values.begin(), values.end(), [&](const auto& v) { return fits(v, rule.item); });
  if (!ok)
    fail(field,
         fmt::format("must be at most {} strings of {}..{} characters", rule.items, rule.item.min, rule.item.max));
  return *this;
}

Check& Check::texts(std::string_view field, const Change<std::vector<std::string>>& values, TextList rule) {
  return values.value ? texts(field, *values.value, rule) : *this;
}

Check& Check::fail(std::string_view field, std::string problem) {
  problems_.try_emplace(std::string(field), std::move(problem));
  return *this;
}

void Check::done() const {
  if (!problems_.empty()) throw Error("invalid input", problems_);
}

}  // namespace ignition::domain
