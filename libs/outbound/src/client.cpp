#include <ignition/outbound/client.hpp>

#include <openssl/ssl.h>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <ignition/common/error.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::any_io_executor>;
namespace ignition::outbound {

namespace beast_http = boost::beast::http;
using Field = beast_http::field;

namespace {

using OutboundRequest = beast_http::request<beast_http::string_body>;

constexpr std::size_t max_response_header_bytes = 64 * 1024;

// Where a URL points.
struct Endpoint {
  bool tls = false;
  std::string host;  // DNS name or IP literal (IPv6 without brackets): resolve, SNI, certificate
  std::string port;
  std::string host_header;  // host[:port] as written in the URL
  std::string target;       // path and query

  std::string origin() const { return (tls ? "https://" : "http://") + host_header; }
};

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

bool is_loopback_host(const std::string& host) {
  if (lower(host) == "localhost") return true;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

Endpoint parse_url(std::string_view url, const ClientConfig& config) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw ClientError("invalid URL");
  const auto& u = *parsed;
  Endpoint e;
  if (u.scheme_id() == boost::urls::scheme::https) {
    e.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    throw ClientError("unsupported URL scheme '" + std::string(u.scheme()) + "'");
  }
  if (u.has_userinfo()) throw ClientError("URLs with user info are not supported");
  e.host = u.host_address();
  if (e.host.empty()) throw ClientError("URL without a host");
  e.port = u.has_port() ? std::string(u.port()) : (e.tls ? "443" : "80");
  e.host_header = std::string(u.encoded_host_and_port());
  e.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) e.target += "?" + std::string(u.encoded_query());
  // Refused before any network activity: plain HTTP only ever goes to this machine.
  if (!e.tls && !(config.allow_plain_http_loopback && is_loopback_host(e.host))) {
    throw ClientError("plain http:// refused for " + e.origin() + " (https required)");
  }
  return e;
}

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

OutboundRequest make_request(Verb method, const Endpoint& endpoint, std::string body, const NameValueList& headers) {
  OutboundRequest req(method, endpoint.target, 11);
  req.set(Field::host, endpoint.host_header);
  req.set(Field::user_agent, "ignition-api");
  req.set(Field::connection, "close");
  for (const auto& [name, value] : headers) {
    // Header injection guard: the values are ours, but a stray CR/LF must not split the request.
    if (name.empty() || has_line_break(name) || has_line_break(value)) {
      throw std::invalid_argument("outbound::Client: header with an empty name or a line break");
    }
    req.set(name, value);
  }
  if (!body.empty() || method == Verb::post || method == Verb::put || method == Verb::patch) {
    req.body() = std::move(body);
    req.prepare_payload();
  }
  return req;
}

ClientResponse to_client_response(beast_http::response<beast_http::string_body>&& res) {
  ClientResponse out;
  out.status = res.result_int();
  for (const auto& field : res) {
    auto name = lower(field.name_string());
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  out.body = std::move(res.body());
  return out;
}

std::shared_ptr<ssl::context> make_tls_context(const ClientConfig& config) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_default_verify_paths();
  if (config.extra_ca_file) {
    boost::system::error_code ec;
    ctx->load_verify_file(*config.extra_ca_file, ec);
    if (ec) throw ClientError("cannot load CA file " + *config.extra_ca_file + ": " + ec.message());
  }
  return ctx;
}

// The I/O objects of one request. They live on one strand so that the deadline timer's
// handler (which closes the socket) never runs at the same time as the request coroutine.
struct Exchange {
  Exchange(Strand s, ssl::context& ctx) : resolver(s), timer(s), stream(beast::tcp_stream(s), ctx) {}

  tcp::resolver resolver;
  asio::steady_timer timer;
  beast::ssl_stream<beast::tcp_stream> stream;  // the TLS layer is bypassed for plain http
  bool finished = false;                        // strand only
  std::atomic<bool> timed_out = false;

  beast::tcp_stream& socket() { return stream.next_layer(); }

  // One deadline for the whole request. The resolver has no per-operation cancellation,
  // so expiry cancels it and closes the socket explicitly instead of relying on `||`.
  void arm(std::shared_ptr<Exchange> self, std::chrono::milliseconds timeout) {
    timer.expires_after(timeout);
    timer.async_wait([self](boost::system::error_code ec) {
      if (ec || self->finished) return;
      self->timed_out = true;
      self->resolver.cancel();
      self->socket().close();
    });
  }

  void disarm() {
    finished = true;
    timer.cancel();
  }
};

struct Disarm {
  Exchange& exchange;
  ~Disarm() { exchange.disarm(); }
};

template <typename Stream>
asio::awaitable<ClientResponse> send_and_read(Stream& stream, OutboundRequest req, std::size_t limit) {
  co_await beast_http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  beast_http::response_parser<beast_http::string_body> parser;
  parser.header_limit(max_response_header_bytes);
  parser.body_limit(limit);
  if (req.method() == Verb::head) parser.skip(true);
  co_await beast_http::async_read(stream, buffer, parser, asio::use_awaitable);
  co_return to_client_response(parser.release());
}

asio::awaitable<ClientResponse> run_exchange(std::shared_ptr<Exchange> x, Endpoint endpoint, OutboundRequest req,
                                             std::chrono::milliseconds timeout, std::size_t limit) {
  x->arm(x, timeout);
  Disarm disarm{*x};
  auto endpoints = co_await x->resolver.async_resolve(endpoint.host, endpoint.port, asio::use_awaitable);
  co_await x->socket().async_connect(endpoints, asio::use_awaitable);
  if (!endpoint.tls) {
    auto response = co_await send_and_read(x->socket(), std::move(req), limit);
    co_return response;
  }
  // SNI is for names only (RFC 6066 §3); the certificate is checked against the name or IP.
  if (!is_ip_literal(endpoint.host) &&
      SSL_ctrl(x->stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(endpoint.host.c_str())) != 1) {
    throw ClientError("cannot set TLS server name for " + endpoint.origin());
  }
  x->stream.set_verify_mode(ssl::verify_peer);
  x->stream.set_verify_callback(ssl::host_name_verification(endpoint.host));
  co_await x->stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
  // With Connection: close the whole response is read before the peer closes, so no
  // TLS shutdown exchange is needed.
  auto response = co_await send_and_read(x->stream, std::move(req), limit);
  co_return response;
}

std::string describe_failure(const boost::system::error_code& ec) {
  if (ec == beast_http::error::body_limit) return "response too large";
  if (ec == beast_http::error::header_limit) return "response header too large";
  return ec.message();
}

}  // namespace

std::string ClientResponse::header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

struct Client::Impl {
  asio::any_io_executor executor;
  ClientConfig config;
  std::shared_ptr<ssl::context> tls;
};

Client::Client(asio::any_io_executor executor, ClientConfig config)
    : impl_(std::make_shared<Impl>(Impl{std::move(executor), config, make_tls_context(config)})) {}

Client::~Client() = default;

const ClientConfig& Client::config() const noexcept { return impl_->config; }

asio::awaitable<ClientResponse> Client::request(Verb method, std::string url, std::string body, NameValueList headers) {
  auto impl = impl_;
  Endpoint endpoint = parse_url(url, impl->config);
  auto req = make_request(method, endpoint, std::move(body), headers);
  auto strand = asio::make_strand(impl->executor);
  auto exchange = std::make_shared<Exchange>(strand, *impl->tls);
  auto task = run_exchange(exchange, endpoint, std::move(req), impl->config.timeout, impl->config.max_response_bytes);
  try {
    auto response = co_await asio::co_spawn(strand, std::move(task), asio::use_awaitable);
    co_return response;
  } catch (const boost::system::system_error& e) {
    if (exchange->timed_out) {
      throw ClientError(std::string(beast_http::to_string(method)) + " " + endpoint.origin() + ": timed out after " +
                        std::to_string(impl->config.timeout.count()) + " ms");
    }
    // The caller's own cancellation (its request deadline) is not a transport failure.
    if (e.code() == asio::error::operation_aborted) throw;
    throw ClientError(std::string(beast_http::to_string(method)) + " " + endpoint.origin() + ": " +
                      describe_failure(e.code()));
  }
}

asio::awaitable<ClientResponse> Client::get(std::string url, NameValueList headers) {
  std::string no_body;
  auto response = co_await request(Verb::get, std::move(url), std::move(no_body), std::move(headers));
  co_return response;
}

asio::awaitable<ClientResponse> Client::post_form(std::string url, NameValueList form, NameValueList headers) {
  headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  auto body = form_urlencode(form);
  auto response = co_await request(Verb::post, std::move(url), std::move(body), std::move(headers));
  co_return response;
}

std::string form_urlencode(const NameValueList& fields) {
  static constexpr char hex[] = "0123456789ABCDEF";
  auto append = [](std::string& out, std::string_view text) {
    for (char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' || c == '-' ||
          c == '.' || c == '_') {
        out += c;
      } else if (c == ' ') {
        out += '+';
      } else {
        out += '%';
        out += hex[byte >> 4];
        out += hex[byte & 0x0F];
      }
    }
  };
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    append(out, name);
    out += '=';
    append(out, value);
  }
  return out;
}

}  // namespace ignition::outbound
