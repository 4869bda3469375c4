// The Store contract, run on both backends: the local directory and a real S3-compatible
// server (s3rver, which also checks our SigV4 signatures). Then what only the local store has.

#include <catch2/catch.hpp>

#include <boost/asio/this_coro.hpp>
#include <filesystem>
#include <fstream>

#include <ignition/common/crypto.hpp>
#include <ignition/outbound/client.hpp>
#include <ignition/storage/store.hpp>
#include <ignition/testing/postgres.hpp>

#include <ignition/testing/s3rver.hpp>

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace ignition;

namespace {

constexpr std::size_t part = 5 * 1024 * 1024;  // S3's smallest multipart part

fs::path fresh_root(const std::string& name) {
  const auto root = testing::binary_dir() / "test-storage" / name;
  fs::remove_all(root);
  return root;
}

// A store of the given kind, with what it needs kept alive.
struct Backend {
  std::unique_ptr<outbound::Client> client;
  std::unique_ptr<storage::Store> store;
};

Backend open(const std::string& kind, const std::string& name, asio::any_io_executor executor) {
  if (kind == "local") return {nullptr, storage::local_store(fresh_root(name))};
  outbound::ClientConfig config;
  config.allow_plain_http_loopback = true;
  config.max_response_bytes = 2 * part;
  config.timeout = std::chrono::seconds(30);
  auto client = std::make_unique<outbound::Client>(executor, config);
  storage::S3Config s3;
  s3.endpoint = testing::S3rver::instance().endpoint();
  s3.bucket = "ignition-test";
  s3.region = "us-east-1";
  s3.credentials = {"S3RVER", Secret(std::string("S3RVER")), Secret(std::string())};
  s3.part_size = part;
  s3.read_size = 1024 * 1024 + 7;  // ranges that do not line up with anything
  auto store = storage::s3_store(*client, s3);
  return {std::move(client), std::move(store)};
}

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 31 + i / 7) & 0xff);
  return data;
}

asio::awaitable<void> put(storage::Store& store, std::string key, const std::string& data, std::size_t piece) {
  auto upload = co_await store.begin_upload(key, "application/octet-stream");
  for (std::size_t at = 0; at < data.size(); at += piece) {
    const std::string_view part_of = std::string_view(data).substr(at, piece);
    co_await upload->write(part_of);
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

TEST_CASE("store: 0 bytes, 1 byte and 5 MiB + 1 round trip, and ranges read exactly their bytes") {
  const std::string kind = GENERATE(as<std::string>{}, "local", "s3");
  INFO(kind);
  testing::run([&]() -> asio::awaitable<void> {
    auto backend = open(kind, "roundtrip", co_await asio::this_coro::executor);
    auto& store = *backend.store;
    const std::string base = "users/roundtrip-" + kind + "/blobs/size-";
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, part + 1}) {
      const std::string data = pattern(size);
      co_await put(store, base + std::to_string(size), data, 64 * 1024 + 3);
      auto back = co_await get(store, base + std::to_string(size));
      REQUIRE(back);
      CHECK(back->size() == size);
      CHECK(crypto::sha256(*back) == crypto::sha256(data));
      auto info = co_await store.head(base + std::to_string(size));
      REQUIRE(info);
      CHECK(info->size == size);
    }
    const std::string data = pattern(part + 1);
    const std::string key = base + std::to_string(part + 1);
    auto first = co_await get(store, key, storage::ByteRange{0, 0});
    CHECK(first == data.substr(0, 1));
    auto middle = co_await get(store, key, storage::ByteRange{1'000'000, 3'500'000});
    CHECK(middle == data.substr(1'000'000, 2'500'001));
    auto end = co_await get(store, key, storage::ByteRange{data.size() - 500, data.size() - 1});
    CHECK(end == data.substr(data.size() - 500));
    auto missing = co_await get(store, "users/roundtrip-" + kind + "/blobs/none");
    CHECK_FALSE(missing);
    auto none = co_await store.head("users/nobody/blobs/none");
    CHECK_FALSE(none);
  }());
}

TEST_CASE("store: nothing is visible before commit, and an aborted upload leaves nothing") {
  const std::string kind = GENERATE(as<std::string>{}, "local", "s3");
  INFO(kind);
  testing::run([&]() -> asio::awaitable<void> {
    auto backend = open(kind, "atomic", co_await asio::this_coro::executor);
    auto& store = *backend.store;
    const std::string prefix = "users/atomic-" + kind + "/";
    auto small = co_await store.begin_upload(prefix + "a", "text/plain");
    co_await small->write("half");
    auto early = co_await store.head(prefix + "a");
    CHECK_FALSE(early);
    co_await small->abort();
    // Past one part: a multipart upload has begun, and aborting it leaves no object either.
    auto large = co_await store.begin_upload(prefix + "b", "text/plain");
    const std::string data = pattern(part + 100);
    co_await large->write(data);
    co_await large->abort();
    auto listed = co_await store.list(prefix);
    CHECK(listed.empty());
  }());
}

TEST_CASE("store: list by prefix and remove; keys outside the grammar are refused") {
  const std::string kind = GENERATE(as<std::string>{}, "local", "s3");
  INFO(kind);
  testing::run([&]() -> asio::awaitable<void> {
    auto backend = open(kind, "list", co_await asio::this_coro::executor);
    auto& store = *backend.store;
    const std::string u1 = "users/list-" + kind + "-u1/";
    const std::string u2 = "users/list-" + kind + "-u2/";
    co_await put(store, u1 + "blobs/a", "1", 1);
    co_await put(store, u1 + "tracks/b", "22", 1);
    co_await put(store, u2 + "blobs/c", "333", 1);
    auto mine = co_await store.list(u1);
    CHECK(mine.size() == 2);
    auto theirs = co_await store.list(u2);
    REQUIRE(theirs.size() == 1);
    CHECK(theirs[0].key == u2 + "blobs/c");
    CHECK(theirs[0].size == 3);
    const bool removed = co_await store.remove(u1 + "blobs/a");
    CHECK(removed);
    const bool again = co_await store.remove(u1 + "blobs/a");
    CHECK_FALSE(again);
    auto left = co_await store.list(u1);
    CHECK(left.size() == 1);
    const bool up = co_await store.reachable();
    CHECK(up);
    for (const std::string bad : {"", "/etc/passwd", "users/../x", "users//x", "users/x/", "Users/x", "users/x.png"}) {
      INFO(bad);
      CHECK_FALSE(storage::valid_key(bad));
      bool refused = false;
      try {
        co_await store.head(bad);
      } catch (const std::invalid_argument&) {
        refused = true;
      }
      CHECK(refused);
    }
  }());
  CHECK(storage::valid_key("users/0b1e-4f/blobs/9c2d"));
}

TEST_CASE("local store: a dropped upload leaves no temporary file, and links under the root are refused") {
  const auto root = fresh_root("links");
  const auto outside = fresh_root("links-outside");
  fs::create_directories(outside);
  auto store = storage::local_store(root);
  testing::run([&]() -> asio::awaitable<void> {
    auto dropped = co_await store->begin_upload("users/u1/blobs/b", "text/plain");
    co_await dropped->write("never committed");
  }());
  CHECK(fs::is_empty(root / ".uploads"));
  fs::create_directories(root / "users");
  fs::create_directory_symlink(outside, root / "users" / "u1");
  CHECK_THROWS_AS(testing::run([&]() -> asio::awaitable<void> { co_await put(*store, "users/u1/blobs/a", "x", 1); }()),
                  storage::StorageUnavailable);
  CHECK(fs::is_empty(outside));
  std::ofstream(outside / "x") << "outside";
  fs::create_symlink(outside / "x", root / "users" / "file");
  CHECK_THROWS_AS(testing::run(get(*store, "users/file")), storage::StorageUnavailable);
}

TEST_CASE("s3 store: a store that has gone away is StorageUnavailable, not a hang or a crash") {
  testing::run([&]() -> asio::awaitable<void> {
    outbound::ClientConfig config;
    config.allow_plain_http_loopback = true;
    config.timeout = std::chrono::seconds(5);
    outbound::Client client(co_await asio::this_coro::executor, config);
    storage::S3Config s3;
    s3.endpoint = "http://127.0.0.1:1";  // nothing listens there
    s3.bucket = "ignition-test";
    s3.credentials = {"S3RVER", Secret(std::string("S3RVER")), Secret(std::string())};
    auto store = storage::s3_store(client, s3);
    bool unavailable = false;
    try {
      co_await store->head("users/u1/blobs/a");
    } catch (const storage::StorageUnavailable&) {
      unavailable = true;
    }
    CHECK(unavailable);
    const bool up = co_await store->reachable();
    CHECK_FALSE(up);
  }());
}
