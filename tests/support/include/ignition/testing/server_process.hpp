#pragma once
// The built ignition-api binary as a child process, and a small HTTP client for it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ignition::testing {

class ServerProcess {
 public:
  /// Starts ignition-api with exactly `env` (plus PATH) and PORT=0, and waits for its
  /// "listening" line. Throws with the server's output if it exits or stays silent.
  explicit ServerProcess(std::map<std::string, std::string> env);
  ~ServerProcess();

  std::uint16_t port() const noexcept { return port_; }
  int pid() const noexcept { return pid_; }
  /// Everything the server printed so far (stdout and stderr).
  std::string output() const;
  /// Sends `signal` and waits for the exit status (-1 on timeout).
  int stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(30));
  bool running();

 private:
  int pid_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path log_;
};

/// Runs ignition-api to completion (for start-up failures): exit code and output.
std::pair<int, std::string> run_server_expecting_exit(std::map<std::string, std::string> env,
                                                      std::chrono::seconds timeout = std::chrono::seconds(30));

struct ProgramRun {
  int exit = -1;
  std::string out;
  std::string err;
};

/// Runs a built program of apps/ ("ignition-admin", …) with `args` and exactly `env` (plus PATH),
/// in the build's test-logs directory with stdin from /dev/null, to completion.
ProgramRun run_program(std::string_view program, const std::vector<std::string>& args,
                       std::map<std::string, std::string> env = {},
                       std::chrono::seconds timeout = std::chrono::seconds(60));

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names (the last of repeated ones)
  std::vector<std::string> set_cookies;        ///< every Set-Cookie value, in order
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  /// The Set-Cookie value for cookie `name` ("" when none).
  std::string set_cookie(const std::string& name) const {
    for (const auto& c : set_cookies) {
      if (c.rfind(name + "=", 0) == 0) return c;
    }
    return "";
  }
  /// Just the value of cookie `name` from its Set-Cookie.
  std::string cookie_value(const std::string& name) const {
    std::string c = set_cookie(name);
    if (c.empty()) return "";
    auto start = name.size() + 1;
    return c.substr(start, c.find(';') - start);
  }
};

/// One request on a new connection.
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers = {}, const std::string& body = "");

/// Writes raw bytes (optionally one at a time with a delay) and returns everything the
/// server sends until it closes the connection or `timeout` passes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10),
                         std::chrono::milliseconds delay_per_byte = std::chrono::milliseconds(0));

/// A socket connected to `port` on loopback, whose reads give up after 30 s; throws when it
/// cannot connect. A `receive_buffer` size is set before connecting, so that it bounds the
/// window the server may fill.
int connect_loopback(std::uint16_t port, int receive_buffer = 0);

/// Status code of a raw HTTP response ("HTTP/1.1 404 …" → 404), 0 if none.
int status_of(const std::string& raw_response);

}  // namespace ignition::testing
