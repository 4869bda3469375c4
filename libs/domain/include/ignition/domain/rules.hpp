#pragma once
/// A domain's rules for what it is given — lengths, ranges, enumerations — declared beside the
/// domain and checked by it, so every caller (the HTTP handlers, the admin CLI, a test) meets the
/// same ones. The handlers only parse: types and required fields. Problems are collected field by
/// field and reported at once as Error(validation_failed), worded as the parser words its own.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/domain/change.hpp>

namespace ignition::domain {

/// Text of [min, max] Unicode code points.
struct Text {
  std::size_t min;
  std::size_t max;
};

/// An integer in [min, max].
struct Range {
  std::int64_t min;
  std::int64_t max;
};

/// A number in [min, max].
struct Measure {
  double min;
  double max;
};

/// One of a fixed set of words (a std::array of string_view declared by the domain).
using Choice = std::span<const std::string_view>;

/// At most `items` texts, each of `item`.
struct TextList {
  std::size_t items;
  Text item;
};

/// The problems of one input. A domain offers `Check check(const Input&)` for each input type
/// (found by argument-dependent lookup), and its operations run `check(input).done()` first. Each method checks a value
/// when there is one (an absent optional, a PATCH field left alone or cleared is not checked) and records the first
/// problem per field.
class Check {
 public:
  Check& text(std::string_view field, const std::string& value, Text rule);
  Check& text(std::string_view field, const std::optional<std::string>& value, Text rule);
  Check& text(std::string_view field, const Change<std::string>& value, Text rule);
  Check& integer(std::string_view field, std::optional<std::int64_t> value, Range rule);
  Check& integer(std::string_view field, const Change<std::int64_t>& value, Range rule);
  Check& number(std::string_view field, std::optional<double> value, Measure rule);
  Check& choice(std::string_view field, const std::string& value, Choice rule);
  Check& choice(std::string_view field, const std::optional<std::string>& value, Choice rule);
  Check& choice(std::string_view field, const Change<std::string>& value, Choice rule);
  Check& texts(std::string_view field, const std::vector<std::string>& values, TextList rule);
  Check& texts(std::string_view field, const Change<std::vector<std::string>>& values, TextList rule);
  /// At most `max` items, each judged by its own `check(item)` (found by argument-dependent
  /// lookup), its problems named "field[i].name".
  template <typename Item>
  Check& items(std::string_view field, const std::vector<Item>& items, std::size_t max);
  /// A problem the domain found itself (two fields that disagree, say).
  Check& fail(std::string_view field, std::string problem);

  /// Throws Error(validation_failed) with every problem; returns when there is none.
  void done() const;
  /// Field → problem, for a parser that reports them with its own (json::ObjectReader::finish).
  /// A copy (empty but for bad input), so that looping over a temporary check's is safe.
  std::map<std::string, std::string> problems() const { return problems_; }

 private:
  std::map<std::string, std::string> problems_;
};

template <typename Item>
Check& Check::items(std::string_view field, const std::vector<Item>& items, std::size_t max) {
  if (items.size() > max) fail(field, "must be an array of at most " + std::to_string(max) + " objects");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string prefix = std::string(field) + "[" + std::to_string(i) + "].";
    for (const auto& [name, problem] : check(items[i]).problems()) fail(prefix + name, problem);
  }
  return *this;
}

}  // namespace ignition::domain
