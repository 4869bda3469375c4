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
#include <ignition/domain/rules.hpp>
#include <ignition/storage/store.hpp>

namespace ignition::db {
class Pool;
class Result;
struct Statement;
}  // namespace ignition::db

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

/// An object just stored by store_upload.
struct Stored {
  std::string key;
  std::string content_type;  // what the bytes proved
  std::string category;
  std::uint64_t size = 0;
  std::string sha256_hex;
};

/// A filename, when given, is 1..255 bytes of UTF-8 without '/', '\\' or line breaks.
domain::Check check(const NewUpload& upload);

/// Streams an upload (checked first) into a new object under `key`: the first bytes must prove the declared
/// type (and, with `only_category`, be of that category), every piece counts towards the
/// category's limit and the digest. On any failure nothing stays stored.
boost::asio::awaitable<Stored> store_upload(const Deps& deps, std::string key, const NewUpload& upload,
                                            const ReadPiece& read, std::optional<std::string> only_category = {});

/// Runs `write_row` for an object just stored; if it fails, the object is removed too, so
/// there is never an object without its row.
boost::asio::awaitable<boost::json::object> keep_with_row(
    storage::Store& store, const std::string& key,
    const std::function<boost::asio::awaitable<boost::json::object>()>& write_row);

/// The Object of a row (storage_key, content_type, size, sha256 hex, filename);
/// Error(not_found, "no such <what>") when there is none.
Object object_of(const db::Result& rows, std::string_view what);

/// Deletes a row with `delete_returning_key` ($1 id, $2 user; RETURNING storage_key) and
/// its object in one transaction: if the object cannot be removed, the row stays.
boost::asio::awaitable<void> remove_with_object(const Deps& deps, const db::Statement& delete_returning_key, Uuid user,
                                                Uuid id, std::string_view what);

/// A download path for one blob that works without a session until `expires_unix`:
/// /api/v1/blobs/{id}/signed?expires=…&signature=… (an HMAC under `key`).
std::string signed_path(std::string_view key, Uuid id, std::int64_t expires_unix);
/// Whether a signed path's parts are genuine (compared in constant time) and unexpired.
bool valid_signature(std::string_view key, Uuid id, std::int64_t expires_unix, std::string_view signature);

/// Error(unsupported_media_type) for a type not allowed or not what the bytes are,
/// Error(payload_too_large) past the category's limit; nothing is stored then.
/// Returns {id, filename, content_type, category, size, sha256, created_at}.
boost::asio::awaitable<boost::json::object> upload(const Deps& deps, Uuid user, NewUpload upload,
                                                   const ReadPiece& read);
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);
boost::asio::awaitable<Object> object(db::Pool& pool, Uuid user, Uuid id);
/// The same for a signed download, whoever asks.
boost::asio::awaitable<Object> object_by_id(db::Pool& pool, Uuid id);
/// Removes the row and the object together (the row stays if the object cannot be removed).
boost::asio::awaitable<void> remove(const Deps& deps, Uuid user, Uuid id);
/// Removes every object stored for the user (their account is being deleted).
boost::asio::awaitable<std::size_t> remove_all_objects(storage::Store& store, Uuid user);

}  // namespace ignition::blobs
