#pragma once
/// Uploaded files (`blobs`) and reference tracks: bytes in object storage under keys the
/// server makes, metadata in Postgres. An upload is streamed to storage while its SHA-256
/// and size are computed and its type is checked against its first bytes; the row is
/// written only after the object is stored, and the object is removed if the row cannot
/// be: no row without an object, no object without a row.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>

#include <ignition/blobs/content.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/storage/store.hpp>

namespace ignition::db {
class Pool;
}

namespace ignition::blobs {

/// The next piece of the upload's body, nullopt at its end.
using ReadPiece = std::function<boost::asio::awaitable<std::optional<std::string>>()>;

struct NewUpload {
  std::string declared_type;  // the request's Content-Type
  std::optional<std::string> filename;
  std::optional<std::uint64_t> declared_size;  // Content-Length, when sent: a size past the limit fails at once
};

/// What a download needs: where the bytes are and what they are.
struct Object {
  std::string storage_key;
  std::string content_type;
  std::uint64_t size = 0;
  std::string sha256_hex;
  std::optional<std::string> filename;
};

struct Deps {
  db::Pool& pool;
  storage::Store& store;
  Limits limits;
};

/// Error(unsupported_media_type) for a type not allowed or not what the bytes are,
/// Error(payload_too_large) past the category's limit; nothing is stored then.
/// Returns {id, filename, content_type, category, size, sha256, created_at}.
boost::asio::awaitable<boost::json::object> upload(Deps& deps, Uuid user, NewUpload upload, const ReadPiece& read);
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);
boost::asio::awaitable<Object> object(db::Pool& pool, Uuid user, Uuid id);
/// Removes the row and the object together (the row stays if the object cannot be removed).
boost::asio::awaitable<void> remove(Deps& deps, Uuid user, Uuid id);
/// Removes every object stored for the user (their account is being deleted).
boost::asio::awaitable<std::size_t> remove_all_objects(storage::Store& store, Uuid user);

}  // namespace ignition::blobs
