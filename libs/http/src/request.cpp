#include <ignition/http/middleware.hpp>
#include <ignition/http/request.hpp>

namespace ignition::http {

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

std::string_view Request::header(Field field) const {
  auto it = message.find(field);
  return it == message.end() ? std::string_view{} : std::string_view(it->value());
}

std::string_view Request::header(std::string_view name) const {
  auto it = message.find(name);
  return it == message.end() ? std::string_view{} : std::string_view(it->value());
}

boost::asio::awaitable<Response> Next::operator()(Request& request) const {
  if (index_ < pipeline_->layers_.size()) {
    return pipeline_->layers_[index_]->handle(request, Next(*pipeline_, index_ + 1, *terminal_));
  }
  return (*terminal_)(request);
}

boost::asio::awaitable<Response> answer(Response response) { co_return response; }

}  // namespace ignition::http
