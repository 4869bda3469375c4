// Fault suite: writes under load through a SIGKILL of the server and through a crash of
// Postgres (afterwards every write the server acknowledged is in the database), and slow
// clients trickling request heads while a normal client is served. The figures (writes,
// recovery times, latencies) are printed; only outcomes are asserted, never timings: the
// ctest TIMEOUT bounds the suite.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

#include "../e2e/session_client.hpp"

using namespace ignition::testing;
using namespace std::chrono_literals;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr int writer_count = 4;
constexpr auto load_before_fault = 2s;
constexpr auto load_after_recovery = 2s;
// Bounds of waits that end as soon as their condition holds; they only keep a broken
// server from hanging the suite until the ctest TIMEOUT.
constexpr auto recovery_bound = 60s;
constexpr auto request_patience = 15s;

std::map<std::string, std::string> server_env(const std::string& url) {
  return {{"DATABASE_URL", url},
          {"APP_ENV", "test"},
          {"THREADS", "2"},
          {"LOG_LEVEL", "info"},  // ServerProcess waits for the "listening" line
          {"DEV_LOGIN", "1"},
          {"AUTH_SECRET", "test-secret-test-secret-test-secret-0001"},
          {"APP_URL", "https://app.example.com"},
          {"RATE_LIMIT_AUTH", "0"},
          {"RATE_LIMIT_API", "0"},
          {"STORAGE_DIR", (binary_dir() / "test-storage" / "fault").string()}};
}

std::string ignition_migrate() { return (binary_dir() / "apps/ignition-migrate/ignition-migrate").string(); }

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// An HTTP/1.1 client that keeps its connection between requests, optionally from a given
// source address. Every step has a deadline: a server that vanishes mid-request (SIGKILL)
// must cost the client one failed request, not a hung thread.
class KeepAliveClient {
 public:
  explicit KeepAliveClient(std::string source = "") : source_(std::move(source)) {}
  ~KeepAliveClient() { drop(); }

  /// The answer, or nullopt when connecting, writing or reading failed or outlasted
  /// `patience` (`failure()` then says which, and the connection is dropped).
  std::optional<HttpResult> request(std::uint16_t port, const std::string& method, const std::string& target,
                                    const std::map<std::string, std::string>& headers, const std::string& body,
                                    std::chrono::milliseconds patience = request_patience) {
    if (stream_ && port != port_) drop();
    beast::error_code ec;
    if (!stream_) {
      stream_.emplace(io_);
      stream_->socket().open(tcp::v4(), ec);
      if (!ec && !source_.empty()) stream_->socket().bind(tcp::endpoint(asio::ip::make_address(source_), 0), ec);
      if (!ec) {
        stream_->expires_after(patience);
        stream_->async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                               [&](beast::error_code e) { ec = e; });
        run();
      }
      if (ec) return fail("connect: " + ec.message());
      port_ = port;
    }
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    if (!body.empty() || method == "POST") req.prepare_payload();
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    stream_->expires_after(patience);
    http::async_write(*stream_, req, [&](beast::error_code e, std::size_t) {
      ec = e;
      if (!e) http::async_read(*stream_, buffer_, parser, [&](beast::error_code e2, std::size_t) { ec = e2; });
    });
    run();
    if (ec) return fail(ec == beast::error::timeout ? "no answer in time" : "connection lost: " + ec.message());
    auto res = parser.release();
    HttpResult out;
    out.status = res.result_int();
    out.body = res.body();
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    if (!res.keep_alive()) drop();
    return out;
  }

  const std::string& failure() const noexcept { return failure_; }

 private:
  void run() {
    io_.restart();
    io_.run();
  }
  std::nullopt_t fail(std::string why) {
    failure_ = std::move(why);
    drop();
    return std::nullopt;
  }
  void drop() {
    if (!stream_) return;
    beast::error_code ignored;
    stream_->socket().close(ignored);
    stream_.reset();
    buffer_.clear();
  }

  std::string source_;
  asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  std::uint16_t port_ = 0;
  beast::flat_buffer buffer_;
  std::string failure_;
};

// What a write load saw: the ids of the acknowledged writes and the failures by kind.
struct LoadOutcome {
  std::vector<std::string> acknowledged;
  std::map<std::string, int> failures;  ///< "503", "connect: Connection refused", …
  int failed() const {
    int n = 0;
    for (const auto& [kind, count] : failures) n += count;
    return n;
  }
  std::string failures_text() const {
    std::ostringstream out;
    for (const auto& [kind, count] : failures) out << "\n  " << count << " × " << kind;
    return out.str();
  }
};

// Writers creating ideas as fast as the server answers, each on its own kept-alive
// connection, following the server to a new port when it is restarted.
class WriteLoad {
 public:
  WriteLoad(std::uint16_t port, Login login) : port_(port), login_(std::move(login)) {
    for (int w = 0; w < writer_count; ++w) threads_.emplace_back([this, w] { write(w); });
  }
  ~WriteLoad() { finish(); }

  void follow(std::uint16_t port) { port_ = port; }
  /// Marks the moment of the fault: recovery counts from here.
  void fault() { fault_at_ = Clock::now().time_since_epoch().count(); }
  /// When the first write begun after the fault was acknowledged (nullopt if none within `bound`).
  std::optional<Clock::time_point> wait_for_recovery(std::chrono::seconds bound) {
    auto until = Clock::now() + bound;
    while (Clock::now() < until) {
      if (auto at = first_after_.load(); at != 0) return Clock::time_point(Clock::duration(at));
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }
  LoadOutcome finish() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
    return outcome_;
  }

 private:
  void write(int writer) {
    KeepAliveClient client;
    LoadOutcome mine;
    const std::map<std::string, std::string> headers{
        {"Cookie", login_.cookie()}, {"X-CSRF-Token", login_.csrf}, {"Content-Type", "application/json"}};
    for (int n = 0; !stop_; ++n) {
      const auto started = Clock::now().time_since_epoch().count();
      const std::string body =
          R"({"title":"fault writer )" + std::to_string(writer) + " #" + std::to_string(n) + R"("})";
      auto answer = client.request(port_, "POST", "/api/v1/ideas", headers, body);
      if (answer && answer->status == 201) {
        mine.acknowledged.emplace_back(json_of(*answer).at("id").as_string());
        const auto fault = fault_at_.load();
        if (fault != 0 && started >= fault) note_first_after(Clock::now().time_since_epoch().count());
        continue;
      }
      ++mine.failures[answer ? std::to_string(answer->status) : client.failure()];
      // A server that is down answers at once; do not spin on it.
      std::this_thread::sleep_for(20ms);
    }
    std::lock_guard lock(mutex_);
    outcome_.acknowledged.insert(outcome_.acknowledged.end(), mine.acknowledged.begin(), mine.acknowledged.end());
    for (const auto& [kind, count] : mine.failures) outcome_.failures[kind] += count;
  }
  void note_first_after(Clock::rep at) {
    auto seen = first_after_.load();
    while ((seen == 0 || at < seen) && !first_after_.compare_exchange_weak(seen, at)) {}
  }

  std::atomic<std::uint16_t> port_;
  const Login login_;
  std::atomic<bool> stop_{false};
  std::atomic<Clock::rep> fault_at_{0};
  std::atomic<Clock::rep> first_after_{0};
  std::mutex mutex_;
  LoadOutcome outcome_;
  std::vector<std::thread> threads_;
};

// Every idea id in the database, read directly rather than through the server under test.
std::set<std::string> stored_idea_ids(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, "SELECT id::text FROM ideas");
  std::set<std::string> ids;
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  if (ok) {
    for (int i = 0; i < PQntuples(r); ++i) ids.emplace(PQgetvalue(r, i, 0));
  }
  PQclear(r);
  PQfinish(c);
  REQUIRE(ok);
  return ids;
}

// The acknowledged ids missing from the database.
std::vector<std::string> lost_writes(const LoadOutcome& outcome, const std::string& url) {
  const auto stored = stored_idea_ids(url);
  std::vector<std::string> lost;
  for (const auto& id : outcome.acknowledged) {
    if (!stored.count(id)) lost.push_back(id);
  }
  return lost;
}

std::string first_of(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 10; ++i) out += ids[i] + " ";
  return out;
}

// A cluster of the test's own that it may crash. pg_cluster.sh starts it (initdb as the
// postgres user under root, a free port), but without PG_FAST: the shared cluster's
// asynchronous commit would lose the last acknowledged commits in a crash by design, and
// this test is about the server never acknowledging what Postgres may lose. fsync alone
// may go, since an immediate stop ends processes, not the kernel that holds the WAL.
class CrashableCluster {
 public:
  CrashableCluster() : dir_(binary_dir() / "test-clusters" / ("fault-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(dir_.parent_path());
    script("stop");
    std::filesystem::remove_all(dir_);
    start();
    conninfo_ = read_conninfo();
    SqlSession admin(conninfo_);
    admin.scalar("ALTER SYSTEM SET fsync = off");
    admin.scalar("SELECT pg_reload_conf()");
  }
  ~CrashableCluster() {
    try {
      script("stop");
      std::filesystem::remove_all(dir_);
    } catch (...) {}
  }
  CrashableCluster(const CrashableCluster&) = delete;
  CrashableCluster& operator=(const CrashableCluster&) = delete;

  /// Starts the cluster (after a crash: with crash recovery) and waits until it accepts
  /// connections; throws when it comes back on another port, which the server would not find.
  void start() {
    script("start");
    if (!conninfo_.empty() && read_conninfo() != conninfo_) throw std::runtime_error("the cluster changed its port");
  }
  /// `pg_ctl stop -m immediate`: every Postgres process quits at once, as in a crash.
  void crash() { shell(as_owner() + pg_bindir() + "/pg_ctl -D " + (dir_ / "data").string() + " -m immediate -w stop"); }
  std::string create_database(const std::string& name) {
    script("createdb", name);
    return conninfo_.substr(0, conninfo_.find("dbname=")) + "dbname=" + name;
  }

 private:
  void script(const std::string& command, const std::string& extra = "") {
    shell((source_dir() / "scripts/pg_cluster.sh").string() + " " + command + " " + dir_.string() + " " + extra);
  }
  std::string read_conninfo() const {
    std::ifstream in(dir_ / "conninfo");
    std::string line;
    std::getline(in, line);
    return line;
  }
  // The same binaries and owner as pg_cluster.sh picks.
  static std::string pg_bindir() {
    std::string found;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql")) {
      if (std::filesystem::exists(entry.path() / "bin/initdb") && (entry.path() / "bin").string() > found)
        found = (entry.path() / "bin").string();
    }
    if (found.empty()) throw std::runtime_error("no Postgres binaries in /usr/lib/postgresql");
    return found;
  }
  static std::string as_owner() { return getuid() == 0 ? "runuser -u postgres -- " : ""; }

  std::filesystem::path dir_;
  std::string conninfo_;
};

// Connections from 127.0.0.2 that send a request head one byte per tick and never finish
// it. Each one the server ends (a 408, a refusal, a plain close) is counted and, until
// `stop_reconnecting`, opened again, so that the server is under the same pressure for
// the whole test. 127.0.0.2 makes them another client than the one on 127.0.0.1.
class SlowClients {
 public:
  struct Counts {
    int opened = 0;
    int connect_failed = 0;
    int open = 0;
    std::map<std::string, int> ended;  ///< "408", "503", "closed without an answer", …
  };

  SlowClients(std::uint16_t port, int count, std::chrono::milliseconds tick)
      : port_(port), tick_(tick), slots_(static_cast<std::size_t>(count)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~SlowClients() {
    stop_ = true;
    thread_.join();
    for (auto& s : slots_) {
      if (s.fd >= 0) close(s.fd);
    }
  }

  void stop_reconnecting() { reconnect_ = false; }
  /// Waits until every slot was tried once.
  void wait_started() {
    while (!started_) std::this_thread::sleep_for(10ms);
  }
  /// Waits (at most `bound`) until the server has ended every connection; true if it did.
  bool wait_all_closed(std::chrono::seconds bound) {
    auto until = Clock::now() + bound;
    while (Clock::now() < until) {
      if (counts().open == 0) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  Counts counts() {
    std::lock_guard lock(mutex_);
    return counts_;
  }

 private:
  struct Slot {
    int fd = -1;
    std::size_t sent = 0;
    std::string received;
    Clock::time_point reconnect_at{};
  };
  static constexpr std::string_view head_start = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

  void loop() {
    while (!stop_) {
      const auto tick_start = Clock::now();
      for (auto& slot : slots_) {
        if (slot.fd < 0 && reconnect_ && tick_start >= slot.reconnect_at) open_slot(slot);
        if (slot.fd >= 0) trickle(slot);
      }
      started_ = true;
      std::this_thread::sleep_until(tick_start + tick_);
    }
  }

  void open_slot(Slot& slot) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr = htonl(0x7f000002);  // 127.0.0.2: loopback answers the whole 127/8
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(port_);
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0 ||
        connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
      if (fd >= 0) close(fd);
      std::lock_guard lock(mutex_);
      ++counts_.connect_failed;
      slot.reconnect_at = Clock::now() + 1s;
      return;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    slot = Slot{};
    slot.fd = fd;
    std::lock_guard lock(mutex_);
    ++counts_.opened;
    ++counts_.open;
  }

  // Reads what the server sent; sends the next byte while it has not ended the connection.
  void trickle(Slot& slot) {
    char buf[1024];
    for (;;) {
      auto n = recv(slot.fd, buf, sizeof buf, 0);
      if (n > 0) {
        slot.received.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return end(slot);
      break;
    }
    const std::size_t at = slot.sent;
    const char next = at < head_start.size() ? head_start[at] : 'a';
    if (send(slot.fd, &next, 1, MSG_NOSIGNAL) == 1) {
      ++slot.sent;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      end(slot);
    }
  }

  void end(Slot& slot) {
    close(slot.fd);
    slot.fd = -1;
    const int status = status_of(slot.received);
    // A refused connection comes back after a pause, a timed-out one at once (as an
    // attacker would): neither must crowd out the normal client.
    slot.reconnect_at = Clock::now() + (status == 408 ? 0s : 1s);
    std::lock_guard lock(mutex_);
    --counts_.open;
    ++counts_.ended[status == 0 ? "closed without an answer" : std::to_string(status)];
  }

  const std::uint16_t port_;
  const std::chrono::milliseconds tick_;
  std::vector<Slot> slots_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> reconnect_{true};
  std::atomic<bool> started_{false};
  std::mutex mutex_;
  Counts counts_;
  std::thread thread_;
};

std::string ended_text(const std::map<std::string, int>& ended) {
  std::ostringstream out;
  for (const auto& [kind, count] : ended) out << "\n  " << count << " × " << kind;
  return out.str();
}

}  // namespace

TEST_CASE("every write acknowledged before a SIGKILL of the server is kept, and a new server takes the writes") {
  TestDatabase database("fault");
  const auto env = server_env(database.url());
  auto server = std::make_unique<ServerProcess>(env);
  WriteLoad load(server->port(), dev_login(server->port(), "fault-kill@example.com"));

  std::this_thread::sleep_for(load_before_fault);
  CHECK(server->stop(SIGKILL) == 128 + SIGKILL);
  load.fault();
  const auto killed_at = Clock::now();
  server = std::make_unique<ServerProcess>(env);
  const auto listening_at = Clock::now();
  load.follow(server->port());
  const auto recovered_at = load.wait_for_recovery(recovery_bound);
  REQUIRE(recovered_at);
  std::this_thread::sleep_for(load_after_recovery);
  const auto outcome = load.finish();

  const auto lost = lost_writes(outcome, database.url());
  WARN("SIGKILL of the server: " << outcome.acknowledged.size() << " writes acknowledged, " << lost.size() << " lost, "
                                 << outcome.failed() << " failed" << outcome.failures_text()
                                 << "\n  first acknowledged write " << ms_between(killed_at, *recovered_at)
                                 << " ms after the kill, " << ms_between(listening_at, *recovered_at)
                                 << " ms after the new server listened (its start-up took "
                                 << ms_between(killed_at, listening_at) << " ms)");
  INFO("lost: " << first_of(lost));
  CHECK(lost.empty());
  CHECK(outcome.acknowledged.size() > 0);
}

TEST_CASE("every write acknowledged before Postgres crashes is kept, and the same server recovers by itself") {
  CrashableCluster cluster;
  const std::string url = cluster.create_database("ignition");
  shell("DATABASE_URL='" + url + "' " + ignition_migrate() + " up");
  ServerProcess server(server_env(url));
  WriteLoad load(server.port(), dev_login(server.port(), "fault-crash@example.com"));

  std::this_thread::sleep_for(load_before_fault);
  cluster.crash();
  load.fault();
  const auto crashed_at = Clock::now();
  std::this_thread::sleep_for(1s);
  const auto restart_at = Clock::now();
  cluster.start();
  const auto accepting_at = Clock::now();
  const auto recovered_at = load.wait_for_recovery(recovery_bound);
  INFO("server output:\n" << server.output());
  REQUIRE(recovered_at);
  std::this_thread::sleep_for(load_after_recovery);
  const auto outcome = load.finish();

  const auto lost = lost_writes(outcome, url);
  WARN("Postgres crash (immediate stop, restart after 1 s): "
       << outcome.acknowledged.size() << " writes acknowledged, " << lost.size() << " lost, " << outcome.failed()
       << " failed" << outcome.failures_text() << "\n  first acknowledged write "
       << ms_between(crashed_at, *recovered_at) << " ms after the crash, " << ms_between(restart_at, *recovered_at)
       << " ms after the restart began (pg_ctl start with crash recovery returned after "
       << ms_between(restart_at, accepting_at) << " ms)");
  // The server stays up: a write that meets the outage is a 503, never a 500 or a dropped connection.
  INFO(outcome.failures_text());
  CHECK(outcome.failures.size() == outcome.failures.count("503"));
  INFO("lost: " << first_of(lost));
  CHECK(lost.empty());
  CHECK(outcome.acknowledged.size() > 0);
  CHECK(server.running());
}

TEST_CASE("hundreds of connections trickling request heads do not keep another client from being served") {
  TestDatabase database("fault");
  auto env = server_env(database.url());
  // Short, so that the test sees the server end the slow connections.
  env["HTTP_READ_TIMEOUT"] = "3s";
  ServerProcess server(env);
  const Login login = dev_login(server.port(), "fault-slow@example.com");

  SlowClients slow(server.port(), 300, 200ms);
  slow.wait_started();
  const auto before = slow.counts();

  // A normal client on 127.0.0.1, a new connection per request (the path a connection
  // flood would block), paced so that its requests span more than one read timeout.
  std::vector<double> latencies;
  std::map<std::string, int> answers;
  for (int i = 0; i < 200; ++i) {
    KeepAliveClient client;
    const bool health = i % 2 == 0;
    std::map<std::string, std::string> headers;
    if (!health) headers["Cookie"] = login.cookie();
    const auto started = Clock::now();
    auto r = client.request(server.port(), "GET", health ? "/health" : "/api/v1/ideas", headers, "", 30s);
    latencies.push_back(ms_between(started, Clock::now()));
    ++answers[r ? std::to_string(r->status) : client.failure()];
    std::this_thread::sleep_for(25ms);
  }
  slow.stop_reconnecting();
  const bool all_closed = slow.wait_all_closed(60s);
  const auto after = slow.counts();

  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    return latencies[static_cast<std::size_t>(q * static_cast<double>(latencies.size() - 1))];
  };
  WARN("slow clients: 300 connections from 127.0.0.2 sending a head byte every 200 ms, HTTP_READ_TIMEOUT=3s; "
       << before.open << " open when the normal client began, " << after.opened << " opened in all, "
       << after.connect_failed << " connects failed; ended by the server:" << ended_text(after.ended)
       << "\nnormal client on 127.0.0.1: " << latencies.size() << " requests, answers:" << ended_text(answers)
       << "\n  latency ms: median " << at(0.5) << ", p90 " << at(0.9) << ", p99 " << at(0.99) << ", max "
       << latencies.back());
  CHECK(answers["200"] == 200);
  CHECK(before.open > 0);
  // The server ends each slow connection itself: its read timeout (408), or a refusal.
  CHECK(all_closed);
  CHECK(after.ended.count("408") == 1);
  CHECK(server.running());
}
