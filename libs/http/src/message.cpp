#include <ignition/http/request.hpp>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <stdexcept>

namespace ignition::http {

namespace {
constexpr std::string_view separator = ": ";
constexpr std::string_view line_end = "\r\n";

// CR or LF would end the field early and start another (response splitting); NUL is never
// valid; a colon in a name would move where its value starts. One memchr per character
// sought: faster than any loop over the text's bytes for the lengths fields have.
void check(std::string_view text, std::string_view forbidden, const char* what) {
  for (const char c : forbidden) {
    if (text.find(c) != std::string_view::npos)
      throw std::invalid_argument(std::string("a response field ") + what + " holds a forbidden character");
  }
}
constexpr std::string_view not_in_value("\r\n\0", 3);
constexpr std::string_view not_in_name("\r\n\0:", 4);
}  // namespace

Response::const_iterator::const_iterator(std::string_view text, std::size_t at) noexcept : text_(text), at_(at) {
  load();
}

Response::const_iterator& Response::const_iterator::operator++() noexcept {
  at_ += field_.name.size() + separator.size() + field_.value.size() + line_end.size();
  load();
  return *this;
}

// The field of the line at at_, or none at the end. Lines are only ever written by insert(),
// so a line's name ends at its first colon and its value at its first CR.
void Response::const_iterator::load() noexcept {
  if (at_ >= text_.size()) {
    at_ = text_.size();
    field_ = {};
    return;
  }
  const auto colon = text_.find(':', at_);
  const auto value = colon + separator.size();
  field_ = {text_.substr(at_, colon - at_), text_.substr(value, text_.find('\r', value) - value)};
}

Response::const_iterator Response::find(std::string_view name) const noexcept {
  if (!(names_ & bit(name))) return end();
  for (auto it = begin(); it != end(); ++it) {
    if (it->name.size() == name.size() && boost::beast::iequals(it->name, name)) return it;
  }
  return end();
}

std::string_view Response::operator[](std::string_view name) const noexcept {
  auto it = find(name);
  return it == end() ? std::string_view{} : it->value;
}

void Response::insert(std::string_view name, std::string_view value) {
  check(name, not_in_name, "name");
  append(name, value);
}

void Response::append(std::string_view name, std::string_view value) {
  check(value, not_in_value, "value");
  // Room for a typical response's fields at once, instead of growing line by line.
  const std::size_t needed = fields_.size() + name.size() + value.size() + separator.size() + line_end.size();
  if (needed > fields_.capacity()) fields_.reserve(std::max<std::size_t>(2 * needed, 256));
  fields_.append(name).append(separator).append(value).append(line_end);
  names_ |= bit(name);
}

void Response::set(std::string_view name, std::string_view value) {
  erase(name);
  insert(name, value);
}

void Response::set(Field name, std::string_view value) {
  erase(name);
  append(to_string(name), value);
}

void Response::erase(std::string_view name) {
  for (auto it = find(name); it != end(); it = find(name)) {
    const std::size_t at = static_cast<std::size_t>(it->name.data() - fields_.data());
    fields_.erase(at, it->name.size() + separator.size() + it->value.size() + line_end.size());
  }
}

}  // namespace ignition::http
