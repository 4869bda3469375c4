// The NDJSON export: <dir>/<table>.ndjson, one JSON object per line (QUIRKS Q15), read one
// line at a time so memory stays bounded by the longest row, not the file.

#include "sources.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace ignition::d1import::detail {

namespace {

namespace json = boost::json;

class NdjsonCursor : public RowCursor {
 public:
  NdjsonCursor(const std::filesystem::path& file, const TableSpec& table) : file_(file), in_(file), table_(table) {
    if (!in_) throw std::runtime_error("cannot read " + file.string());
  }

  bool next(Row& row) override {
    if (!std::getline(in_, line_)) {
      if (in_.bad()) throw std::runtime_error("cannot read " + file_.string());
      return false;
    }
    ++line_number_;
    boost::system::error_code ec;
    parse(ec);
    // JSON.stringify writes a lone UTF-16 surrogate as an escape, which Boost.JSON refuses:
    // such an escape stands for U+FFFD, as text with bytes that are not UTF-8 does.
    if (ec && replace_lone_surrogates(line_)) parse(ec);
    if (ec) throw std::runtime_error(where() + ": not JSON: " + ec.message());
    const json::value document = parser_.release();
    const auto* object = document.if_object();
    if (!object) throw std::runtime_error(where() + ": not a JSON object");
    row.assign(table_.columns.size(), Value{});
    for (std::size_t i = 0; i < table_.columns.size(); ++i) {
      const auto* cell = object->if_contains(table_.columns[i].name);
      if (!cell) throw std::runtime_error(where() + ": no \"" + std::string(table_.columns[i].name) + "\"");
      row[i] = to_value(*cell);
    }
    return true;
  }

 private:
  std::string where() const { return file_.string() + ":" + std::to_string(line_number_); }

  void parse(boost::system::error_code& ec) {
    parser_.reset();
    parser_.write(line_.data(), line_.size(), ec);  // the whole line must be one JSON text
  }

  // Every escaped surrogate that is not half of a pair becomes the escape of U+FFFD. Returns
  // whether it changed anything.
  static bool replace_lone_surrogates(std::string& line) {
    auto unit = [&](std::size_t at) -> int {  // the UTF-16 code unit escaped at `at`, or -1
      if (at + 6 > line.size() || line[at] != '\\' || line[at + 1] != 'u') return -1;
      int value = 0;
      for (std::size_t k = at + 2; k < at + 6; ++k) {
        const char c = line[k];
        const int digit = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (digit < 0) return -1;
        value = value * 16 + digit;
      }
      return value;
    };
    bool changed = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '\\') continue;
      const int u = unit(i);
      if (u < 0) {
        ++i;  // another escape: skip its character (it may be a backslash)
        continue;
      }
      const bool high = u >= 0xD800 && u <= 0xDBFF;
      const int next = high ? unit(i + 6) : -1;
      if (high && next >= 0xDC00 && next <= 0xDFFF) {
        i += 11;
      } else if (high || (u >= 0xDC00 && u <= 0xDFFF)) {
        line.replace(i + 2, 4, "FFFD");
        changed = true;
        i += 5;
      } else {
        i += 5;
      }
    }
    return changed;
  }

  // JSON.stringify(row) of a D1 row: numbers for INTEGER and REAL, strings for TEXT.
  Value to_value(const json::value& v) const {
    switch (v.kind()) {
      case json::kind::null: return {};
      case json::kind::int64: return {v.get_int64()};
      case json::kind::uint64: return {static_cast<double>(v.get_uint64())};
      case json::kind::double_: return {v.get_double()};
      case json::kind::bool_: return {std::int64_t{v.get_bool() ? 1 : 0}};
      case json::kind::string: return {std::string(v.get_string())};
      default: return {json::serialize(v)};
    }
  }

  std::filesystem::path file_;
  std::ifstream in_;
  const TableSpec& table_;
  std::string line_;
  std::size_t line_number_ = 0;
  // Text the export carried byte for byte, even when D1 held bytes that are not UTF-8: the
  // value rules repair it exactly as they do for the SQLite file (R14).
  json::parser parser_{{}, [] {
                         json::parse_options options;
                         options.allow_invalid_utf8 = true;
                         return options;
                       }()};
};

class NdjsonSource : public RowSource {
 public:
  explicit NdjsonSource(std::filesystem::path directory) : directory_(std::move(directory)) {}

  std::string format() const override { return "ndjson"; }

  std::vector<std::pair<std::string, std::int64_t>> other_tables() override {
    std::vector<std::pair<std::string, std::int64_t>> out;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
      if (entry.path().extension() == ".ndjson" && !find_table(entry.path().stem().string())) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file);
      std::int64_t rows = 0;
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) ++rows;
      }
      out.emplace_back(file.stem().string(), rows);
    }
    return out;
  }

  std::unique_ptr<RowCursor> rows(const TableSpec& table) override {
    const auto file = directory_ / (std::string(table.name) + ".ndjson");
    if (!std::filesystem::exists(file)) return std::make_unique<EmptyCursor>();
    return std::make_unique<NdjsonCursor>(file, table);
  }

 private:
  std::filesystem::path directory_;
};

}  // namespace

std::unique_ptr<RowSource> open_ndjson(const std::filesystem::path& directory) {
  return std::make_unique<NdjsonSource>(directory);
}

}  // namespace ignition::d1import::detail

namespace ignition::d1import {

std::unique_ptr<RowSource> open_source(const std::filesystem::path& path) {
  if (std::filesystem::is_directory(path)) return detail::open_ndjson(path);
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error("no such D1 source: " + path.string());
  return detail::open_sqlite(path);
}

}  // namespace ignition::d1import
