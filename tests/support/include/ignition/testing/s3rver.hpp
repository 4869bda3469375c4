#pragma once
// A real S3-compatible server for the tests: the npm package s3rver (tests/s3rver, installed
// by scripts/test.sh) on a free loopback port, started once per test binary, with the bucket
// "ignition-test". It checks SigV4 signatures made with its fixed credentials S3RVER/S3RVER.

#include <unistd.h>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <ignition/testing/postgres.hpp>

namespace ignition::testing {

class S3rver {
 public:
  /// The server shared by a test binary.
  static S3rver& instance() {
    static S3rver server("shared-" + std::to_string(::getpid()));
    return server;
  }
  /// A server of its own (to stop it mid-test), with its data under test-s3rver/<name>.
  explicit S3rver(const std::string& name) : dir_(binary_dir() / "test-s3rver" / name) { start(); }
  ~S3rver() { stop(); }
  S3rver(const S3rver&) = delete;
  S3rver& operator=(const S3rver&) = delete;

  const std::string& endpoint() const noexcept { return endpoint_; }
  /// Where the bucket's objects are kept, to look for leftovers.
  std::filesystem::path bucket_dir() const { return dir_ / "data" / "ignition-test"; }
  /// Stops the server at once (a store that has gone away).
  void stop() {
    if (pid_ > 0) ::kill(pid_, SIGKILL);
    pid_ = -1;
  }
  /// The environment that points ignition-api at this server.
  std::map<std::string, std::string> env() const {
    return {{"STORAGE_BACKEND", "s3"},  {"S3_ENDPOINT", endpoint_},     {"S3_BUCKET", "ignition-test"},
            {"S3_REGION", "us-east-1"}, {"S3_ACCESS_KEY_ID", "S3RVER"}, {"S3_SECRET_ACCESS_KEY", "S3RVER"}};
  }

 private:
  void start() {
    const auto& dir = dir_;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "data");
    const auto log = dir / "log";
    const auto pid_file = dir / "pid";
    const std::string command = std::string("node '") + IGNITION_S3RVER_DIR +
                                "/node_modules/s3rver/bin/s3rver.js' -d '" + (dir / "data").string() +
                                "' -a 127.0.0.1 -p 0 --configure-bucket ignition-test > '" + log.string() +
                                "' 2>&1 & echo $! > '" + pid_file.string() + "'";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot start s3rver");
    std::ifstream(pid_file) >> pid_;
    for (int i = 0; i < 200 && endpoint_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::stringstream text;
      text << std::ifstream(log).rdbuf();
      const auto at = text.str().find("listening on ");
      if (at != std::string::npos && text.str().find('\n', at) != std::string::npos)
        endpoint_ = "http://" + text.str().substr(at + 13, text.str().find('\n', at) - at - 13);
    }
    if (endpoint_.empty()) {
      stop();
      throw std::runtime_error("s3rver did not start (run `npm ci` in tests/s3rver): see " + log.string());
    }
  }

  std::filesystem::path dir_;
  int pid_ = -1;
  std::string endpoint_;
};

}  // namespace ignition::testing
