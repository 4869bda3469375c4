#include "blobs.hpp"

#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <ignition/common/parse.hpp>
#include <ignition/storage/range.hpp>

#include "bind.hpp"
#include "rest.hpp"

namespace asio = boost::asio;
using ignition::http::Field;
using ignition::http::Request;
using ignition::http::Response;
using ignition::http::Status;
using ignition::http::Verb;

namespace ignition::api {

namespace {

// filename="…" keeps printable ASCII only; filename* carries the real name (RFC 6266).
std::string content_disposition(const std::optional<std::string>& filename) {
  if (!filename) return "attachment";
  std::string ascii;
  std::string encoded;
  for (unsigned char c : *filename) {
    ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

asio::awaitable<void> read_object(storage::Store& store, std::string key, std::optional<storage::ByteRange> range,
                                  const http::BodyWrite& write) {
  // GCC 12 miscompiles a co_await inside an if condition here (SIGILL): one statement each.
  const bool found = co_await store.read(key, range, write);
  if (!found) throw storage::StorageUnavailable("an object is missing from storage");
}

}  // namespace

Response serve_object(storage::Store& store, const blobs::Object& object, Request& req, bool attachment) {
  const std::string etag = "\"" + object.sha256_hex + "\"";
  Response res(Status::ok);
  res.set(Field::etag, etag);
  res.set(Field::accept_ranges, "bytes");
  if (req.header(Field::if_none_match) == etag) {
    res.result(Status::not_modified);
    return res;
  }
  auto wanted = storage::parse_range(req.header(Field::range), object.size);
  if (!req.header(Field::if_range).empty() && req.header(Field::if_range) != etag) wanted = {};  // changed: send all
  if (wanted.unsatisfiable) {
    res = error_response(req, ErrorCode::bad_request, "the requested range is not within the file");
    res.result(Status::range_not_satisfiable);
    res.set(Field::content_range, "bytes */" + std::to_string(object.size));
    return res;
  }
  res.set(Field::content_type, object.content_type);
  if (attachment) res.set(Field::content_disposition, content_disposition(object.filename));
  std::uint64_t length = object.size;
  if (wanted.range) {
    res.result(Status::partial_content);
    res.set(Field::content_range, "bytes " + std::to_string(wanted.range->first) + "-" +
                                      std::to_string(wanted.range->last) + "/" + std::to_string(object.size));
    length = wanted.range->size();
  }
  res.set(Field::content_length, std::to_string(length));  // the streamed body's length
  if (length > 0) {
    req.body_stream = [&store, key = object.storage_key, range = wanted.range](const http::BodyWrite& write) {
      return read_object(store, key, range, write);
    };
  }
  return res;
}

blobs::NewUpload read_upload(const Request& req) {
  blobs::NewUpload request;
  request.declared_type = std::string(req.header(Field::content_type));
  request.filename = query(req, "filename");
  if (const auto length = req.message.payload_size()) request.declared_size = *length;
  return request;
}

namespace {

asio::awaitable<Response> upload(BlobsDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto request = read_upload(req);
  auto stored = co_await blobs::upload(d.blobs, user, std::move(request), req.read_body);
  co_return created(stored);
}

asio::awaitable<Response> list(BlobsDeps d, Request& req) {
  const Uuid user = user_of(req);
  const auto paging = page_request(req);
  auto page = co_await blobs::list(d.blobs.pool, user, paging);
  co_return page_response(std::move(page));
}

asio::awaitable<Response> download(BlobsDeps d, Request& req) {
  const Uuid user = user_of(req);
  auto object = co_await blobs::object(d.blobs.pool, user, path_id(req));
  co_return serve_object(d.blobs.store, object, req, true);
}

asio::awaitable<Response> remove(BlobsDeps d, Request& req) {
  const Uuid user = user_of(req);
  co_await blobs::remove(d.blobs, user, path_id(req));
  co_return no_content();
}

// {"url", "expires_at"}: a link that downloads the blob without a session until it expires
// (?expires_in= seconds, 1..86400, default 300).
asio::awaitable<Response> signed_url(BlobsDeps d, Request& req) {
  const Uuid user = user_of(req);
  const Uuid id = path_id(req);
  std::int64_t expires_in = 300;
  if (auto text = query(req, "expires_in")) {
    const auto value = parse_integer<std::uint64_t>(*text);
    if (!value || *value < 1 || *value > 86'400) throw Error("invalid request", {{"expires_in", "must be 1..86400"}});
    expires_in = static_cast<std::int64_t>(*value);
  }
  const auto object = co_await blobs::object(d.blobs.pool, user, id);  // 404 unless the user's
  const auto expires = std::chrono::system_clock::now() + std::chrono::seconds(expires_in);
  const auto expires_unix = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  // Straight from the bucket when it can presign (R2); otherwise through this server.
  auto url = d.blobs.store.presigned_get(object.storage_key, std::chrono::seconds(expires_in));
  if (!url) url = blobs::signed_path(d.url_key, id, expires_unix);
  co_return ok({{"url", *url}, {"expires_at", format_rfc3339(Timestamp(std::chrono::seconds(expires_unix)))}});
}

// The signed link itself: no session needed, the signature is the permission. Every failure
// is the same 404, so a guessed link learns nothing.
asio::awaitable<Response> signed_download(BlobsDeps d, Request& req) {
  const Uuid id = path_id(req);
  const auto expires = query(req, "expires");
  const auto signature = query(req, "signature");
  const auto expires_unix = expires ? parse_integer<std::uint64_t>(*expires) : std::nullopt;
  if (!expires_unix || !signature ||
      !blobs::valid_signature(d.url_key, id, static_cast<std::int64_t>(*expires_unix), *signature))
    throw Error(ErrorCode::not_found, "no such blob");
  auto object = co_await blobs::object_by_id(d.blobs.pool, id);
  co_return serve_object(d.blobs.store, object, req, true);
}

}  // namespace

void add_blobs_routes(http::Router& router, BlobsDeps d) {
  const http::Policy policy = http::access::user;
  router.add(Verb::post, "/api/v1/blobs", policy.streamed(d.blobs.limits.largest()), with_deps(d, upload));
  router.add(Verb::post, "/api/v1/blobs/{id}/url", policy, with_deps(d, signed_url));
  // The signature in the link is the credential: no session needed (an <img>, a download manager).
  router.add(Verb::get, "/api/v1/blobs/{id}/signed", http::access::open.limited(http::RateClass::api),
             with_deps(d, signed_download));
  router.add(Verb::get, "/api/v1/blobs", policy, with_deps(d, list));
  router.add(Verb::get, "/api/v1/blobs/{id}", policy, with_deps(d, download));
  router.add(Verb::delete_, "/api/v1/blobs/{id}", policy, with_deps(d, remove));
}

}  // namespace ignition::api
