#include <ignition/testing/server_process.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include <ignition/testing/postgres.hpp>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace ignition::testing {

namespace {
std::filesystem::path program_binary(std::string_view program) { return binary_dir() / "apps" / program / program; }

// Starts `binary` with `args`, exactly `env` (plus PATH and the sanitizer settings), stdin from
// /dev/null, stdout to `out` and stderr to `err` (the same file when they are equal).
int spawn(const std::filesystem::path& binary, const std::vector<std::string>& args,
          std::map<std::string, std::string> env, const std::filesystem::path& out, const std::filesystem::path& err) {
  if (const char* path = std::getenv("PATH")) env.emplace("PATH", path);
  // ASan/UBSan settings of the test run apply to the program too.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = std::getenv(name)) env.emplace(name, v);
  }
  std::vector<std::string> strings;
  for (const auto& [k, v] : env) strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string path = binary.string();
  std::vector<std::string> words{path};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const std::string out_path = out.string();
  const std::string err_path = err.string();
  // The program must not find a developer's .env in the test's working directory.
  const std::string working_dir = (binary_dir() / "test-logs").string();
  pid_t pid = fork();
  if (pid == 0) {  // only async-signal-safe calls from here: the parent has threads
    const int in = open("/dev/null", O_RDONLY);
    const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = err_path == out_path ? out_fd : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    for (int fd : {in, out_fd, err_fd}) {
      if (fd > 2) close(fd);
    }
    if (chdir(working_dir.c_str()) != 0) _exit(126);
    execve(path.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path new_log_path() {
  static int n = 0;
  auto dir = binary_dir() / "test-logs";
  std::filesystem::create_directories(dir);
  return dir / ("server-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".log");
}
}  // namespace

ServerProcess::ServerProcess(std::map<std::string, std::string> env) : log_(new_log_path()) {
  env["PORT"] = "0";
  pid_ = spawn(program_binary("ignition-api"), {}, std::move(env), log_, log_);
  static const std::regex listening(R"re("msg":"listening".*"port":(\d+))re");
  for (int i = 0; i < 600; ++i) {
    std::smatch m;
    std::string text = read_all(log_);
    if (std::regex_search(text, m, listening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
      return;
    }
    if (!running()) throw std::runtime_error("ignition-api exited during start-up:\n" + text);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop(SIGKILL);
  throw std::runtime_error("ignition-api did not start listening:\n" + read_all(log_));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

std::string ServerProcess::output() const { return read_all(log_); }

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

namespace {
// The exit code of `pid` (128 + the signal that ended it), or -1 when it runs past `timeout`,
// after which it is killed. Either way it is reaped.
int wait_for_exit(int pid, std::chrono::seconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}
}  // namespace

int ServerProcess::stop(int signal, std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const int code = wait_for_exit(pid_, timeout);
  pid_ = -1;
  return code;
}

ProgramRun run_program(std::string_view program, const std::vector<std::string>& args,
                       std::map<std::string, std::string> env, std::chrono::seconds timeout) {
  const auto out = new_log_path();
  const auto err = std::filesystem::path(out).replace_extension(".err");
  const int code = wait_for_exit(spawn(program_binary(program), args, std::move(env), out, err), timeout);
  if (code == -1) throw std::runtime_error(std::string(program) + " did not exit within the timeout");
  return {code, read_all(out), read_all(err)};
}

std::pair<int, std::string> run_server_expecting_exit(std::map<std::string, std::string> env,
                                                      std::chrono::seconds timeout) {
  auto log = new_log_path();
  env.emplace("PORT", "0");
  const int code = wait_for_exit(spawn(program_binary("ignition-api"), {}, std::move(env), log, log), timeout);
  return {code, read_all(log)};
}

namespace {

// With IGNITION_EXCHANGE_LOG set (ctest sets it for the end-to-end suites), every answer is
// appended to that file as a JSON line: what tests/openapi/validate.mjs checks against the
// OpenAPI document. The file is emptied when a test process first writes to it.
void record_exchange(const std::string& method, const std::string& target, const HttpResult& result) {
  static const char* const path = std::getenv("IGNITION_EXCHANGE_LOG");
  if (path == nullptr) return;
  static std::mutex mutex;
  static std::ofstream log(path, std::ios::trunc);
  boost::json::object line{{"method", method}, {"target", target}, {"status", result.status}};
  const std::string type = result.header("content-type");
  line["content_type"] = type;
  if (type.starts_with("application/json")) line["body"] = result.body;
  const std::string text = boost::json::serialize(line);
  const std::lock_guard lock(mutex);
  log << text << '\n' << std::flush;
}

}  // namespace

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers, const std::string& body) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  http::read(socket, buffer, parser);
  auto res = parser.release();
  HttpResult out;
  out.status = res.result_int();
  out.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
    if (name == "set-cookie") out.set_cookies.emplace_back(field.value());
  }
  record_exchange(method, target, out);
  return out;
}

int connect_loopback(std::uint16_t port, int receive_buffer) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  timeval patience{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("connect failed");
  }
  return fd;
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout,
                         std::chrono::milliseconds delay_per_byte) {
  int fd = connect_loopback(port);
  auto until = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  if (delay_per_byte.count() == 0) {
    (void)!send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  } else {
    // Stop sending once the server answered, as a real client would.
    for (char c : bytes) {
      if (recv(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_PEEK) >= 0) break;
      if (send(fd, &c, 1, MSG_NOSIGNAL) != 1 || std::chrono::steady_clock::now() > until) break;
      std::this_thread::sleep_for(delay_per_byte);
    }
  }
  std::string out;
  while (std::chrono::steady_clock::now() < until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    timeval tv{static_cast<time_t>(left.count() / 1000), static_cast<suseconds_t>((left.count() % 1000) * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

int status_of(const std::string& raw) {
  if (raw.size() < 12 || raw.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(raw.c_str() + 9);
}

}  // namespace ignition::testing
