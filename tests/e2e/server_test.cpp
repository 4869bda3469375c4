// End-to-end: the built ignition-api binary as a child process, over real sockets,
// against a real Postgres.

#include <catch2/catch.hpp>

#include <libpq-fe.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <future>
#include <regex>
#include <thread>

#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

#include "session_client.hpp"

using namespace ignition::testing;
using namespace std::chrono_literals;

namespace {
std::map<std::string, std::string> base_env(const std::string& url) {
  return {{"DATABASE_URL", url}, {"APP_ENV", "test"}, {"THREADS", "2"}, {"LOG_LEVEL", "info"}};
}

void check_error_body(const HttpResult& r, int status, const std::string& code) {
  CHECK(r.status == status);
  CHECK(r.header("content-type") == "application/json; charset=utf-8");
  auto body = json_of(r);
  CHECK(body.at("code").as_string() == code);
  CHECK_FALSE(body.at("error").as_string().empty());
  CHECK(body.at("request_id").as_string() == r.header("x-request-id"));
}

void check_security_headers(const HttpResult& r) {
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("x-frame-options") == "DENY");
  CHECK(r.header("referrer-policy") == "strict-origin-when-cross-origin");
  CHECK(r.header("content-security-policy") == "default-src 'none'; frame-ancestors 'none'");
  CHECK(r.header("cache-control") == "no-store");
  CHECK_FALSE(r.header("x-request-id").empty());
}

// A libpq session holding a lock, to make requests wait on the database.
struct TableLock {
  explicit TableLock(const std::string& url) : conn(PQconnectdb(url.c_str())) {
    PQclear(PQexec(conn, "BEGIN; LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE;"));
  }
  void release() {
    if (conn) PQclear(PQexec(conn, "COMMIT"));
    PQfinish(conn);
    conn = nullptr;
  }
  ~TableLock() { release(); }
  PGconn* conn;
};

std::string ignition_migrate() { return (binary_dir() / "apps/ignition-migrate/ignition-migrate").string(); }

// A server on one thread, whose connections run without strands: how one connection's
// stream is served shows plainly.
struct OneThreadServer {
  static std::map<std::string, std::string> env_of(const std::string& url) {
    auto env = base_env(url);
    env["THREADS"] = "1";
    return env;
  }
  TestDatabase database{"e2e"};
  ServerProcess server{env_of(database.url())};
};

// `count` GET /health requests in one stream, for a client that pipelines them.
std::string health_requests(int count) {
  const std::string one = "GET /health HTTP/1.1\r\nHost: a\r\n\r\n";
  std::string stream;
  for (int i = 0; i < count; ++i) stream += one;
  return stream;
}
}  // namespace

// One thread runs connections without strands (ADR-025): both ways are tested.
TEST_CASE("operational routes, headers, request ids, 404 and 405") {
  const std::string threads = GENERATE(as<std::string>{}, "1", "2");
  INFO("THREADS=" << threads);
  TestDatabase database("e2e");
  auto env = base_env(database.url());
  env["THREADS"] = threads;
  ServerProcess server(env);

  auto health = http_request(server.port(), "GET", "/health");
  CHECK(health.status == 200);
  CHECK(json_of(health).at("status").as_string() == "ok");
  check_security_headers(health);
  CHECK(health.header("strict-transport-security") ==
        "max-age=31536000; includeSubDomains");  // cookies are Secure by default

  auto ready = http_request(server.port(), "GET", "/ready");
  CHECK(ready.status == 200);
  CHECK(json_of(ready).at("schema_version").as_int64() >= 1);
  CHECK(json_of(ready).at("checks").as_object().at("database").as_string() == "ok");

  auto echoed = http_request(server.port(), "GET", "/health", {{"X-Request-Id", "client-id-42"}});
  CHECK(echoed.header("x-request-id") == "client-id-42");
  auto replaced = http_request(server.port(), "GET", "/health", {{"X-Request-Id", std::string(129, 'a')}});
  CHECK(replaced.header("x-request-id").size() > 0);
  CHECK(replaced.header("x-request-id").size() <= 128);
  CHECK(replaced.header("x-request-id") != std::string(129, 'a'));

  auto missing = http_request(server.port(), "GET", "/api/v1/nothing-here");
  check_error_body(missing, 404, "not_found");
  check_security_headers(missing);

  auto wrong_method = http_request(server.port(), "DELETE", "/health");
  check_error_body(wrong_method, 405, "method_not_allowed");
  CHECK(wrong_method.header("allow") == "GET, HEAD");
  // A signed-in route's path is no secret: a wrong method is a 405 without a session too.
  auto wrong_on_user_path = http_request(server.port(), "PUT", "/api/v1/focus");
  check_error_body(wrong_on_user_path, 405, "method_not_allowed");
  CHECK(wrong_on_user_path.header("allow") == "GET, HEAD, POST");

  auto head = http_request(server.port(), "HEAD", "/health");
  CHECK(head.status == 200);
  CHECK(head.header("content-length") == "15");
  CHECK(head.body.empty());

  // Keep-alive: two pipelined requests on one connection, two answers.
  std::string two =
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string raw = raw_exchange(server.port(), two, 5s);
  CHECK(std::count(raw.begin(), raw.end(), '{') == 2);
  CHECK(status_of(raw) == 200);
  // HTTP/1.0 keeps a connection only when asked and told: the answer says so.
  std::string two_old = "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /health HTTP/1.0\r\n\r\n";
  raw = raw_exchange(server.port(), two_old, 5s);
  CHECK(std::count(raw.begin(), raw.end(), '{') == 2);
  const auto second = raw.find("HTTP/1.1", 1);
  REQUIRE(second != std::string::npos);
  CHECK_THAT(raw.substr(0, second), Catch::Contains("Connection: keep-alive\r\n"));
  CHECK_THAT(raw.substr(second), Catch::Contains("Connection: close\r\n"));

  // Every request gave its database connection back. The session maintenance's first round,
  // started with the server, may still hold one on a busy machine: it is given a few seconds.
  constexpr std::string_view none_in_use = R"(db_pool_connections{state="in_use"} 0)";
  auto metrics = http_request(server.port(), "GET", "/metrics");
  for (int i = 0; i < 50 && metrics.body.find(none_in_use) == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    metrics = http_request(server.port(), "GET", "/metrics");
  }
  CHECK(metrics.status == 200);
  CHECK_THAT(metrics.body, Catch::Contains(R"(http_requests_total{route="/health",method="GET",status="200"})"));
  CHECK_THAT(metrics.body, Catch::Contains(R"(http_requests_total{route="unmatched",method="GET",status="404"} 1)"));
  CHECK_THAT(metrics.body, Catch::Contains(R"(http_request_duration_seconds_bucket{route="/ready")"));
  CHECK_THAT(metrics.body, Catch::Contains(std::string(none_in_use)));
  CHECK_THAT(metrics.body, Catch::Contains("db_pool_max_connections 16"));

  // The access log: one JSON line per request, with the route template.
  CHECK(server.stop(SIGTERM) == 0);
  std::string log = server.output();
  CHECK_THAT(log, Catch::Contains(R"("msg":"request")"));
  CHECK_THAT(log, Catch::Contains(R"("route":"/health")"));
  CHECK_THAT(log, Catch::Contains(R"("request_id":"client-id-42")"));
}

TEST_CASE("hostile requests get their clear status and the server keeps serving") {
  const std::string threads = GENERATE(as<std::string>{}, "1", "2");
  INFO("THREADS=" << threads);
  TestDatabase database("e2e");
  auto env = base_env(database.url());
  env["THREADS"] = threads;
  env["HTTP_READ_TIMEOUT"] = "2s";
  ServerProcess server(env);

  SECTION("a malformed request line is a 400") {
    CHECK(status_of(raw_exchange(server.port(), "GARBAGE\r\n\r\n")) == 400);
    CHECK(status_of(raw_exchange(server.port(), "GET /health HTTP/9.9\r\n\r\n")) == 400);
    CHECK(status_of(raw_exchange(server.port(), "GET health HTTP/1.1\r\nHost: x\r\n\r\n")) == 400);
  }
  SECTION("a body framed so that a proxy may read it otherwise is a 400, and the connection closes") {
    // The body is never read as a request of its own: one answer, then the connection ends.
    const std::string smuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    for (const std::string& framing :
         {std::string("Transfer-Encoding: gzip\r\n"), std::string("Transfer-Encoding: chunked, gzip\r\n"),
          "Transfer-Encoding: chunked\r\nContent-Length: " + std::to_string(smuggled.size()) + "\r\n"}) {
      INFO(framing);
      const std::string raw =
          raw_exchange(server.port(), "POST /auth/logout HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n" + smuggled, 5s);
      CHECK(status_of(raw) == 400);
      CHECK(raw.find("HTTP/1.1", 1) == std::string::npos);
      CHECK_THAT(raw, Catch::Contains("Connection: close\r\n"));
    }
  }
  SECTION("a 20 KiB header is a 431") {
    std::string req = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n";
    CHECK(status_of(raw_exchange(server.port(), req)) == 431);
  }
  SECTION("a 2 MiB body is a 413, announced or chunked") {
    std::string body(2 * 1024 * 1024, 'a');
    auto announced = http_request(server.port(), "POST", "/health", {{"Content-Type", "application/json"}}, body);
    check_error_body(announced, 413, "payload_too_large");
    std::string chunked = "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) chunked += "100000\r\n" + std::string(0x100000, 'b') + "\r\n";
    chunked += "0\r\n\r\n";
    CHECK(status_of(raw_exchange(server.port(), chunked)) == 413);
  }
  SECTION("a client sending one byte per second is cut with a 408 while others are served") {
    auto slow = std::async(std::launch::async, [&] {
      return raw_exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 10s, 1000ms);
    });
    std::this_thread::sleep_for(200ms);
    auto started = std::chrono::steady_clock::now();
    CHECK(http_request(server.port(), "GET", "/health").status == 200);
    CHECK(std::chrono::steady_clock::now() - started < 1s);
    std::string answer = slow.get();
    CHECK(status_of(answer) == 408);
    CHECK_THAT(answer, Catch::Contains("request_timeout"));
  }
  CHECK(http_request(server.port(), "GET", "/health").status == 200);
  CHECK(server.running());
}

TEST_CASE("a client that keeps requests coming does not hold the server: another is answered meanwhile") {
  OneThreadServer one;
  auto& server = one.server;
  // A pipelines many requests and reads its answers as they come, so that the server never
  // has to wait for A's socket; B asks once while A's stream is being served.
  constexpr int pipelined = 40000;
  const std::string stream = health_requests(pipelined);
  int a = connect_loopback(server.port());
  auto a_answered = std::async(std::launch::async, [a] {
    std::string window;
    int answers = 0;
    char buffer[65536];
    while (answers < pipelined) {
      const auto n = recv(a, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      window.append(buffer, static_cast<std::size_t>(n));
      for (auto at = window.find("HTTP/1.1 200"); at != std::string::npos; at = window.find("HTTP/1.1 200", at + 1))
        ++answers;
      window.erase(0, window.size() > 11 ? window.size() - 11 : 0);  // a status line may be cut
    }
    return std::make_pair(answers, std::chrono::steady_clock::now());
  });
  auto a_sent =
      std::async(std::launch::async, [a, &stream] { return send(a, stream.data(), stream.size(), MSG_NOSIGNAL); });
  std::this_thread::sleep_for(20ms);  // A's stream is under way
  CHECK(http_request(server.port(), "GET", "/health").status == 200);
  const auto b_answered = std::chrono::steady_clock::now();
  CHECK(a_sent.get() == static_cast<ssize_t>(stream.size()));
  const auto [answers, a_done] = a_answered.get();
  close(a);
  CHECK(answers == pipelined);
  CHECK(b_answered < a_done);
}

TEST_CASE("a keep-alive connection is answered whenever its next request comes, whole or in pieces") {
  // After an answer the server waits for the next request without trying the socket first
  // (the last read drained it): what arrives later must still wake it, at once.
  OneThreadServer one;
  int fd = connect_loopback(one.server.port());
  timeval patience{2, 0};  // a missed wake-up would wait for the 10 s read or 60 s idle timeout
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  const std::string request = "GET /health HTTP/1.1\r\nHost: a\r\n\r\n";
  // The next whole answer (the head, then the 15 bytes of {"status":"ok"}); what comes after it
  // is kept for the next call.
  std::string received;
  auto answer = [fd, &received] {
    char buffer[4096];
    for (;;) {
      const auto end = received.find("\r\n\r\n");
      if (end != std::string::npos && received.size() >= end + 4 + 15) {
        const int status = status_of(received);
        received.erase(0, end + 4 + 15);
        return status;
      }
      const auto n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return 0;
      received.append(buffer, static_cast<std::size_t>(n));
    }
  };
  auto send_text = [fd](std::string_view text) { return send(fd, text.data(), text.size(), MSG_NOSIGNAL); };
  CHECK(send_text(request) > 0);
  CHECK(answer() == 200);
  std::this_thread::sleep_for(100ms);  // the server is waiting by now
  CHECK(send_text(request.substr(0, 10)) > 0);
  std::this_thread::sleep_for(100ms);
  CHECK(send_text(request.substr(10)) > 0);
  CHECK(answer() == 200);
  std::this_thread::sleep_for(100ms);
  CHECK(send_text(request + request) > 0);
  CHECK(answer() == 200);
  CHECK(answer() == 200);
  close(fd);
}

TEST_CASE("answers a client is slow to take are sent whole, in order, once each") {
  OneThreadServer one;
  auto& server = one.server;
  // 20,000 pipelined requests whose answers (about 10 MB) the client leaves unread for a while,
  // through a small receive buffer: the server's writes fill the socket and are finished
  // asynchronously, answer after answer.
  constexpr int pipelined = 20000;
  const std::string stream = health_requests(pipelined);
  int a = connect_loopback(server.port(), 4096);
  auto a_sent =
      std::async(std::launch::async, [a, &stream] { return send(a, stream.data(), stream.size(), MSG_NOSIGNAL); });
  // Long enough for the server to fill its send buffer (at most 4 MB here) and wait.
  std::this_thread::sleep_for(2s);
  std::string received;
  char buffer[65536];
  std::size_t answer_size = 0;
  while (answer_size == 0 || received.size() < answer_size * pipelined) {
    const auto n = recv(a, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
    // Every answer is alike but for its request id, which is always as long.
    const auto blank = answer_size == 0 ? received.find("\r\n\r\n") : std::string::npos;
    if (blank != std::string::npos) {
      const auto head_end = blank + 4;
      const auto length_at = received.find("Content-Length: ");
      REQUIRE(length_at < head_end);
      answer_size = head_end + std::stoul(received.substr(length_at + 16));
    }
  }
  CHECK(a_sent.get() == static_cast<ssize_t>(stream.size()));
  close(a);
  REQUIRE(answer_size > 0);
  CHECK(received.size() == answer_size * pipelined);
  int answers = 0;
  for (std::size_t at = 0; at + answer_size <= received.size(); at += answer_size) {
    if (received.compare(at, 17, "HTTP/1.1 200 OK\r\n") == 0) ++answers;
  }
  CHECK(answers == pipelined);
  CHECK(server.running());
}

namespace {
namespace asio = boost::asio;

// A connection from `source`, another loopback address: a client of its own to the server.
asio::ip::tcp::socket connect_from(asio::io_context& io, const std::string& source, std::uint16_t port) {
  asio::ip::tcp::socket socket(io);
  socket.open(asio::ip::tcp::v4());
  socket.bind({asio::ip::make_address(source), 0});
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  return socket;
}

// The status of GET /health on the connection, or of what the server said unasked; 0 when it
// closed without a word.
int status_on(asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  const std::string request = "GET /health HTTP/1.1\r\nHost: a\r\n\r\n";
  asio::write(socket, asio::buffer(request), ec);
  std::string answer;
  asio::read_until(socket, asio::dynamic_buffer(answer), "\r\n\r\n", ec);
  return answer.empty() ? 0 : status_of(answer);
}
}  // namespace

TEST_CASE("a client past its connection cap, or anyone past the server's, is answered 503; the rest are served") {
  TestDatabase database("e2e");
  auto env = base_env(database.url());
  env["HTTP_MAX_CONNECTIONS"] = "6";
  env["HTTP_MAX_CONNECTIONS_PER_CLIENT"] = "3";
  ServerProcess server(env);
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(connect_from(io, "127.0.0.2", server.port()));
    CHECK(status_on(open.back()) == 200);
  }
  // A fourth from the same client is refused, and told why.
  auto fourth = connect_from(io, "127.0.0.2", server.port());
  std::string refused;
  boost::system::error_code ec;
  asio::read(fourth, asio::dynamic_buffer(refused), ec);  // to the server's close
  CHECK(status_of(refused) == 503);
  CHECK(refused.find("Retry-After: 1\r\n") != std::string::npos);
  CHECK(refused.find(R"("code":"unavailable")") != std::string::npos);
  // Another client is served up to the server's cap, then nobody is.
  for (int i = 0; i < 3; ++i) {
    open.push_back(connect_from(io, "127.0.0.3", server.port()));
    CHECK(status_on(open.back()) == 200);
  }
  auto seventh = connect_from(io, "127.0.0.4", server.port());
  std::string refused_too;
  asio::read(seventh, asio::dynamic_buffer(refused_too), ec);
  CHECK(status_of(refused_too) == 503);
  // A place given back is a place taken again.
  open.front().close();
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    auto retry = connect_from(io, "127.0.0.2", server.port());
    status = status_on(retry);
    if (status != 200) std::this_thread::sleep_for(100ms);
  }
  CHECK(status == 200);
  CHECK(server.running());
}

TEST_CASE("a request past its deadline answers 503 and releases its database connection") {
  TestDatabase database("e2e");
  auto env = base_env(database.url());
  env["HTTP_REQUEST_TIMEOUT"] = "1s";
  ServerProcess server(env);
  CHECK(http_request(server.port(), "GET", "/ready").status == 200);
  {
    TableLock lock(database.url());
    auto started = std::chrono::steady_clock::now();
    auto stuck = http_request(server.port(), "GET", "/ready");
    auto took = std::chrono::steady_clock::now() - started;
    check_error_body(stuck, 503, "unavailable");
    CHECK(took >= 900ms);
    CHECK(took < 1900ms);  // the deadline (1 s) fired, not the readiness timeout (2 s)
  }
  CHECK(http_request(server.port(), "GET", "/ready").status == 200);
  CHECK_THAT(http_request(server.port(), "GET", "/metrics").body,
             Catch::Contains(R"(db_pool_connections{state="in_use"} 0)"));
}

TEST_CASE("SIGTERM drains in-flight requests, then the server exits 0") {
  TestDatabase database("e2e");
  ServerProcess server(base_env(database.url()));
  CHECK(http_request(server.port(), "GET", "/ready").status == 200);
  TableLock lock(database.url());
  auto in_flight = std::async(std::launch::async, [&] { return http_request(server.port(), "GET", "/ready"); });
  std::this_thread::sleep_for(300ms);
  auto stopped = std::async(std::launch::async, [&] { return server.stop(SIGTERM); });
  std::this_thread::sleep_for(300ms);
  CHECK_THROWS(http_request(server.port(), "GET", "/health"));  // no longer accepting
  lock.release();
  auto answer = in_flight.get();
  CHECK(answer.status == 200);
  CHECK(answer.header("connection") == "close");
  CHECK(stopped.get() == 0);
}

TEST_CASE("/ready follows Postgres down and back up without a server restart") {
  PgCluster cluster("ready");
  std::string url = cluster.create_database("ignition");
  shell("DATABASE_URL='" + url + "' " + ignition_migrate() + " up");
  ServerProcess server(base_env(url));
  REQUIRE(http_request(server.port(), "GET", "/ready").status == 200);

  // Load while Postgres goes away: every answer is 200 or 503, none hangs.
  std::atomic<bool> stop{false};
  std::atomic<int> other{0}, slow{0}, ok{0}, unavailable{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      while (!stop) {
        auto started = std::chrono::steady_clock::now();
        int status = 0;
        try {
          status = http_request(server.port(), "GET", "/ready").status;
        } catch (...) {}
        if (std::chrono::steady_clock::now() - started > 3s) ++slow;
        if (status == 200)
          ++ok;
        else if (status == 503)
          ++unavailable;
        else
          ++other;
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  cluster.stop();
  std::this_thread::sleep_for(1s);
  auto down = http_request(server.port(), "GET", "/ready");
  CHECK(down.status == 503);
  CHECK(json_of(down).at("checks").as_object().at("database").as_string() == "unreachable");
  cluster.start();
  auto restarted = std::chrono::steady_clock::now();
  int status = 0;
  while (std::chrono::steady_clock::now() - restarted < 5s) {
    status = http_request(server.port(), "GET", "/ready").status;
    if (status == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(status == 200);
  stop = true;
  for (auto& t : clients) t.join();
  CHECK(other == 0);
  CHECK(slow == 0);
  CHECK(ok > 0);
  CHECK(unavailable > 0);
  CHECK(server.running());
}

TEST_CASE("the server refuses to start, with one clear line, on a bad schema or configuration") {
  SECTION("a database without the migrations") {
    TestDatabase empty("e2e", TestDatabase::Schema::empty);
    auto [code, output] = run_server_expecting_exit(base_env(empty.url()));
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("schema mismatch: the database lacks migration 0001_users_and_sessions"));
  }
  SECTION("a database with a migration this build does not know") {
    TestDatabase newer("e2e");
    newer.scalar("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_from_the_future', 'x')");
    auto [code, output] = run_server_expecting_exit(base_env(newer.url()));
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("9999_from_the_future, which this build does not know"));
  }
  SECTION("an unreachable database") {
    auto [code, output] = run_server_expecting_exit(base_env("host=127.0.0.1 port=1 user=postgres dbname=x"));
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("cannot reach the database"));
  }
  SECTION("a missing or invalid setting is named") {
    auto [code, output] = run_server_expecting_exit({{"APP_ENV", "test"}});
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("DATABASE_URL"));

    TestDatabase database("e2e");
    auto env = base_env(database.url());
    env["PORT"] = "eighty";
    std::tie(code, output) = run_server_expecting_exit(env);
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("PORT"));
    CHECK(std::count(output.begin(), output.end(), '\n') == 1);

    env = base_env(database.url());
    env["APP_ENV"] = "staging";
    std::tie(code, output) = run_server_expecting_exit(env);
    CHECK(code == 1);
    CHECK_THAT(output, Catch::Contains("APP_ENV"));
  }
}

TEST_CASE("a variable with the project's prefixes that nothing reads is reported at start-up") {
  TestDatabase database("e2e");
  auto env = base_env(database.url());
  env["RATE_LIMIT_APII"] = "5/min";
  env["UNRELATED_THING"] = "1";
  ServerProcess server(env);
  CHECK(server.stop(SIGTERM) == 0);
  std::string log = server.output();
  CHECK_THAT(
      log, Catch::Contains(R"("msg":"configuration variable is not used by this build","variable":"RATE_LIMIT_APII")"));
  CHECK_THAT(log, !Catch::Contains("UNRELATED_THING"));
}

// Start-up work (the first session-maintenance query, the listener's connect) is still
// running when a stop this early arrives; on two threads its cancellation once raced the
// coroutine and aborted the process. The race is narrow, hence the repetitions.
TEST_CASE("a stop sent as soon as the server listens is a clean stop, every time") {
  TestDatabase database("e2e");
  auto env = base_env(database.url());
  env["THREADS"] = "2";
  for (int i = 0; i < 20; ++i) {
    ServerProcess server(env);
    const int status = server.stop(SIGTERM);
    INFO("attempt " << i << ", output:\n" << server.output());
    REQUIRE(status == 0);
  }
}

TEST_CASE("/metrics can be protected by a bearer token") {
  TestDatabase database("e2e");
  auto env = base_env(database.url());
  env["METRICS_TOKEN"] = "s3cret-token-value";
  ServerProcess server(env);
  check_error_body(http_request(server.port(), "GET", "/metrics"), 401, "unauthorized");
  check_error_body(http_request(server.port(), "GET", "/metrics", {{"Authorization", "Bearer wrong"}}), 401,
                   "unauthorized");
  CHECK(http_request(server.port(), "GET", "/metrics", {{"Authorization", "Bearer s3cret-token-value"}}).status == 200);
  CHECK(server.stop(SIGTERM) == 0);
  CHECK_THAT(server.output(), !Catch::Contains("s3cret-token-value"));
}
