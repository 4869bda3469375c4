#pragma once
/// The onion of middleware: each layer gets the request and `next`, and may answer
/// without calling it. Layers are objects composed in code, in a fixed order, never
/// looked up by name.

#include <cstddef>
#include <memory>
#include <vector>

#include <ignition/http/request.hpp>

namespace ignition::http {

class Pipeline;

/// Calls the rest of the pipeline.
class Next {
 public:
  boost::asio::awaitable<Response> operator()(Request& request) const;

 private:
  friend class Pipeline;
  Next(const Pipeline& pipeline, std::size_t index, const Handler& terminal)
      : pipeline_(&pipeline), index_(index), terminal_(&terminal) {}
  const Pipeline* pipeline_;
  std::size_t index_;
  const Handler* terminal_;
};

class Middleware {
 public:
  virtual ~Middleware() = default;
  virtual boost::asio::awaitable<Response> handle(Request& request, Next next) = 0;
};

/// The response itself, as an awaitable: for a layer that answers without a coroutine frame
/// of its own (it sets the request's response fields and hands over the rest's awaitable).
boost::asio::awaitable<Response> answer(Response response);

/// An ordered list of layers, outermost first, ending in a terminal handler.
class Pipeline {
 public:
  Pipeline& add(std::shared_ptr<Middleware> layer) {
    layers_.push_back(std::move(layer));
    return *this;
  }
  boost::asio::awaitable<Response> run(Request& request, const Handler& terminal) const {
    return Next(*this, 0, terminal)(request);
  }

 private:
  friend class Next;
  std::vector<std::shared_ptr<Middleware>> layers_;
};

}  // namespace ignition::http
