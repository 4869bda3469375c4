#pragma once
/// The request as handlers and middleware see it, and the response type.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ignition/http/policy.hpp>

namespace ignition::http {

namespace beast_http = boost::beast::http;
using Verb = beast_http::verb;
using Status = beast_http::status;
using Field = beast_http::field;

/// POST, PUT, PATCH and DELETE: the methods that change something, which CSRF guards.
constexpr bool unsafe(Verb v) noexcept {
  return v == Verb::post || v == Verb::put || v == Verb::patch || v == Verb::delete_;
}
/// Header fields as the head's own text ("Name: value\r\n" lines) in one buffer, so that a
/// response costs one allocation for its fields however many it has, and the server writes
/// them as they are.
class Fields {
 public:
  /// One field: views into the fields, valid until they are next changed.
  struct FieldView {
    std::string_view name;
    std::string_view value;
  };
  class const_iterator {
   public:
    using value_type = FieldView;
    using difference_type = std::ptrdiff_t;
    const_iterator() = default;
    const FieldView& operator*() const noexcept { return field_; }
    const FieldView* operator->() const noexcept { return &field_; }
    const_iterator& operator++() noexcept;
    const_iterator operator++(int) noexcept {
      auto before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& other) const noexcept { return at_ == other.at_; }

   private:
    friend class Fields;
    const_iterator(std::string_view text, std::size_t at) noexcept;
    void load() noexcept;
    std::string_view text_;
    std::size_t at_ = 0;
    FieldView field_;
  };

  /// Replaces every field of that name; insert adds one more (Set-Cookie). A control
  /// character in a value, or an empty name or one with CR, LF, NUL or a colon, throws
  /// std::invalid_argument: it would split the head.
  void set(Field name, std::string_view value);
  void set(std::string_view name, std::string_view value);
  void insert(Field name, std::string_view value) { append(to_string(name), value); }
  void insert(std::string_view name, std::string_view value);
  void erase(Field name) { erase(to_string(name)); }
  void erase(std::string_view name);
  /// The first field of that name (case-insensitive), or end().
  const_iterator find(Field name) const noexcept { return find(to_string(name)); }
  const_iterator find(std::string_view name) const noexcept;
  /// The first value of that name; "" when absent.
  std::string_view operator[](Field name) const noexcept { return operator[](to_string(name)); }
  std::string_view operator[](std::string_view name) const noexcept;
  const_iterator begin() const noexcept { return {fields_, 0}; }
  const_iterator end() const noexcept { return {fields_, fields_.size()}; }
  /// The fields as the head's text: "Name: value\r\n" lines.
  std::string_view field_text() const noexcept { return fields_; }
  /// False when no field of `other` can be among these (by the bits of their names): the
  /// usual answer, found without a scan. True means perhaps.
  bool may_share_names(const Fields& other) const noexcept { return (names_ & other.names_) != 0; }

 private:
  static std::string_view to_string(Field name) noexcept { return beast_http::to_string(name); }
  // insert() with a name known to be valid (a Field's).
  void append(std::string_view name, std::string_view value);
  // A bit per field name present (by length and last letter, case-insensitive; erased names
  // keep theirs): looking for a field that is not there, the usual case of set(), costs no scan.
  static std::uint64_t bit(std::string_view name) noexcept {
    return std::uint64_t{1} << ((name.size() * 7 + (name.empty() ? 0u : (name.back() | 0x20u))) & 63);
  }
  std::uint64_t names_ = 0;
  std::string fields_;
};

/// A response as handlers build it: status, header fields and an in-memory body.
/// Content-Length and Connection are the server's: it writes them from the body and the
/// connection's state.
class Response : public Fields {
 public:
  explicit Response(Status status = Status::ok) : status_(status) {}

  Status result() const noexcept { return status_; }
  void result(Status status) noexcept { status_ = status; }
  unsigned result_int() const noexcept { return static_cast<unsigned>(status_); }

  std::string& body() noexcept { return body_; }
  const std::string& body() const noexcept { return body_; }

 private:
  Status status_;
  std::string body_;
};

/// Writes one piece of a streamed response body (sent as an HTTP/1.1 chunk).
using BodyWrite = std::function<boost::asio::awaitable<void>(std::string_view piece)>;
/// Produces a response body piece by piece, after the headers have gone out.
using BodyStream = std::function<boost::asio::awaitable<void>(const BodyWrite& write)>;

struct Request {
  beast_http::request<beast_http::string_body> message;
  std::string_view path;   ///< target before '?', not decoded
  std::string_view query;  ///< target after '?', without it
  std::string_view route;  ///< matched template ("/api/v1/focus/{id}", held by the router), or "" when none
  /// The matched route's policy (for a wrong method, its path's), held by the router; null
  /// when no route matched. The layers read it, never the path.
  const Policy* policy = nullptr;
  std::vector<std::pair<std::string_view, std::string_view>> params;  ///< path parameters
  std::string request_id;
  /// Fields for whatever response this request gets, set by layers before it is answered
  /// (its id, CORS): the server writes each one the response does not set itself.
  Fields response_fields;
  boost::asio::ip::address peer;  ///< the socket's peer
  std::string client_ip;          ///< the client as trusted-proxy rules see it (set by a layer)
  /// The signed-in user, for logs: set by the session layer, the text held by `principal`.
  std::string_view user_id;
  /// Who is signed in: set by the session layer, read through guard::principal_of. (Not a
  /// std::any, whose one-pointer buffer would put the shared pointer on the heap.)
  std::shared_ptr<const void> principal;
  std::chrono::steady_clock::time_point received_at;
  /// Set by a handler whose body is too large to build in memory: the server sends the
  /// response's headers, then runs this to send the body chunked (the response's own body
  /// stays empty). A failure half-way closes the connection, so the client sees a cut
  /// body, never a short one that looks complete.
  BodyStream body_stream;
  /// On a streaming route (Policy::streamed): the next piece of the request body, or
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
