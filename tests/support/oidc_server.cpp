#include <ignition/testing/oidc_server.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <ignition/testing/postgres.hpp>
#include <ignition/testing/server_process.hpp>

namespace ignition::testing {

namespace {

constexpr auto start_timeout = std::chrono::seconds(30);

std::filesystem::path new_log_path() {
  static int n = 0;
  auto dir = binary_dir() / "test-logs";
  std::filesystem::create_directories(dir);
  return dir / ("oidc-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".log");
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reads one line from the child's stdout, waiting at most until `deadline`.
std::string read_line(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string line;
  char c = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0) continue;
    auto n = read(fd, &c, 1);
    if (n <= 0) break;  // the child exited
    if (c == '\n') return line;
    line += c;
  }
  return line;
}

}  // namespace

OidcServer::OidcServer() {
  const auto script = source_dir() / "tests" / "oidc" / "server.js";
  const char* node_env = std::getenv("IGNITION_NODE");
  std::string node = node_env && *node_env ? node_env : "node";
  const auto log = new_log_path();
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::string script_path = script.string();
  std::string log_path = log.string();
  std::string port_arg = "0";
  pid_ = fork();
  if (pid_ == 0) {
    int err = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in[0], 0);
    dup2(out[1], 1);
    if (err >= 0) dup2(err, 2);
    char* argv[] = {node.data(), script_path.data(), port_arg.data(), nullptr};
    execvp(node.c_str(), argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  if (pid_ < 0) throw std::runtime_error("fork failed");

  auto line = read_line(stdout_fd_, std::chrono::steady_clock::now() + start_timeout);
  boost::system::error_code ec;
  auto ready = boost::json::parse(line, ec);
  if (ec || !ready.is_object() || !ready.as_object().contains("port")) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("mock OIDC server did not start (run `npm ci` in tests/oidc?): " + line + "\n" +
                             read_file(log));
  }
  port_ = static_cast<std::uint16_t>(ready.at("port").to_number<int>());
  issuer_ = std::string(ready.at("issuer").as_string());
}

OidcServer::~OidcServer() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string OidcServer::tenant_issuer(const std::string& tenant) const { return issuer_ + "/" + tenant + "/v2.0"; }

boost::json::object OidcServer::control(const std::string& method, const std::string& path,
                                        const std::string& body) const {
  auto result = http_request(port_, method, path, {{"Content-Type", "application/json"}}, body);
  if (result.status != 200) {
    throw std::runtime_error("mock OIDC " + path + " answered " + std::to_string(result.status) + ": " + result.body);
  }
  return boost::json::parse(result.body).as_object();
}

void OidcServer::next_token(boost::json::object overrides) {
  control("POST", "/__control/next-token", boost::json::serialize(overrides));
}

void OidcServer::next_authorize_error(const std::string& error) {
  control("POST", "/__control/next-authorize", boost::json::serialize(boost::json::object{{"error", error}}));
}

void OidcServer::token_endpoint_status(int status) {
  control("POST", "/__control/token-endpoint", boost::json::serialize(boost::json::object{{"status", status}}));
}

void OidcServer::reset() { control("POST", "/__control/reset", "{}"); }

boost::json::object OidcServer::stats() const { return control("GET", "/__control/stats", ""); }

boost::json::object OidcServer::last_token_request() const {
  return control("GET", "/__control/last-token-request", "");
}

std::string OidcServer::authorize(const std::string& authorization_url) const {
  auto url = boost::urls::parse_uri(authorization_url);
  if (!url || url->port_number() != port_) throw std::runtime_error("not a URL of this mock: " + authorization_url);
  std::string target = std::string(url->encoded_path()) + "?" + std::string(url->encoded_query());
  auto result = http_request(port_, "GET", target);
  if (result.status != 302) {
    throw std::runtime_error("mock authorize answered " + std::to_string(result.status) + ": " + result.body);
  }
  return result.header("location");
}

}  // namespace ignition::testing
