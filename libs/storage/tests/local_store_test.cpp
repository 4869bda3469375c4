// The local store: streamed round trips, ranges, atomic commit, keys and links refused.

#include <catch2/catch.hpp>

#include <boost/asio/this_coro.hpp>
#include <filesystem>
#include <fstream>

#include <ignition/common/crypto.hpp>
#include <ignition/storage/store.hpp>
#include <ignition/testing/postgres.hpp>

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace ignition;

namespace {

fs::path fresh_root(const std::string& name) {
  const auto root = testing::binary_dir() / "test-storage" / name;
  fs::remove_all(root);
  return root;
}

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 31 + i / 7) & 0xff);
  return data;
}

// Writes `data` in pieces of `piece` bytes and commits.
asio::awaitable<void> put(storage::Store& store, std::string key, const std::string& data, std::size_t piece) {
  auto upload = co_await store.begin_upload(key, "application/octet-stream");
  for (std::size_t at = 0; at < data.size(); at += piece) {
    const std::string_view part = std::string_view(data).substr(at, piece);
    co_await upload->write(part);
  }
  co_await upload->commit();
}

asio::awaitable<std::optional<std::string>> get(storage::Store& store, std::string key,
                                                std::optional<storage::ByteRange> range = std::nullopt) {
  std::string out;
  const storage::Write collect = [&out](std::string_view piece) -> asio::awaitable<void> {
    out.append(piece);
    co_return;
  };
  const bool found = co_await store.read(key, range, collect);
  co_return found ? std::optional<std::string>(out) : std::nullopt;
}

}  // namespace

TEST_CASE("local store: 0 bytes, 1 byte and 5 MiB + 1 round trip, ranges read exactly their bytes") {
  auto store = storage::local_store(fresh_root("roundtrip"));
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{5 * 1024 * 1024 + 1}}) {
    const std::string data = pattern(size);
    const std::string key = "users/u1/blobs/size-" + std::to_string(size);
    testing::run(put(*store, key, data, 64 * 1024 + 3));
    auto back = testing::run(get(*store, key));
    REQUIRE(back);
    CHECK(back->size() == size);
    CHECK(crypto::sha256(*back) == crypto::sha256(data));
    auto info = testing::run(store->head(key));
    REQUIRE(info);
    CHECK(info->size == size);
  }
  const std::string data = pattern(5 * 1024 * 1024 + 1);
  const std::string key = "users/u1/blobs/size-5242881";
  CHECK(testing::run(get(*store, key, storage::ByteRange{0, 0})) == data.substr(0, 1));
  CHECK(testing::run(get(*store, key, storage::ByteRange{1'000'000, 2'500'000})) == data.substr(1'000'000, 1'500'001));
  CHECK(testing::run(get(*store, key, storage::ByteRange{data.size() - 500, data.size() - 1})) ==
        data.substr(data.size() - 500));
  CHECK_FALSE(testing::run(get(*store, "users/u1/blobs/none")));
  CHECK_FALSE(testing::run(store->head("users/u9/blobs/none")));
}

TEST_CASE("local store: nothing is visible before commit, and an aborted or dropped upload leaves nothing") {
  const auto root = fresh_root("atomic");
  auto store = storage::local_store(root);
  testing::run([&]() -> asio::awaitable<void> {
    auto upload = co_await store->begin_upload("users/u1/blobs/a", "text/plain");
    co_await upload->write("half");
    CHECK_FALSE(co_await store->head("users/u1/blobs/a"));
    co_await upload->abort();
    auto dropped = co_await store->begin_upload("users/u1/blobs/b", "text/plain");
    co_await dropped->write("never committed");
  }());
  CHECK(testing::run(store->list("users/")).empty());
  CHECK(fs::is_empty(root / ".uploads"));
}

TEST_CASE("local store: list by prefix, remove, and keys outside the key grammar are refused") {
  auto store = storage::local_store(fresh_root("list"));
  testing::run(put(*store, "users/u1/blobs/a", "1", 1));
  testing::run(put(*store, "users/u1/tracks/b", "22", 1));
  testing::run(put(*store, "users/u2/blobs/c", "333", 1));
  auto mine = testing::run(store->list("users/u1/"));
  CHECK(mine.size() == 2);
  CHECK(testing::run(store->list("users/u2/")).size() == 1);
  CHECK(testing::run(store->list("users/u1/blobs/")).size() == 1);
  CHECK(testing::run(store->remove("users/u1/blobs/a")));
  CHECK_FALSE(testing::run(store->remove("users/u1/blobs/a")));
  CHECK(testing::run(store->list("users/u1/")).size() == 1);

  for (const std::string bad : {"", "/etc/passwd", "users/../x", "users//x", "users/x/", "Users/x", "users/x.png",
                                "users/.uploads/x", "users/x y"}) {
    INFO(bad);
    CHECK_FALSE(storage::valid_key(bad));
    CHECK_THROWS_AS(testing::run(store->head(bad)), std::invalid_argument);
  }
  CHECK(storage::valid_key("users/0b1e-4f/blobs/9c2d"));
}

TEST_CASE("local store: a symbolic link under the root is refused, never followed") {
  const auto root = fresh_root("links");
  const auto outside = fresh_root("links-outside");
  fs::create_directories(outside);
  auto store = storage::local_store(root);
  fs::create_directories(root / "users");
  fs::create_directory_symlink(outside, root / "users" / "u1");
  CHECK_THROWS_AS(testing::run(put(*store, "users/u1/blobs/a", "secret", 6)), storage::StorageUnavailable);
  CHECK(fs::is_empty(outside));
  std::ofstream(outside / "x") << "outside";
  fs::create_symlink(outside / "x", root / "users" / "file");
  // A link where an object should be is refused, not read through.
  CHECK_THROWS_AS(testing::run(get(*store, "users/file")), storage::StorageUnavailable);
}
