#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>
#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include <ignition/outbound/client.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using ignition::outbound::Client;
using ignition::outbound::ClientConfig;
using ignition::outbound::ClientError;
using ignition::outbound::ClientResponse;
using ignition::outbound::Verb;

namespace {

// ---- a tiny Beast server on 127.0.0.1, on its own thread ----------------------------

struct Seen {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct Reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool hang = false;  // read the request, then never answer
};

using Responder = std::function<Reply(const Seen&)>;

class TestServer {
 public:
  explicit TestServer(Responder responder, std::shared_ptr<ssl::context> tls = nullptr)
      : responder_(std::move(responder)), tls_(std::move(tls)),
        acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestServer() {
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path) const {
    return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port()) + path;
  }
  int accepted() const { return accepted_; }
  Seen last() const {
    std::lock_guard lock(mutex_);
    return seen_.empty() ? Seen{} : seen_.back();
  }
  std::size_t requests() const {
    std::lock_guard lock(mutex_);
    return seen_.size();
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
      ++accepted_;
      auto session = serve(std::move(socket));
      asio::co_spawn(io_, std::move(session), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    try {
      if (tls_) {
        beast::ssl_stream<tcp::socket> stream(std::move(socket), *tls_);
        co_await stream.async_handshake(ssl::stream_base::server, asio::use_awaitable);
        co_await exchange(stream);
      } else {
        co_await exchange(socket);
      }
    } catch (const std::exception&) {
      // A client that gives up (timeouts, failed verification) is expected here.
    }
  }

  template <typename Stream>
  asio::awaitable<void> exchange(Stream& stream) {
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    co_await bhttp::async_read(stream, buffer, req, asio::use_awaitable);
    Seen seen{std::string(req.method_string()), std::string(req.target()), req.body(), {}};
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      seen.headers[name] = std::string(f.value());
    }
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(seen);
    }
    Reply reply = responder_(seen);
    if (reply.hang) {
      asio::steady_timer forever(io_, std::chrono::hours(1));
      co_await forever.async_wait(asio::use_awaitable);
    }
    bhttp::response<bhttp::string_body> res(static_cast<bhttp::status>(reply.status), 11);
    for (const auto& [k, v] : reply.headers) res.set(k, v);
    res.body() = reply.body;
    res.prepare_payload();
    co_await bhttp::async_write(stream, res, asio::use_awaitable);
  }

  Responder responder_;
  std::shared_ptr<ssl::context> tls_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<int> accepted_ = 0;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
};

Reply ok(std::string body) { return Reply{200, {{"Content-Type", "text/plain"}}, std::move(body), false}; }

// Runs one client coroutine to completion on a fresh io_context.
template <typename T>
T run(std::function<asio::awaitable<T>(Client&)> task, ClientConfig config = {}) {
  asio::io_context io;
  Client client(io.get_executor(), config);
  auto future = asio::co_spawn(io, task(client), asio::use_future);
  io.run();
  return future.get();
}

ClientConfig loopback(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  ClientConfig c;
  c.allow_plain_http_loopback = true;
  c.timeout = timeout;
  return c;
}

ClientResponse fetch(const std::string& url, ClientConfig config = loopback()) {
  return run<ClientResponse>([url](Client& c) { return c.get(url); }, config);
}

// A port nobody listens on: bind, read the port, close.
std::uint16_t closed_port() {
  asio::io_context io;
  tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto port = a.local_endpoint().port();
  a.close();
  return port;
}

// ---- an in-process CA and server certificate (OpenSSL 3) -----------------------------

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  REQUIRE(ext != nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

CertPtr make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca, const char* san) {
  static long serial = 1;
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), signer, NID_subject_alt_name, san);
  }
  REQUIRE(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0);
  return cert;
}

struct Pki {
  KeyPtr ca_key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  CertPtr ca = make_cert(ca_key.get(), "Ignition Test CA", nullptr, nullptr, true, nullptr);
  KeyPtr server_key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  // Valid for the IP address only, so https://localhost must fail host name verification.
  CertPtr server = make_cert(server_key.get(), "127.0.0.1", ca.get(), ca_key.get(), false, "IP:127.0.0.1");
  std::filesystem::path ca_file =
      std::filesystem::temp_directory_path() / ("ignition-test-ca-" + std::to_string(getpid()) + ".pem");

  Pki() {
    FILE* f = std::fopen(ca_file.c_str(), "w");
    REQUIRE(f != nullptr);
    PEM_write_X509(f, ca.get());
    std::fclose(f);
  }
  ~Pki() { std::filesystem::remove(ca_file); }

  std::shared_ptr<ssl::context> server_context() const {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    REQUIRE(SSL_CTX_use_certificate(ctx->native_handle(), server.get()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(ctx->native_handle(), server_key.get()) == 1);
    return ctx;
  }
};

}  // namespace

TEST_CASE("client GET sends the request line and headers and returns the response", "[client]") {
  TestServer server([](const Seen&) {
    Reply r = ok("hello");
    r.headers.emplace_back("X-Answer", "42");
    return r;
  });
  auto url = server.url("/path/x?q=a%20b&r=1");
  auto res = run<ClientResponse>(
      [url](Client& c) {
        return c.get(url, {{"X-Custom", "v1"}, {"Accept", "application/json"}});
      },
      loopback());
  CHECK(res.status == 200);
  CHECK(res.body == "hello");
  CHECK(res.header("x-answer") == "42");
  CHECK(res.header("content-type") == "text/plain");
  CHECK(res.header("absent").empty());

  auto seen = server.last();
  CHECK(seen.method == "GET");
  CHECK(seen.target == "/path/x?q=a%20b&r=1");
  CHECK(seen.headers["host"] == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(seen.headers["x-custom"] == "v1");
  CHECK(seen.headers["accept"] == "application/json");
  CHECK(seen.headers["connection"] == "close");
  CHECK(seen.headers.count("content-length") == 0);
}

TEST_CASE("client post_form encodes spaces, +, &, = and non-ASCII", "[client]") {
  TestServer server([](const Seen&) { return ok("{}"); });
  auto url = server.url("/token");
  auto res = run<ClientResponse>(
      [url](Client& c) {
        return c.post_form(
            url, {{"grant type", "a b"}, {"plus", "1+1"}, {"amp", "x&y=z"}, {"uni", "é✓"}, {"safe", "A-z_0.9*~"}});
      },
      loopback());
  CHECK(res.status == 200);
  auto seen = server.last();
  CHECK(seen.method == "POST");
  CHECK(seen.headers["content-type"] == "application/x-www-form-urlencoded");
  CHECK(seen.body == "grant+type=a+b&plus=1%2B1&amp=x%26y%3Dz&uni=%C3%A9%E2%9C%93&safe=A-z_0.9*%7E");
  CHECK(seen.headers["content-length"] == std::to_string(seen.body.size()));
}

TEST_CASE("client request sends other verbs with bodies", "[client]") {
  TestServer server([](const Seen&) { return Reply{204, {}, "", false}; });
  auto url = server.url("/thing");
  auto res = run<ClientResponse>(
      [url](Client& c) {
        return c.request(Verb::put, url, R"({"a":1})", {{"Content-Type", "application/json"}});
      },
      loopback());
  CHECK(res.status == 204);
  CHECK(server.last().method == "PUT");
  CHECK(server.last().body == R"({"a":1})");
}

TEST_CASE("client returns error statuses instead of throwing", "[client]") {
  TestServer server([](const Seen& s) {
    if (s.target == "/missing") return Reply{404, {}, "nope", false};
    if (s.target == "/redirect") return Reply{302, {{"Location", "https://example.com/next"}}, "", false};
    return Reply{500, {}, "boom", false};
  });
  auto missing = fetch(server.url("/missing"));
  CHECK(missing.status == 404);
  CHECK(missing.body == "nope");
  auto broken = fetch(server.url("/broken"));
  CHECK(broken.status == 500);
  auto redirect = fetch(server.url("/redirect"));
  CHECK(redirect.status == 302);
  CHECK(redirect.header("location") == "https://example.com/next");
  CHECK(server.requests() == 3);  // redirects are not followed
}

TEST_CASE("client rejects a response larger than max_response_bytes", "[client]") {
  TestServer server([](const Seen& s) { return ok(std::string(s.target == "/big" ? 4096 : 1024, 'x')); });
  auto config = loopback();
  config.max_response_bytes = 1024;
  CHECK(fetch(server.url("/fits"), config).body.size() == 1024);
  CHECK_THROWS_WITH(fetch(server.url("/big"), config), Catch::Contains("response too large"));
}

TEST_CASE("client gives up after its timeout when the server never answers", "[client]") {
  TestServer server([](const Seen&) { return Reply{200, {}, "", true}; });
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(fetch(server.url("/slow"), loopback(std::chrono::milliseconds(300))),
                    Catch::Contains("timed out after 300 ms"));
  auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(elapsed >= std::chrono::milliseconds(300));
  CHECK(elapsed < std::chrono::seconds(5));
  CHECK(server.requests() == 1);  // it was the read that timed out
}

TEST_CASE("client refuses plain http except to loopback when allowed, before connecting", "[client]") {
  TestServer server([](const Seen&) { return ok("x"); });

  SECTION("loopback refused when not allowed") {
    ClientConfig strict;
    CHECK_THROWS_AS(fetch(server.url("/"), strict), ClientError);
    CHECK_THROWS_WITH(fetch(server.url("/"), strict), Catch::Contains("plain http:// refused"));
    CHECK(server.accepted() == 0);
  }
  SECTION("non-loopback hosts refused even when loopback is allowed") {
    auto started = std::chrono::steady_clock::now();
    // 192.0.2.1 (TEST-NET-1) is unroutable: a connection attempt would hang until the timeout.
    CHECK_THROWS_WITH(fetch("http://192.0.2.1:81/", loopback()), Catch::Contains("plain http:// refused"));
    CHECK_THROWS_WITH(fetch("http://example.com/", loopback()), Catch::Contains("plain http:// refused"));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  }
  SECTION("loopback names and addresses allowed") {
    CHECK(fetch(server.url("/")).status == 200);
    CHECK(fetch("http://localhost:" + std::to_string(server.port()) + "/").status == 200);
  }
  SECTION("other schemes and malformed URLs are ClientErrors") {
    CHECK_THROWS_AS(fetch("ftp://127.0.0.1/x"), ClientError);
    CHECK_THROWS_AS(fetch("not a url"), ClientError);
    CHECK_THROWS_AS(fetch("https://user:pw@127.0.0.1/"), ClientError);
  }
}

TEST_CASE("client reports a refused connection quickly as ClientError", "[client]") {
  auto port = closed_port();
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(fetch("http://127.0.0.1:" + std::to_string(port) + "/"), ClientError);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE("client passes the caller's cancellation through as operation_aborted", "[client]") {
  TestServer server([](const Seen&) { return Reply{200, {}, "", true}; });
  asio::io_context io;
  Client client(io.get_executor(), loopback());
  asio::cancellation_signal cancel;
  auto future = asio::co_spawn(io, client.get(server.url("/slow")),
                               asio::bind_cancellation_slot(cancel.slot(), asio::use_future));
  // Cancel once the server has the request, as a request deadline would.
  asio::steady_timer poll(io);
  std::function<void(boost::system::error_code)> check = [&](boost::system::error_code) {
    if (server.requests() > 0) return cancel.emit(asio::cancellation_type::terminal);
    poll.expires_after(std::chrono::milliseconds(5));
    poll.async_wait(check);
  };
  check({});
  io.run();
  try {
    future.get();
    FAIL("expected an exception");
  } catch (const ClientError& e) {
    FAIL(std::string("cancellation became a ClientError: ") + e.what());
  } catch (const boost::system::system_error& e) {
    CHECK(e.code() == asio::error::operation_aborted);
  }
}

TEST_CASE("client verifies HTTPS certificates against the system roots and extra_ca_file", "[client][tls]") {
  Pki pki;
  TestServer server([](const Seen&) { return ok("secure"); }, pki.server_context());

  SECTION("trusted through extra_ca_file") {
    ClientConfig config;
    config.extra_ca_file = pki.ca_file.string();
    auto res = fetch(server.url("/hello"), config);
    CHECK(res.status == 200);
    CHECK(res.body == "secure");
  }
  SECTION("an unknown CA fails verification") {
    CHECK_THROWS_WITH(fetch(server.url("/hello"), ClientConfig{}), Catch::Contains("certificate verify failed"));
    CHECK(server.requests() == 0);
  }
  SECTION("a trusted certificate for another host name fails verification") {
    ClientConfig config;
    config.extra_ca_file = pki.ca_file.string();
    auto url = "https://localhost:" + std::to_string(server.port()) + "/hello";
    CHECK_THROWS_AS(fetch(url, config), ClientError);
    CHECK(server.requests() == 0);
  }
  SECTION("a missing CA file is reported at construction") {
    ClientConfig config;
    config.extra_ca_file = "/nonexistent/ca.pem";
    asio::io_context io;
    CHECK_THROWS_AS(Client(io.get_executor(), config), ClientError);
  }
}

TEST_CASE("form_urlencode follows application/x-www-form-urlencoded", "[client]") {
  using ignition::outbound::form_urlencode;
  CHECK(form_urlencode({}).empty());
  CHECK(form_urlencode({{"a", ""}}) == "a=");
  CHECK(form_urlencode({{"redirect_uri", "https://app.example/cb?x=1"}}) ==
        "redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1");
  CHECK(form_urlencode({{"k", std::string("\0\xff", 2)}}) == "k=%00%FF");
}
