#include <ignition/http/request.hpp>

#include <boost/beast/core/string.hpp>
#include <stdexcept>

namespace ignition::http {

namespace {
constexpr std::string_view separator = ": ";
constexpr std::string_view line_end = "\r\n";

// CR or LF would end the field early and start another (response splitting); NUL is never
// valid; a colon in a name would move where its value starts.
void check(std::string_view text, std::string_view forbidden, const char* what) {
  if (text.find_first_of(forbidden) != std::string_view::npos)
    throw std::invalid_argument(std::string("a response field ") + what + " holds a forbidden character");
}
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
// so each has its separator and its line end.
void Response::const_iterator::load() noexcept {
  if (at_ >= text_.size()) {
    at_ = text_.size();
    field_ = {};
    return;
  }
  const auto colon = text_.find(separator, at_);
  const auto end = text_.find(line_end, colon);
  field_ = {text_.substr(at_, colon - at_), text_.substr(colon + separator.size(), end - colon - separator.size())};
}

Response::const_iterator Response::find(std::string_view name) const noexcept {
  for (auto it = begin(); it != end(); ++it) {
    if (boost::beast::iequals(it->name, name)) return it;
  }
  return end();
}

std::string_view Response::operator[](std::string_view name) const noexcept {
  auto it = find(name);
  return it == end() ? std::string_view{} : it->value;
}

void Response::insert(std::string_view name, std::string_view value) {
  check(name, std::string_view("\r\n\0:", 4), "name");
  check(value, std::string_view("\r\n\0", 3), "value");
  fields_.append(name).append(separator).append(value).append(line_end);
}

void Response::set(std::string_view name, std::string_view value) {
  erase(name);
  insert(name, value);
}

void Response::erase(std::string_view name) {
  for (auto it = find(name); it != end(); it = find(name)) {
    const std::size_t at = static_cast<std::size_t>(it->name.data() - fields_.data());
    fields_.erase(at, it->name.size() + separator.size() + it->value.size() + line_end.size());
  }
}

}  // namespace ignition::http
