#include <ignition/http/standard_middleware.hpp>

#include <boost/system/system_error.hpp>
#include <boost/asio/error.hpp>

#include <ignition/common/crypto.hpp>
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
}  // namespace

asio::awaitable<Response> RequestId::handle(Request& request, Next next) {
  std::string_view given = request.header("X-Request-Id");
  request.request_id = sane_request_id(given) ? std::string(given) : crypto::to_hex(crypto::random_bytes(12));
  Response res = co_await next(request);
  res.set("X-Request-Id", request.request_id);
  co_return res;
}

asio::awaitable<Response> AccessLog::handle(Request& request, Next next) {
  Response res = co_await next(request);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - request.received_at).count();
  std::string_view method = beast_http::to_string(request.method());
  unsigned status = res.result_int();
  metrics_->observe_request(request.route, method, status, seconds);
  if (log::enabled(log::Level::info)) {
    log::info("request", {{"request_id", request.request_id},
                          {"method", method},
                          {"route", request.route.empty() ? std::string_view("-") : std::string_view(request.route)},
                          {"path", request.path},
                          {"status", status},
                          {"duration_ms", seconds * 1000.0}});
  }
  co_return res;
}

asio::awaitable<Response> SecurityHeaders::handle(Request& request, Next next) {
  Response res = co_await next(request);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "strict-origin-when-cross-origin");
  res.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  if (hsts_) res.set(Field::strict_transport_security, "max-age=31536000; includeSubDomains");
  if (res.find(Field::cache_control) == res.end()) res.set(Field::cache_control, "no-store");
  co_return res;
}

asio::awaitable<Response> ErrorMapping::handle(Request& request, Next next) {
  try {
    co_return co_await next(request);
  } catch (const Error& e) {
    co_return error_response(request, e);
  } catch (const DependencyUnavailable& e) {
    log::warn("dependency unavailable", {{"request_id", request.request_id}, {"error", e.what()}});
    co_return error_response(request, ErrorCode::unavailable, "a service this request needs is unavailable");
  } catch (const boost::system::system_error& e) {
    // The connection cancels a handler only when its deadline passed (or on shutdown).
    if (e.code() == asio::error::operation_aborted) {
      log::warn("request deadline exceeded", {{"request_id", request.request_id}, {"route", request.route}});
      co_return error_response(request, ErrorCode::unavailable, "the request took too long");
    }
    log::error("unhandled error", {{"request_id", request.request_id}, {"error", e.what()}});
  } catch (const std::exception& e) {
    log::error("unhandled error", {{"request_id", request.request_id}, {"error", e.what()}});
  }
  co_return error_response(request, ErrorCode::internal, "internal error");
}

}  // namespace ignition::http
