#include "commands.hpp"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <iostream>

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace ignition::api {

std::vector<std::string> unused_variables(const Env& env) {
  std::vector<std::string> out;
  for (auto& key : env.unused(config_prefixes())) {
    if (!is_foreign_variable(key)) out.push_back(std::move(key));
  }
  return out;
}

int print_config(const Env& env) {
  for (const auto& [key, value] : env.effective()) fmt::print("{}={}\n", key, value);
  for (const auto& key : unused_variables(env)) {
    fmt::print(stderr, "ignition-api: warning: {} is set but not used by this build\n", key);
  }
  return 0;
}

int healthcheck(const AppConfig& config) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(config.server.bind, ec);
  if (ec) {
    std::cerr << "ignition-api: healthcheck: BIND is not an address: " << config.server.bind << "\n";
    return 1;
  }
  // A wildcard listens on loopback too.
  if (address.is_unspecified()) {
    address = address.is_v4() ? asio::ip::address(asio::ip::address_v4::loopback())
                              : asio::ip::address(asio::ip::address_v6::loopback());
  }
  if (config.server.port == 0) {
    std::cerr << "ignition-api: healthcheck: PORT=0 names no port to ask\n";
    return 1;
  }
  asio::io_context io;
  std::string outcome = "no answer within a second";
  unsigned status = 0;
  auto ask = [&]() -> asio::awaitable<void> {
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(1));  // for the whole exchange
    co_await stream.async_connect(asio::ip::tcp::endpoint(address, config.server.port), asio::use_awaitable);
    beast::http::request<beast::http::empty_body> request(beast::http::verb::get, "/ready", 11);
    request.set(beast::http::field::host, "localhost");
    request.set(beast::http::field::connection, "close");
    co_await beast::http::async_write(stream, request, asio::use_awaitable);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> response;
    co_await beast::http::async_read(stream, buffer, response, asio::use_awaitable);
    status = response.result_int();
  };
  asio::co_spawn(io, ask(), [&](const std::exception_ptr& failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      if (e.code() != beast::error::timeout) outcome = e.code().message();
    }
  });
  io.run();
  if (status == 200) {
    std::cout << "ready\n";
    return 0;
  }
  if (status != 0) outcome = fmt::format("/ready answered {}", status);
  std::cerr << "ignition-api: healthcheck: " << outcome << "\n";
  return 1;
}

}  // namespace ignition::api
