#include <ignition/http/request.hpp>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <stdexcept>

namespace ignition::http {

namespace {
constexpr std::string_view separator = ": ";
constexpr std::string_view line_end = "\r\n";

// A control character in a value (CR or LF above all) would end the field early and start
// another: response splitting. Both checks run branch-free, which the compiler turns into a
// few wide steps. In a name a colon would also move where the value starts.
void check_value(std::string_view value) {
  unsigned char smallest = 0xff;
  for (const char c : value) smallest = std::min(smallest, static_cast<unsigned char>(c));
  if (smallest < 0x20) throw std::invalid_argument("a response field value holds a control character");
}

void check_name(std::string_view name) {
  bool bad = name.empty();
  for (const char c : name) bad |= (c == '\r') | (c == '\n') | (c == '\0') | (c == ':');
  if (bad) throw std::invalid_argument("a response field name is empty or holds a forbidden character");
}
}  // namespace

Fields::const_iterator::const_iterator(std::string_view text, std::size_t at) noexcept : text_(text), at_(at) {
  if (at_ < text_.size()) load();
}

Fields::const_iterator& Fields::const_iterator::operator++() noexcept {
  at_ += field_.name.size() + separator.size() + field_.value.size() + line_end.size();
  load();
  return *this;
}

// The field of the line at at_, or none at the end. Lines are only ever written by append(),
// so a line's name ends at its first colon and its value at its first CR.
void Fields::const_iterator::load() noexcept {
  if (at_ >= text_.size()) {
    at_ = text_.size();
    field_ = {};
    return;
  }
  const auto colon = text_.find(':', at_);
  const auto value = colon + separator.size();
  field_ = {text_.substr(at_, colon - at_), text_.substr(value, text_.find('\r', value) - value)};
}

Fields::const_iterator Fields::find(std::string_view name) const noexcept {
  if (!(names_ & bit(name))) return end();
  for (auto it = begin(); it != end(); ++it) {
    if (it->name.size() == name.size() && boost::beast::iequals(it->name, name)) return it;
  }
  return end();
}

std::string_view Fields::operator[](std::string_view name) const noexcept {
  auto it = find(name);
  return it == end() ? std::string_view{} : it->value;
}

void Fields::insert(std::string_view name, std::string_view value) {
  check_name(name);
  append(name, value);
}

void Fields::append(std::string_view name, std::string_view value) {
  check_value(value);
  // Room for a typical response's fields at once, instead of growing line by line.
  const std::size_t needed = fields_.size() + name.size() + value.size() + separator.size() + line_end.size();
  if (needed > fields_.capacity()) fields_.reserve(std::max<std::size_t>(2 * needed, 512));
  fields_.append(name).append(separator).append(value).append(line_end);
  names_ |= bit(name);
}

void Fields::set(std::string_view name, std::string_view value) {
  erase(name);
  insert(name, value);
}

void Fields::set(Field name, std::string_view value) {
  erase(name);
  append(to_string(name), value);
}

void Fields::erase(std::string_view name) {
  for (auto it = find(name); it != end(); it = find(name)) {
    const std::size_t at = static_cast<std::size_t>(it->name.data() - fields_.data());
    fields_.erase(at, it->name.size() + separator.size() + it->value.size() + line_end.size());
  }
}

}  // namespace ignition::http
