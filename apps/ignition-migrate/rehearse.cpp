// ignition-migrate rehearse: the cutover on a scratch database (docs/cutover.md). Creates the
// database next to DATABASE_URL's, migrates it, imports and verifies the source, starts
// ignition-api against it on a loopback port, opens sessions for a sample of imported users
// and reads their data through the HTTP API. verify proves the database equals what the rules
// make of the source; the reads prove the API serves each sampled user exactly their rows.

#include "rehearse.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <thread>

#include <ignition/common/crypto.hpp>
#include <ignition/d1import/import.hpp>

extern char** environ;

namespace ignition::rehearsal {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// A blocking libpq connection for the few statements of the rehearsal itself.
class Sql {
 public:
  explicit Sql(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(c_) != CONNECTION_OK) {
      std::string error = PQerrorMessage(c_);
      PQfinish(c_);
      throw std::runtime_error("cannot connect to the database: " + error);
    }
  }
  ~Sql() { PQfinish(c_); }
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;

  /// Rows of text values ("" for NULL).
  std::vector<std::vector<std::string>> query(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r =
        PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const auto status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      std::string error = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(error);
    }
    std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(PQntuples(r)));
    for (int i = 0; i < PQntuples(r); ++i) {
      for (int j = 0; j < PQnfields(r); ++j) rows[i].emplace_back(PQgetvalue(r, i, j), PQgetlength(r, i, j));
    }
    PQclear(r);
    return rows;
  }

 private:
  PGconn* c_;
};

// DATABASE_URL (a URI or key=value conninfo) with another database name.
std::string with_database(const std::string& url, const std::string& database) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string message = error ? error : "invalid";
    PQfreemem(error);
    throw std::runtime_error("DATABASE_URL: " + message);
  }
  std::string out;
  for (auto* o = options; o->keyword; ++o) {
    const bool is_db = std::string_view(o->keyword) == "dbname";
    if (!o->val && !is_db) continue;
    std::string value = is_db ? database : o->val;
    std::string quoted;
    for (char c : value) {
      if (c == '\'' || c == '\\') quoted += '\\';
      quoted += c;
    }
    out += fmt::format("{}{}='{}'", out.empty() ? "" : " ", o->keyword, quoted);
  }
  PQconninfoFree(options);
  return out;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// Runs `argv` in `directory` with the process environment plus `overrides`, its stdout
// silenced; returns the child's pid. Its stderr stays: a failure explains itself.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& overrides,
            const std::filesystem::path& directory) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    if (!overrides.contains(entry.substr(0, entry.find('=')))) env.push_back(entry);
  }
  for (const auto& [key, value] : overrides) env.push_back(key + "=" + value);
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  args.push_back(nullptr);
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (::chdir(directory.c_str()) != 0 || devnull < 0 || ::dup2(devnull, STDOUT_FILENO) < 0) _exit(126);
    ::execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// SIGTERM (the server drains), then SIGKILL if it is still there after 10 s.
void stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::filesystem::path find_api(const std::filesystem::path& self) {
  if (const char* explicit_path = std::getenv("IGNITION_API_BINARY")) return explicit_path;
  const auto dir = self.parent_path();
  for (const auto& candidate : {dir / "ignition-api", dir / ".." / "ignition-api" / "ignition-api"}) {
    if (std::filesystem::exists(candidate)) return std::filesystem::canonical(candidate);
  }
  throw std::runtime_error("ignition-api not found next to " + self.string() + " (set IGNITION_API_BINARY)");
}

struct Answer {
  unsigned status = 0;
  json::value body;
};

Answer get(int port, const std::string& target, const std::string& cookie) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  // A server that stops answering fails the read instead of holding the rehearsal.
  const timeval timeout{10, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!cookie.empty()) request.set(http::field::cookie, cookie);
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  Answer answer{response.result_int(), {}};
  boost::system::error_code ec;
  if (!response.body().empty()) answer.body = json::parse(response.body(), ec);
  return answer;
}

// Every page of a list (contract §1: items and next_cursor).
std::set<std::string> list_ids(int port, const std::string& path, const std::string& cookie, unsigned& status) {
  std::set<std::string> ids;
  std::string cursor;
  do {
    const auto answer = get(port, path + "?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor), cookie);
    status = answer.status;
    if (status != 200 || !answer.body.is_object()) break;
    for (const auto& item : answer.body.at("items").as_array()) ids.emplace(item.at("id").as_string());
    const auto& next = answer.body.at("next_cursor");
    cursor = next.is_string() ? std::string(next.as_string()) : "";
  } while (!cursor.empty());
  return ids;
}

std::string number(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

}  // namespace

int rehearse(const std::string& url, const std::filesystem::path& from, const std::filesystem::path& self,
             const Options& options, std::ostream& out) {
  const auto api = find_api(self);
  const std::string scratch = fmt::format("ignition_rehearsal_{}", ::getpid());
  const auto scratch_url = with_database(url, scratch);
  std::string work_template = (std::filesystem::temp_directory_path() / (scratch + "_XXXXXX")).string();
  if (!::mkdtemp(work_template.data())) throw std::runtime_error("cannot create a temporary directory");
  const std::filesystem::path work = work_template;
  Sql admin(url);
  admin.query(fmt::format("CREATE DATABASE {}", scratch));
  out << fmt::format("rehearse: scratch database {} next to the target\n", scratch);
  pid_t server = 0;
  int problems = 0;
  try {
    // The schema, exactly as on the day: this binary's own `up`.
    if (wait_exit(spawn({self.string(), "up"}, {{"DATABASE_URL", scratch_url}, {"APP_ENV", "test"}}, work)) != 0) {
      throw std::runtime_error("ignition-migrate up failed on the scratch database");
    }
    const auto started = Clock::now();
    const auto report = d1import::import_d1(scratch_url, {.from = from, .progress = options.progress});
    const std::chrono::duration<double> import_time = Clock::now() - started;
    std::int64_t source = 0, imported = 0, repaired = 0;
    for (const auto& t : report.tables) {
      source += t.source_rows;
      imported += t.expected_rows;
      repaired += t.repaired;
    }
    out << fmt::format("  import: {:.2f} s, {} source rows -> {} imported ({} repaired), {} skipped\n",
                       import_time.count(), source, imported, repaired, source - imported);
    std::ostringstream findings;
    const auto verify_started = Clock::now();
    const int mismatches = d1import::verify(scratch_url, from, findings, d1import::ProgressMode::none);
    const std::chrono::duration<double> verify_time = Clock::now() - verify_started;
    out << fmt::format("  verify: {:.2f} s, {}\n", verify_time.count(),
                       mismatches == 0 ? "no mismatch" : fmt::format("{} MISMATCHES", mismatches));
    if (mismatches != 0) out << findings.str();
    problems += mismatches;

    const int port = free_port();
    server = spawn({api.string()},
                   {{"DATABASE_URL", scratch_url},
                    {"APP_ENV", "test"},
                    {"AUTH_SECRET", crypto::to_hex(crypto::random_bytes(32))},
                    {"BIND", "127.0.0.1"},
                    {"PORT", std::to_string(port)},
                    {"THREADS", "1"},
                    {"DB_POOL_SIZE", "4"},
                    {"LOG_LEVEL", "warn"},
                    {"STORAGE_BACKEND", "fs"},
                    {"STORAGE_DIR", (work / "storage").string()},
                    {"RATE_LIMIT_API", "0"},
                    {"METRICS_TOKEN", ""}},
                   work);
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    for (;;) {
      try {
        if (get(port, "/ready", "").status == 200) break;
      } catch (const std::exception&) {
        // not listening yet
      }
      if (Clock::now() > deadline) throw std::runtime_error("ignition-api did not become ready within 30 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }

    // A sample spread over the users, the same on every run.
    Sql db(scratch_url);
    const auto users =
        db.query("SELECT id, email FROM users ORDER BY md5(id::text) LIMIT $1", {std::to_string(options.sample)});
    int checks = 0;
    auto check = [&](bool ok, const std::string& what) {
      ++checks;
      if (ok) return;
      ++problems;
      out << "  MISMATCH " << what << "\n";
    };
    for (const auto& user : users) {
      const auto& id = user[0];
      try {
        const auto token = crypto::to_hex(crypto::random_bytes(32));
        db.query(
            "INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, sha256($2::bytea), now() + "
            "interval '1 hour')",
            {id, token});
        const auto cookie = "session=" + token;
        const auto me = get(port, "/api/v1/me", cookie);
        check(me.status == 200 && me.body.is_object() && me.body.as_object().contains("email") &&
                  me.body.at("email").as_string() == user[1],
              fmt::format("user {}: GET /api/v1/me answered {}, not this user's profile", id, me.status));
        const auto wallet = db.query("SELECT coins, xp FROM user_wallet WHERE user_id = $1", {id});
        if (!wallet.empty()) {
          const auto got = get(port, "/api/v1/wallet", cookie);
          const bool same = got.status == 200 && got.body.is_object() && number(got.body.at("coins")) == wallet[0][0] &&
                            number(got.body.at("xp")) == wallet[0][1];
          check(same, fmt::format("user {}: GET /api/v1/wallet answered {} {}, the database holds coins {} xp {}", id,
                                  got.status, got.body.is_null() ? "" : json::serialize(got.body), wallet[0][0],
                                  wallet[0][1]));
        }
        for (const auto& [path, table] : {std::pair{"/api/v1/focus", "focus_sessions"},
                                          std::pair{"/api/v1/habits", "habits"}, std::pair{"/api/v1/ideas", "ideas"}}) {
          std::set<std::string> expected;
          for (const auto& row : db.query(fmt::format("SELECT id FROM {} WHERE user_id = $1", table), {id})) {
            expected.insert(row[0]);
          }
          unsigned status = 0;
          const auto got = list_ids(port, path, cookie, status);
          check(status == 200 && got == expected, fmt::format("user {}: GET {} answered {} with {} rows, the database "
                                                              "holds {}",
                                                              id, path, status, got.size(), expected.size()));
        }
      } catch (const std::exception& e) {  // an answer of another shape than the contract's
        check(false, fmt::format("user {}: {}", id, e.what()));
      }
    }
    out << fmt::format(
        "  api: {} users read through ignition-api (profile, wallet, focus, habits, ideas): {} checks, "
        "{} mismatches\n",
        users.size(), checks, problems - mismatches);
    out << fmt::format("  window: the import took {:.2f} s; skipped rows by reason:", import_time.count());
    std::map<std::string, std::int64_t> skipped;
    for (const auto& t : report.tables) {
      for (const auto& [reason, n] : t.skipped) skipped[reason] += n;
    }
    for (const auto& [reason, n] : skipped) out << fmt::format(" {} {}", reason, n);
    out << "\n";
  } catch (const std::exception& e) {
    out << "  FAILED: " << e.what() << "\n";
    ++problems;
  }
  if (server > 0) stop(server);
  admin.query(fmt::format("DROP DATABASE {} WITH (FORCE)", scratch));
  std::filesystem::remove_all(work);
  out << (problems == 0 ? "GO: the import, verify and every read agree\n"
                        : fmt::format("NO-GO: {} problem{}\n", problems, problems == 1 ? "" : "s"));
  return problems == 0 ? 0 : 1;
}

}  // namespace ignition::rehearsal
