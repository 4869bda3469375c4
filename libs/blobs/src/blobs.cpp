#include <ignition/blobs/blobs.hpp>

#include <chrono>
#include <exception>

#include <ignition/common/crypto.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::blobs {

namespace {

#define BLOB_COLUMNS \
  "id, filename, content_type, category, size_bytes AS size, encode(sha256, 'hex') AS sha256, created_at"

const db::Statement insert_statement{
    "blobs_insert",
    "INSERT INTO blobs (id, user_id, category, content_type, size_bytes, sha256, storage_key, filename)"
    " VALUES ($1, $2, $3, $4, $5, decode($6, 'hex'), $7, $8) RETURNING " BLOB_COLUMNS};
const db::Statement list_statement{"blobs_list", "SELECT " BLOB_COLUMNS
                                                 " FROM blobs WHERE user_id = $1"
                                                 " AND (created_at, id) < ($2::timestamptz, $3::uuid)"
                                                 " ORDER BY created_at DESC, id DESC LIMIT $4"};
const db::Statement object_statement{
    "blobs_object",
    "SELECT storage_key, content_type, size_bytes, encode(sha256, 'hex'), filename FROM blobs"
    " WHERE id = $1 AND user_id = $2"};
const db::Statement object_by_id_statement{
    "blobs_object_by_id",
    "SELECT storage_key, content_type, size_bytes, encode(sha256, 'hex'), filename FROM blobs WHERE id = $1"};
const db::Statement delete_statement{"blobs_delete",
                                     "DELETE FROM blobs WHERE id = $1 AND user_id = $2 RETURNING storage_key"};

#undef BLOB_COLUMNS

// Declared and proven types agree; M4A files are often declared as AAC and the reverse.
bool same_kind(std::string_view declared, std::string_view proven) {
  const auto aac_family = [](std::string_view t) { return t == "audio/mp4" || t == "audio/aac"; };
  return declared == proven || (aac_family(declared) && aac_family(proven));
}

}  // namespace

Object object_of(const db::Result& rows, std::string_view what) {
  if (rows.empty()) domain::throw_not_found(what);
  const auto row = rows.one();
  return Object{row.get<std::string>(0), row.get<std::string>(1), row.get<std::uint64_t>(2), row.get<std::string>(3),
                row.get<std::optional<std::string>>(4)};
}

boost::asio::awaitable<void> remove_with_object(const Deps& deps, const db::Statement& delete_returning_key, Uuid user,
                                                Uuid id, std::string_view what) {
  auto tx = co_await db::Transaction::begin(deps.pool);
  auto rows = co_await tx.execute(delete_returning_key, id, user);
  if (rows.empty()) domain::throw_not_found(what);
  const std::string key = rows.one().get<std::string>(0);
  co_await deps.store.remove(key);  // a failure here rolls the row back
  co_await tx.commit();
}

domain::Check check(const NewUpload& upload) {
  domain::Check c;
  const auto& name = upload.filename;
  if (name && (name->empty() || name->size() > 255 || !json::valid_utf8(*name) ||
               name->find_first_of(std::string("\0\r\n/\\", 5)) != std::string::npos))
    c.fail("filename", "must be 1..255 bytes of UTF-8 without '/', '\\' or line breaks");
  return c;
}

boost::asio::awaitable<Stored> store_upload(const Deps& deps, std::string key, const NewUpload& request,
                                            const ReadPiece& read, std::optional<std::string> only_category) {
  check(request).done();
  const auto declared = canonical_type(request.declared_type);
  if (!declared || (only_category && category_of(*declared) != *only_category))
    throw Error(ErrorCode::unsupported_media_type, "this type of file cannot be uploaded here");
  Stored stored;
  stored.key = key;
  stored.content_type = *declared;
  stored.category = category_of(*declared);
  const std::uint64_t limit = deps.limits.of(stored.category);
  if (request.declared_size && *request.declared_size > limit)
    throw Error(ErrorCode::payload_too_large, "the file is larger than allowed for its type");

  auto upload = co_await deps.store.begin_upload(key, stored.content_type);
  std::exception_ptr failure;
  try {
    crypto::Sha256 digest;
    std::string head;  // the first bytes, until the type is proven
    bool proven = false;
    const auto prove = [&] {
      const auto sniffed = sniff(head);
      if (!sniffed || !same_kind(*declared, *sniffed))
        throw Error(ErrorCode::unsupported_media_type, "the file's content is not the type it was sent as");
      stored.content_type = *sniffed;
      proven = true;
    };
    for (;;) {
      auto piece = co_await read();
      if (!piece) break;
      stored.size += piece->size();
      if (stored.size > limit)
        throw Error(ErrorCode::payload_too_large, "the file is larger than allowed for its type");
      digest.update(*piece);
      if (!proven) {
        head.append(piece->substr(0, sniff_bytes - std::min(head.size(), sniff_bytes)));
        if (head.size() >= sniff_bytes) prove();
      }
      co_await upload->write(*piece);
    }
    if (!proven) prove();  // a file shorter than the magic bytes
    stored.sha256_hex = crypto::to_hex(digest.finish());
    co_await upload->commit();
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    co_await upload->abort();
    std::rethrow_exception(failure);
  }
  co_return stored;
}

boost::asio::awaitable<boost::json::object> keep_with_row(
    storage::Store& store, const std::string& key,
    const std::function<boost::asio::awaitable<boost::json::object>()>& write_row) {
  std::exception_ptr failure;
  boost::json::object row;
  try {
    row = co_await write_row();
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    co_await store.remove(key);
    std::rethrow_exception(failure);
  }
  co_return row;
}

std::string signed_path(std::string_view key, Uuid id, std::int64_t expires_unix) {
  const std::string message = id.to_string() + "." + std::to_string(expires_unix);
  return "/api/v1/blobs/" + id.to_string() + "/signed?expires=" + std::to_string(expires_unix) +
         "&signature=" + crypto::to_hex(crypto::hmac_sha256(key, message));
}

bool valid_signature(std::string_view key, Uuid id, std::int64_t expires_unix, std::string_view signature) {
  const std::string message = id.to_string() + "." + std::to_string(expires_unix);
  const std::string expected = crypto::to_hex(crypto::hmac_sha256(key, message));
  const auto now_unix =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return crypto::constant_time_equal(expected, signature) && now_unix <= expires_unix;
}

boost::asio::awaitable<boost::json::object> upload(const Deps& deps, Uuid user, NewUpload request,
                                                   const ReadPiece& read) {
  const Uuid id = Uuid::v4();
  const std::string key = "users/" + user.to_string() + "/blobs/" + id.to_string();
  const auto stored = co_await store_upload(deps, key, request, read);
  const std::function<boost::asio::awaitable<boost::json::object>()> write_row =
      [&]() -> boost::asio::awaitable<boost::json::object> {
    auto rows = co_await deps.pool.execute(insert_statement, id, user, stored.category, stored.content_type,
                                           stored.size, stored.sha256_hex, stored.key, request.filename);
    co_return domain::to_object(rows, 0);
  };
  auto row = co_await keep_with_row(deps.store, stored.key, write_row);
  co_return row;
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<Object> object(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(object_statement, id, user);
  co_return object_of(rows, "blob");
}

boost::asio::awaitable<Object> object_by_id(db::Pool& pool, Uuid id) {
  auto rows = co_await pool.execute(object_by_id_statement, id);
  co_return object_of(rows, "blob");
}

boost::asio::awaitable<void> remove(const Deps& deps, Uuid user, Uuid id) {
  co_await remove_with_object(deps, delete_statement, user, id, "blob");
}

boost::asio::awaitable<std::size_t> remove_all_objects(storage::Store& store, Uuid user) {
  const std::string prefix = "users/" + user.to_string() + "/";
  auto objects = co_await store.list(prefix);
  for (const auto& object : objects) co_await store.remove(object.key);
  co_return objects.size();
}

}  // namespace ignition::blobs
