// The S3-compatible store: every request signed with SigV4 (path-style, as R2 wants), sent
// through the shared outbound client, and retried with backoff on 5xx and connection errors.

#include <ignition/storage/store.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <ignition/common/crypto.hpp>
#include <ignition/outbound/client.hpp>

namespace ignition::storage {

namespace {

namespace asio = boost::asio;
using outbound::Verb;

// The texts of every <tag>…</tag> in an S3 XML answer (keys are made by this library and
// need no unescaping; ids and tokens are opaque).
std::vector<std::string> xml_values(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  for (auto at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at)) {
    at += open.size();
    const auto end = xml.find(close, at);
    if (end == std::string_view::npos) break;
    out.emplace_back(xml.substr(at, end - at));
    at = end + close.size();
  }
  return out;
}

std::string first_value(std::string_view xml, std::string_view tag) {
  auto values = xml_values(xml, tag);
  return values.empty() ? std::string() : values.front();
}

class S3Store;

// One request to the bucket: `key` empty for the bucket itself.
struct S3Request {
  Verb method = Verb::get;
  std::string key;
  NameValues query;
  std::string body;
  NameValues headers;
};

class S3Upload final : public Upload {
 public:
  S3Upload(S3Store& store, std::string key, std::string content_type)
      : store_(store), key_(std::move(key)), content_type_(std::move(content_type)) {}
  asio::awaitable<void> write(std::string_view bytes) override;
  asio::awaitable<void> commit() override;
  asio::awaitable<void> abort() override;

 private:
  asio::awaitable<void> send_part(std::string body);

  S3Store& store_;
  std::string key_;
  std::string content_type_;
  std::string buffer_;     // at most one part
  std::string upload_id_;  // set once a multipart upload has begun
  std::vector<std::string> part_etags_;
};

class S3Store final : public Store {
 public:
  S3Store(outbound::Client& client, S3Config config) : client_(client), config_(std::move(config)) {
    const auto scheme_end = config_.endpoint.find("://");
    if (scheme_end == std::string::npos || config_.bucket.empty())
      throw std::invalid_argument("S3 endpoint must be scheme://host[:port] and the bucket named");
    while (config_.endpoint.ends_with('/')) config_.endpoint.pop_back();
    host_ = config_.endpoint.substr(scheme_end + 3);
  }

  // One signed request, retried on 5xx and transport failures; any other status is the
  // caller's to read.
  asio::awaitable<outbound::ClientResponse> send(S3Request r) {
    const Verb method = r.method;
    const NameValues& query = r.query;
    const NameValues& headers = r.headers;
    const std::string& body = r.body;
    const std::string path = "/" + config_.bucket + (r.key.empty() ? "" : "/" + r.key);
    std::string url = config_.endpoint + uri_encode(path, true);
    for (std::size_t i = 0; i < query.size(); ++i)
      url += (i == 0 ? "?" : "&") + uri_encode(query[i].first, false) + "=" + uri_encode(query[i].second, false);
    const std::string payload = crypto::to_hex(crypto::sha256(body));
    for (int attempt = 1;; ++attempt) {
      const SignableRequest request{
          std::string(boost::beast::http::to_string(method)), host_, path, query, headers, payload};
      const auto signature =
          sign(request, config_.credentials, Scope{config_.region}, std::chrono::system_clock::now());
      outbound::NameValueList sent = headers;
      for (auto& header : signature.list()) sent.push_back(std::move(header));
      std::optional<outbound::ClientResponse> response;
      std::string failure;
      try {
        response = co_await client_.request(method, url, body, sent);
      } catch (const outbound::ClientError& e) {
        failure = e.what();
      }
      const bool retry = !response || response->status >= 500;
      if (!retry) co_return std::move(*response);
      if (attempt >= config_.attempts) {
        throw StorageUnavailable("object storage: " +
                                 (response ? "status " + std::to_string(response->status) : failure));
      }
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(100 << attempt));
      co_await pause.async_wait(asio::use_awaitable);
    }
  }

  // A response that must be a success; anything else is a failure of the store.
  static const outbound::ClientResponse& expect_ok(const outbound::ClientResponse& r, std::string_view what) {
    if (r.status < 200 || r.status > 299)
      throw StorageUnavailable("object storage refused to " + std::string(what) + ": status " +
                               std::to_string(r.status));
    return r;
  }

  asio::awaitable<std::unique_ptr<Upload>> begin_upload(std::string key, std::string content_type) override {
    check(key);
    co_return std::make_unique<S3Upload>(*this, std::move(key), std::move(content_type));
  }

  asio::awaitable<std::optional<ObjectInfo>> head(std::string key) override {
    check(key);
    S3Request request{Verb::head, key, {}, {}, {}};
    auto r = co_await send(std::move(request));
    if (r.status == 404) co_return std::nullopt;
    expect_ok(r, "describe an object");
    co_return ObjectInfo{key, std::stoull(r.header("content-length"))};
  }

  asio::awaitable<bool> read(std::string key, std::optional<ByteRange> range, const Write& write) override {
    check(key);
    auto info = co_await head(key);
    if (!info) co_return false;
    if (info->size == 0) co_return true;
    const ByteRange span = range.value_or(ByteRange{0, info->size - 1});
    const std::uint64_t last = std::min(span.last, info->size - 1);
    for (std::uint64_t at = span.first; at <= last; at += config_.read_size) {
      const std::uint64_t to = std::min<std::uint64_t>(at + config_.read_size - 1, last);
      S3Request request{Verb::get, key, {}, {}, {{"Range", "bytes=" + std::to_string(at) + "-" + std::to_string(to)}}};
      auto r = co_await send(std::move(request));
      if (r.status == 404) co_return false;
      expect_ok(r, "read an object");
      // The range must start where asked. A server may send more than asked (s3rver reads an
      // end of 0 as "to the end"); only the bytes asked for are passed on.
      const std::size_t wanted = static_cast<std::size_t>(to - at + 1);
      if (!r.header("content-range").starts_with("bytes " + std::to_string(at) + "-") || r.body.size() < wanted)
        throw StorageUnavailable("object storage sent another range than the one asked for");
      const std::string_view piece = std::string_view(r.body).substr(0, wanted);
      co_await write(piece);
    }
    co_return true;
  }

  asio::awaitable<bool> remove(std::string key) override {
    check(key);
    auto info = co_await head(key);
    if (!info) co_return false;
    S3Request request{Verb::delete_, key, {}, {}, {}};
    auto r = co_await send(std::move(request));
    expect_ok(r, "remove an object");
    co_return true;
  }

  asio::awaitable<std::vector<ObjectInfo>> list(std::string prefix) override {
    std::vector<ObjectInfo> out;
    std::string token;
    for (;;) {
      NameValues query{{"list-type", "2"}, {"prefix", prefix}};
      if (!token.empty()) query.emplace_back("continuation-token", token);
      S3Request request{Verb::get, "", std::move(query), {}, {}};
      auto r = co_await send(std::move(request));
      expect_ok(r, "list objects");
      const auto keys = xml_values(r.body, "Key");
      const auto sizes = xml_values(r.body, "Size");
      for (std::size_t i = 0; i < keys.size() && i < sizes.size(); ++i) out.push_back({keys[i], std::stoull(sizes[i])});
      token = first_value(r.body, "NextContinuationToken");
      if (first_value(r.body, "IsTruncated") != "true" || token.empty()) break;
    }
    co_return out;
  }

  std::optional<std::string> presigned_get(const std::string& key, std::chrono::seconds expires) const override {
    check(key);
    const auto scheme_end = config_.endpoint.find("://");
    return presign_url("GET", config_.endpoint.substr(0, scheme_end), host_, "/" + config_.bucket + "/" + key, {},
                       config_.credentials, Scope{config_.region}, std::chrono::system_clock::now(), expires);
  }

  asio::awaitable<bool> reachable() override {
    try {
      S3Request request{Verb::head, "", {}, {}, {}};
      auto r = co_await send(std::move(request));
      co_return r.status >= 200 && r.status <= 299;
    } catch (const StorageUnavailable&) {
      co_return false;
    }
  }

  std::string_view kind() const noexcept override { return "s3"; }

  const S3Config& config() const noexcept { return config_; }

 private:
  static void check(std::string_view key) {
    if (!valid_key(key)) throw std::invalid_argument("not a storage key");
  }

  outbound::Client& client_;
  S3Config config_;
  std::string host_;
};

asio::awaitable<void> S3Upload::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t room = store_.config().part_size - buffer_.size();
    buffer_.append(bytes.substr(0, room));
    bytes.remove_prefix(std::min(room, bytes.size()));
    if (buffer_.size() == store_.config().part_size && !bytes.empty()) {
      // A full part with more to come: this object is a multipart upload.
      std::string part = std::move(buffer_);
      buffer_.clear();
      co_await send_part(std::move(part));
    }
  }
}

asio::awaitable<void> S3Upload::send_part(std::string body) {
  if (upload_id_.empty()) {
    S3Request start{Verb::post, key_, {{"uploads", ""}}, {}, {{"Content-Type", content_type_}}};
    auto created = co_await store_.send(std::move(start));
    S3Store::expect_ok(created, "start an upload");
    upload_id_ = first_value(created.body, "UploadId");
    if (upload_id_.empty()) throw StorageUnavailable("object storage started an upload without an id");
  }
  const std::string number = std::to_string(part_etags_.size() + 1);
  S3Request part{Verb::put, key_, {{"partNumber", number}, {"uploadId", upload_id_}}, std::move(body), {}};
  auto sent = co_await store_.send(std::move(part));
  S3Store::expect_ok(sent, "store a part");
  part_etags_.push_back(sent.header("etag"));
}

asio::awaitable<void> S3Upload::commit() {
  if (upload_id_.empty()) {  // small enough for one PUT
    S3Request whole{Verb::put, key_, {}, std::move(buffer_), {{"Content-Type", content_type_}}};
    auto put = co_await store_.send(std::move(whole));
    S3Store::expect_ok(put, "store an object");
    co_return;
  }
  std::string last = std::move(buffer_);
  co_await send_part(std::move(last));
  std::string manifest = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < part_etags_.size(); ++i)
    manifest +=
        "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + part_etags_[i] + "</ETag></Part>";
  manifest += "</CompleteMultipartUpload>";
  S3Request complete{Verb::post, key_, {{"uploadId", upload_id_}}, std::move(manifest), {}};
  auto done = co_await store_.send(std::move(complete));
  // S3 may answer 200 and still report an error in the body.
  if (done.status != 200 || done.body.find("<Error>") != std::string::npos) {
    co_await abort();
    throw StorageUnavailable("object storage could not complete an upload");
  }
  upload_id_.clear();
}

asio::awaitable<void> S3Upload::abort() {
  buffer_.clear();
  if (upload_id_.empty()) co_return;
  const std::string id = std::exchange(upload_id_, std::string());
  try {
    S3Request cancel{Verb::delete_, key_, {{"uploadId", id}}, {}, {}};
    co_await store_.send(std::move(cancel));
  } catch (const StorageUnavailable&) {
    // Unfinished parts are invisible; the bucket's lifecycle rule expires them.
  }
}

}  // namespace

std::unique_ptr<Store> s3_store(outbound::Client& client, S3Config config) {
  return std::make_unique<S3Store>(client, std::move(config));
}

}  // namespace ignition::storage
