#include <ignition/http/standard_middleware.hpp>

#include <array>
#include <cmath>
#include <random>

#include <boost/asio/error.hpp>
#include <boost/asio/multiple_exceptions.hpp>
#include <boost/system/system_error.hpp>

#include <ignition/common/crypto.hpp>
#include <ignition/common/histogram.hpp>
#include <ignition/common/log.hpp>
#include <ignition/http/response.hpp>

namespace asio = boost::asio;

namespace ignition::http {

namespace {
bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// Request ids need to be unique, not secret: a per-thread generator seeded from the system's
// randomness, instead of a locked call into OpenSSL's generator on every request.
std::string new_request_id() {
  thread_local std::mt19937_64 engine = [] {
    const std::string seed = crypto::random_bytes(32);
    std::seed_seq sequence(seed.begin(), seed.end());
    return std::mt19937_64(sequence);
  }();
  const std::array<std::uint64_t, 2> bits = {engine(), engine()};
  return crypto::to_hex(std::string_view(reinterpret_cast<const char*>(bits.data()), 12));
}
}  // namespace

asio::awaitable<Response> RequestId::handle(Request& request, Next next) {
  std::string_view given = request.header("X-Request-Id");
  request.request_id = sane_request_id(given) ? std::string(given) : new_request_id();
  request.response_fields.set("X-Request-Id", request.request_id);
  return next(request);
}

void AccessLog::record(const Request& request, const Response& response) const {
  double seconds = seconds_since(request.received_at);
  std::string_view method = beast_http::to_string(request.method());
  unsigned status = response.result_int();
  metrics_->observe_request(request.route, method, status, seconds);
  if (log::enabled(log::Level::info)) {
    std::string_view route = request.route.empty() ? std::string_view("-") : request.route;
    double ms = std::round(seconds * 1e6) / 1e3;  // whole microseconds, in milliseconds
    log::info("request",
              {{"request_id", request.request_id},
               {"method", method},
               {"route", route},
               {"path", request.path},
               {"status", status},
               {"duration_ms", ms},
               request.user_id.empty() ? log::Field::omitted("user_id") : log::Field("user_id", request.user_id)});
  }
}

std::vector<std::pair<std::string, std::string>> security_headers(bool strict_transport_security) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
      {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
      {"Cache-Control", "no-store"}};
  if (strict_transport_security)
    headers.emplace_back("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  return headers;
}

Response failure_response(const Request& request, const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const asio::multiple_exceptions& e) {
    // Parallel waits (`a || b`) that all failed: the first failure explains it.
    return failure_response(request, e.first_exception());
  } catch (const Error& e) {
    return error_response(request, e);
  } catch (const DependencyUnavailable& e) {
    log::warn("dependency unavailable", {{"request_id", request.request_id}, {"error", e.what()}});
    return error_response(request, ErrorCode::unavailable, "a service this request needs is unavailable");
  } catch (const boost::system::system_error& e) {
    // The connection cancels a handler only when its deadline passed.
    if (e.code() == asio::error::operation_aborted) {
      log::warn("request deadline exceeded", {{"request_id", request.request_id}, {"route", request.route}});
      return error_response(request, ErrorCode::unavailable, "the request took too long");
    }
    log::error("unhandled error", {{"request_id", request.request_id}, {"error", e.what()}});
  } catch (const std::exception& e) {
    log::error("unhandled error", {{"request_id", request.request_id}, {"error", e.what()}});
  } catch (...) {
    log::error("unhandled error", {{"request_id", request.request_id}, {"error", "unknown exception"}});
  }
  return error_response(request, ErrorCode::internal, "internal error");
}

}  // namespace ignition::http
