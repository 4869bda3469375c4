#pragma once
/// Query results (text format) and typed reading of column values.

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <ignition/common/time.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/db/params.hpp>

struct pg_result;  // libpq's PGresult, kept out of our public headers

namespace ignition::db {

class Result;

/// One row of a Result; valid while the Result lives.
class Row {
 public:
  bool is_null(int column) const;
  /// The column's text; empty for NULL.
  std::string_view text(int column) const;

  /// Converts a column: std::string, std::string_view, integers, double, bool, Uuid,
  /// Timestamp, Bytes, or std::optional of those (NULL → nullopt). A NULL read into a
  /// non-optional type, or an unparsable value, throws std::runtime_error.
  template <typename T>
  T get(int column) const;

 private:
  friend class Result;
  Row(const Result& result, int row) : result_(&result), row_(row) {}
  [[noreturn]] void bad_value(int column, const char* type) const;
  Bytes bytea(int column) const;

  const Result* result_;
  int row_;
};

class Result {
 public:
  Result() = default;
  explicit Result(pg_result* raw);

  int rows() const noexcept;
  int columns() const noexcept;
  /// Rows changed by INSERT/UPDATE/DELETE (0 for others).
  std::int64_t affected() const noexcept;
  /// The command tag's verb, e.g. "INSERT", "COMMIT", "ROLLBACK".
  std::string_view command() const noexcept;
  bool empty() const noexcept { return rows() == 0; }
  Row operator[](int row) const { return Row(*this, row); }
  /// The first row; throws std::out_of_range when there is none.
  Row one() const;
  /// Column index by name, or -1.
  int column(std::string_view name) const noexcept;
  /// Column name as the query labelled it.
  std::string_view column_name(int column) const noexcept;
  /// The column's Postgres type OID (see pg_type), for shaping values generically.
  unsigned column_type(int column) const noexcept;

  class iterator {
   public:
    iterator(const Result* r, int i) : r_(r), i_(i) {}
    Row operator*() const { return (*r_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const Result* r_;
    int i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, rows()}; }

 private:
  friend class Row;
  std::shared_ptr<pg_result> raw_;
};

namespace detail {
template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};
}  // namespace detail

template <typename T>
T Row::get(int column) const {
  if constexpr (detail::is_optional<T>::value) {
    if (is_null(column)) return std::nullopt;
    return get<typename T::value_type>(column);
  } else {
    if (is_null(column)) bad_value(column, "non-null");
    std::string_view s = text(column);
    if constexpr (std::is_same_v<T, std::string>) {
      return std::string(s);
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      return s;
    } else if constexpr (std::is_same_v<T, bool>) {
      if (s == "t") return true;
      if (s == "f") return false;
      bad_value(column, "bool");
    } else if constexpr (std::is_integral_v<T> || std::is_floating_point_v<T>) {
      T v{};
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc{} || end != s.data() + s.size()) bad_value(column, "number");
      return v;
    } else if constexpr (std::is_same_v<T, Uuid>) {
      if (auto u = Uuid::parse(s)) return *u;
      bad_value(column, "uuid");
    } else if constexpr (std::is_same_v<T, Timestamp>) {
      if (auto t = parse_pg_timestamp(s)) return *t;
      bad_value(column, "timestamptz");
    } else if constexpr (std::is_same_v<T, Bytes>) {
      return bytea(column);
    } else {
      static_assert(sizeof(T) == 0, "unsupported column type");
    }
  }
}

}  // namespace ignition::db
