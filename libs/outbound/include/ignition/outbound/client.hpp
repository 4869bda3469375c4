#pragma once
/// Outbound HTTP/1.1 client (Beast + OpenSSL) for talking to other services, such as
/// OpenID Connect providers: one request per connection, HTTPS with certificate and host
/// name verification, one overall deadline, a cap on the response size. Redirects are not
/// followed; a 3xx is returned like any other response.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/verb.hpp>
#include <ignition/common/error.hpp>

namespace ignition::outbound {

using Verb = boost::beast::http::verb;

/// Name/value pairs: request headers, form fields.
using NameValueList = std::vector<std::pair<std::string, std::string>>;

struct ClientConfig {
  std::chrono::milliseconds timeout{10'000};         ///< whole request: resolve, connect, TLS, write, read
  std::size_t max_response_bytes = 4 * 1024 * 1024;  ///< body limit; a larger response is a ClientError
  bool allow_plain_http_loopback = false;            ///< tests: permits http:// to 127.0.0.0/8, [::1] and localhost
  std::optional<std::string> extra_ca_file;          ///< PEM file trusted in addition to the system roots
};

struct ClientResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names; repeated fields joined with ", "
  std::string body;

  /// A header's value by lower-case name; "" when absent.
  std::string header(std::string_view lower_name) const;
};

/// A transport failure: invalid or refused URL (plain http outside loopback), DNS,
/// connect, TLS or certificate verification, timeout, an oversized or malformed response.
/// An HTTP error status is not a ClientError; it is returned in ClientResponse::status.
class ClientError : public DependencyUnavailable {
 public:
  using DependencyUnavailable::DependencyUnavailable;
};

/// The client. Cheap to share: one instance per process is enough, and it may be used from
/// several threads and coroutines at once. It must outlive the requests it runs.
class Client {
 public:
  /// Loads the system trust roots and `config.extra_ca_file`. Throws ClientError when the
  /// extra CA file cannot be loaded.
  Client(boost::asio::any_io_executor executor, ClientConfig config);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientConfig& config() const noexcept;

  /// Sends `method url` with `body` (Content-Length set when a body is given or the method
  /// is POST/PUT/PATCH) and the extra `headers` (which replace the defaults Host,
  /// User-Agent and Connection: close), and reads the whole response. Throws ClientError on
  /// transport failures, std::invalid_argument for a header name or value with CR/LF. If the
  /// calling coroutine is cancelled, that propagates as
  /// boost::system::system_error(operation_aborted), not as a ClientError.
  boost::asio::awaitable<ClientResponse> request(Verb method, std::string url, std::string body = {},
                                                 NameValueList headers = {});

  /// GET; see request().
  boost::asio::awaitable<ClientResponse> get(std::string url, NameValueList headers = {});

  /// POST with an application/x-www-form-urlencoded body made from `form`; see request().
  boost::asio::awaitable<ClientResponse> post_form(std::string url, NameValueList form, NameValueList headers = {});

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

/// application/x-www-form-urlencoded encoding (WHATWG URL): `a=1&b=x+y%26z`. Every byte
/// other than ALPHA, DIGIT, `*-._` is percent-encoded, a space becomes `+`.
std::string form_urlencode(const NameValueList& fields);

}  // namespace ignition::outbound
