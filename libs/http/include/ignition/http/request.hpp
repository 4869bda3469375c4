#pragma once
/// The request as handlers and middleware see it, and the response type.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ignition::http {

namespace beast_http = boost::beast::http;
using Verb = beast_http::verb;
using Status = beast_http::status;
using Field = beast_http::field;
using Response = beast_http::response<beast_http::string_body>;

/// Writes one piece of a streamed response body (sent as an HTTP/1.1 chunk).
using BodyWrite = std::function<boost::asio::awaitable<void>(std::string_view piece)>;
/// Produces a response body piece by piece, after the headers have gone out.
using BodyStream = std::function<boost::asio::awaitable<void>(const BodyWrite& write)>;

struct Request {
  beast_http::request<beast_http::string_body> message;
  std::string_view path;   ///< target before '?', not decoded
  std::string_view query;  ///< target after '?', without it
  std::string route;       ///< matched template ("/api/v1/focus/{id}"), or "" when none
  std::vector<std::pair<std::string_view, std::string_view>> params;  ///< path parameters
  std::string request_id;
  boost::asio::ip::address peer;  ///< the socket's peer
  std::string client_ip;          ///< the client as trusted-proxy rules see it (set by a layer)
  std::string user_id;            ///< the signed-in user, for logs (set by the session layer)
  /// Who is signed in: set by the session layer, read through auth::principal_of. (Not a
  /// std::any, whose one-pointer buffer would put the shared pointer on the heap.)
  std::shared_ptr<const void> principal;
  std::chrono::steady_clock::time_point received_at;
  /// Set by a handler whose body is too large to build in memory: the server sends the
  /// response's headers, then runs this to send the body chunked (the response's own body
  /// stays empty). A failure half-way closes the connection, so the client sees a cut
  /// body, never a short one that looks complete.
  BodyStream body_stream;
  /// On a route added with Router::add_streaming: the next piece of the request body, or
  /// nullopt at its end. Each call may wait for the client; a body past the route's limit
  /// throws Error(payload_too_large), a broken one Error(bad_request).
  std::function<boost::asio::awaitable<std::optional<std::string>>()> read_body;

  Verb method() const { return message.method(); }
  /// A path parameter by name; "" when absent.
  std::string_view param(std::string_view name) const;
  /// A header's value; "" when absent.
  std::string_view header(Field field) const;
  std::string_view header(std::string_view name) const;
};

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

}  // namespace ignition::http
