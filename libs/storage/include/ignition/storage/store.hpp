#pragma once
/// Object storage behind one interface: the local directory (development, `command one`)
/// and S3-compatible buckets (Cloudflare R2 in production). Objects are written and read
/// as streams, never whole in memory. Keys are made by the server
/// ("users/<user id>/<kind>/<uuid>"), never taken from a client.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ignition/common/error.hpp>
#include <ignition/storage/sigv4.hpp>

namespace ignition::outbound {
class Client;
}

namespace ignition::storage {

/// Bytes first..last of an object, both included.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t size() const noexcept { return last - first + 1; }
};

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
};

/// Receives an object's bytes piece by piece.
using Write = std::function<boost::asio::awaitable<void>(std::string_view piece)>;

/// An object being written. Nothing is visible under its key until commit(); an upload
/// that is destroyed without commit() leaves nothing behind.
class Upload {
 public:
  virtual ~Upload() = default;
  virtual boost::asio::awaitable<void> write(std::string_view bytes) = 0;
  virtual boost::asio::awaitable<void> commit() = 0;
  /// Discards what was written (also done, best effort, by the destructor).
  virtual boost::asio::awaitable<void> abort() = 0;
};

/// Thrown when the store cannot be reached or fails: a dependency is down, and the HTTP
/// layer answers 503 (the request may be retried later).
class StorageUnavailable : public DependencyUnavailable {
 public:
  using DependencyUnavailable::DependencyUnavailable;
};

class Store {
 public:
  virtual ~Store() = default;
  /// Throws std::invalid_argument for a key this library would never make.
  virtual boost::asio::awaitable<std::unique_ptr<Upload>> begin_upload(std::string key, std::string content_type) = 0;
  virtual boost::asio::awaitable<std::optional<ObjectInfo>> head(std::string key) = 0;
  /// Sends the object's bytes (all, or `range`) to `write`; false when there is no object.
  virtual boost::asio::awaitable<bool> read(std::string key, std::optional<ByteRange> range, const Write& write) = 0;
  /// False when there was nothing to remove.
  virtual boost::asio::awaitable<bool> remove(std::string key) = 0;
  /// Every object whose key starts with `prefix`.
  virtual boost::asio::awaitable<std::vector<ObjectInfo>> list(std::string prefix) = 0;
  /// A URL that downloads the object straight from the store until `expires` passes (S3
  /// presigning); nullopt for a store that has no such URLs (the local directory).
  virtual std::optional<std::string> presigned_get(const std::string& key, std::chrono::seconds expires) const = 0;
  /// Whether the store answers (for /ready).
  virtual boost::asio::awaitable<bool> reachable() = 0;
  /// "local" or "s3", for logs and metrics.
  virtual std::string_view kind() const noexcept = 0;
};

/// Objects as files under `root` (created if missing). Writes go to a temporary file that
/// is renamed into place on commit; no path ever follows a symbolic link.
std::unique_ptr<Store> local_store(std::filesystem::path root);

/// An S3-compatible bucket (Cloudflare R2: region "auto"), addressed path-style.
struct S3Config {
  std::string endpoint;  ///< scheme://host[:port], e.g. https://<account>.r2.cloudflarestorage.com
  std::string bucket;
  std::string region = "auto";
  Credentials credentials;
  std::size_t part_size = 8 * 1024 * 1024;  ///< single PUT up to this size, multipart above it
  std::size_t read_size = 4 * 1024 * 1024;  ///< a read fetches ranges of this size, one after another
  int attempts = 3;                         ///< per request, on 5xx and connection errors
};

/// Objects in an S3-compatible bucket, through `client` (which must outlive the store and
/// accept responses of read_size bytes). Uploads are single PUTs up to part_size and
/// multipart uploads above it (aborted on failure); reads are successive ranged GETs, so
/// neither direction holds more than one part or range in memory.
std::unique_ptr<Store> s3_store(outbound::Client& client, S3Config config);

/// Bytes that went into and came out of a store (uploads written, reads sent), for /metrics.
struct Traffic {
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
};

/// `store` with every byte written to it and read from it counted in `traffic`.
std::unique_ptr<Store> counted(std::unique_ptr<Store> store, std::shared_ptr<Traffic> traffic);

/// Whether `key` is one this library makes: lower-case letters, digits and '-' in
/// '/'-separated segments (no "..", no empty segment, no leading '/'), ≤ 512 bytes.
bool valid_key(std::string_view key) noexcept;

}  // namespace ignition::storage
