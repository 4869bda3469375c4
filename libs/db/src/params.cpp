#include <ignition/db/params.hpp>

#include <array>
#include <charconv>
#include <stdexcept>

namespace ignition::db {

void Params::add(double v) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  push_text(std::string(buf.data(), end));
}

void Params::reserve(std::size_t n) {
  values_.reserve(n);
  lengths_.reserve(n);
  formats_.reserve(n);
}

void Params::push(std::string v, int format) {
  // libpq reads a text parameter up to its first NUL: the rest would be lost without a word.
  // (Postgres text cannot hold a NUL anyway.)
  if (format == 0 && v.find('\0') != std::string::npos) {
    throw std::invalid_argument("a text parameter holds a NUL byte");
  }
  lengths_.push_back(static_cast<int>(v.size()));
  formats_.push_back(format);
  values_.emplace_back(std::move(v));
}

void Params::push_null() {
  lengths_.push_back(0);
  formats_.push_back(0);
  values_.emplace_back(std::nullopt);
}

const char* const* Params::values() const {
  pointers_.clear();
  pointers_.reserve(values_.size());
  for (const auto& v : values_) pointers_.push_back(v ? v->data() : nullptr);
  return pointers_.data();
}

}  // namespace ignition::db
