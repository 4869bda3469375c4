// End-to-end: uploads streamed into the local store and downloads with ranges, through the
// real server and Postgres; the files on disk are checked directly.

#include <catch2/catch.hpp>

#include <poll.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include <ignition/common/crypto.hpp>
#include <ignition/testing/postgres.hpp>
#include <ignition/testing/s3rver.hpp>
#include <ignition/testing/server_process.hpp>

#include "session_client.hpp"

using namespace ignition::testing;
namespace fs = std::filesystem;

namespace {

fs::path storage_root(const std::string& name) {
  const auto root = binary_dir() / "test-storage" / name;
  fs::remove_all(root);
  return root;
}

std::map<std::string, std::string> blobs_env(const std::string& url, const fs::path& storage) {
  return {{"DATABASE_URL", url},
          {"APP_ENV", "test"},
          {"THREADS", "2"},
          {"DEV_LOGIN", "1"},
          {"AUTH_SECRET", "test-secret-test-secret-test-secret-0001"},
          {"APP_URL", "https://app.example.com"},
          {"RATE_LIMIT_AUTH", "0"},
          {"RATE_LIMIT_API", "0"},
          {"STORAGE_DIR", storage.string()},
          {"STORAGE_MAX_AUDIO_BYTES", std::to_string(200 * 1024 * 1024)},
          {"STORAGE_MAX_IMAGE_BYTES", std::to_string(6 * 1024 * 1024)},
          // ASan keeps freed memory in quarantine; a small one lets RSS show what is live.
          {"ASAN_OPTIONS", "quarantine_size_mb=16:detect_leaks=1"}};
}

const std::string png_magic("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
const std::string wav_magic("RIFF\x24\0\0\0WAVEfmt ", 16);

// A file of `size` bytes starting with `magic`, the rest a pattern.
std::string file_of(const std::string& magic, std::size_t size) {
  std::string data = magic.substr(0, std::min(size, magic.size()));
  data.reserve(size);
  for (std::size_t i = data.size(); i < size; ++i) data += static_cast<char>((i * 131 + 7) & 0xff);
  return data;
}

HttpResult upload(std::uint16_t port, const Login& l, const std::string& type, const std::string& body,
                  const std::string& filename = "file.bin") {
  return http_request(port, "POST", "/api/v1/blobs?filename=" + filename,
                      {{"Cookie", l.cookie()}, {"X-CSRF-Token", l.csrf}, {"Content-Type", type}}, body);
}

HttpResult download(std::uint16_t port, const Login& l, const std::string& id,
                    std::map<std::string, std::string> headers = {}) {
  headers["Cookie"] = l.cookie();
  return http_request(port, "GET", "/api/v1/blobs/" + id, headers);
}

// Regular files under the store (objects and unfinished uploads alike).
std::size_t files_under(const fs::path& dir) {
  if (!fs::exists(dir)) return 0;
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

// Objects under users/ in whichever store a test runs on: the local directory, or the
// bucket s3rver keeps on disk (one "<key>._S3rver_object" file per object).
std::size_t objects_under(const fs::path& root, const std::optional<S3rver>& s3) {
  if (!s3) return files_under(root / "users");
  const auto dir = s3->bucket_dir() / "users";
  if (!fs::exists(dir)) return 0;
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().string().ends_with("._S3rver_object")) ++n;
  return n;
}

// Peak resident memory of a process, in bytes (VmHWM).
std::uint64_t peak_rss(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

}  // namespace

TEST_CASE("blobs: uploads round-trip byte for byte with their SHA-256, and ranges read exactly their bytes") {
  const std::string backend = GENERATE(as<std::string>{}, "local", "s3");
  INFO(backend);
  TestDatabase database("blobs_roundtrip_" + backend);
  const auto root = storage_root("roundtrip");
  std::optional<S3rver> s3;
  auto env = blobs_env(database.url(), root);
  if (backend == "s3") {
    s3.emplace("blobs-roundtrip");
    env.merge(s3->env());
  }
  ServerProcess server(env);
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");

  for (const std::size_t size : {std::size_t{16}, std::size_t{5 * 1024 * 1024 + 1}}) {
    const std::string data = file_of(png_magic, size);
    auto created = upload(port, a, "image/png", data, "Zo%C3%AB's%20photo.png");
    INFO(size << " " << created.body);
    REQUIRE(created.status == 201);
    auto meta = json_of(created);
    CHECK(meta.at("size").as_int64() == static_cast<std::int64_t>(size));
    CHECK(meta.at("content_type").as_string() == "image/png");
    CHECK(meta.at("filename").as_string() == "Zoë's photo.png");
    CHECK(meta.at("sha256").as_string() == ignition::crypto::to_hex(ignition::crypto::sha256(data)));
    const std::string id(meta.at("id").as_string());
    auto back = download(port, a, id);
    REQUIRE(back.status == 200);
    CHECK(back.body == data);
    CHECK(back.header("content-length") == std::to_string(size));
    CHECK(back.header("content-type") == "image/png");
    CHECK(back.header("accept-ranges") == "bytes");
    CHECK(back.header("content-disposition").find("filename*=UTF-8''Zo%C3%AB") != std::string::npos);
    // A user's file is never sniffed into something else, streamed or not.
    CHECK(back.header("x-content-type-options") == "nosniff");
    CHECK(back.header("content-security-policy") == "default-src 'none'; frame-ancestors 'none'");
  }

  const std::string data = file_of(png_magic, 5 * 1024 * 1024 + 1);
  auto listed = json_of(call(port, a, "GET", "/api/v1/blobs")).at("items").as_array();
  REQUIRE(listed.size() == 2);
  const std::string id(listed[0].at("id").as_string());  // newest: the 5 MiB + 1 one
  const auto range = [&](const std::string& spec) { return download(port, a, id, {{"Range", spec}}); };
  auto start = range("bytes=0-99");
  CHECK(start.status == 206);
  CHECK(start.body == data.substr(0, 100));
  CHECK(start.header("content-range") == "bytes 0-99/" + std::to_string(data.size()));
  auto middle = range("bytes=1000000-2000000");
  CHECK(middle.status == 206);
  CHECK(middle.body == data.substr(1000000, 1000001));
  auto end = range("bytes=" + std::to_string(data.size() - 10) + "-");
  CHECK(end.body == data.substr(data.size() - 10));
  auto suffix = range("bytes=-500");
  CHECK(suffix.status == 206);
  CHECK(suffix.body == data.substr(data.size() - 500));
  auto past = range("bytes=" + std::to_string(data.size()) + "-");
  CHECK(past.status == 416);
  CHECK(past.header("content-range") == "bytes */" + std::to_string(data.size()));
  CHECK(range("bytes=0-1,5-6").status == 200);  // several ranges: the whole file

  // /metrics counts the bytes that went in and out of storage.
  const std::string metrics = http_request(port, "GET", "/metrics").body;
  const auto counter = [&](const std::string& direction) {
    const std::string name = "ignition_storage_bytes_total{direction=\"" + direction + "\"} ";
    const auto at = metrics.find(name);
    return at == std::string::npos ? 0ULL : std::stoull(metrics.substr(at + name.size()));
  };
  CHECK(counter("in") == 16 + data.size());
  CHECK(counter("out") == 16 + data.size() + 100 + 1000001 + 10 + 500 + data.size());

  // A row that cannot be written takes its object with it.
  database.scalar("ALTER TABLE blobs ADD CONSTRAINT refuse_for_test CHECK (filename <> 'refused.png')");
  CHECK(upload(port, a, "image/png", file_of(png_magic, 1000), "refused.png").status == 500);
  CHECK(objects_under(root, s3) == 2);
  database.scalar("ALTER TABLE blobs DROP CONSTRAINT refuse_for_test");

  // A download link: straight from the bucket where it can presign, through the server
  // (HMAC-signed) on the local store; either way the bytes, without a session.
  const std::string link(json_of(call(port, a, "POST", "/api/v1/blobs/" + id + "/url")).at("url").as_string());
  if (s3) {
    REQUIRE(link.rfind(s3->endpoint(), 0) == 0);
    const std::string host = s3->endpoint().substr(7);
    const auto bucket_port = static_cast<std::uint16_t>(std::stoi(host.substr(host.find(':') + 1)));
    auto direct = http_request(bucket_port, "GET", link.substr(s3->endpoint().size()), {{"Host", host}});
    CHECK(direct.status == 200);
    CHECK(direct.body == data);
  } else {
    CHECK(http_request(port, "GET", link).body == data);
  }

  // The content hash is the ETag: an unchanged file is a 304.
  const std::string etag = start.header("etag");
  CHECK(etag.size() == 66);
  auto cached = download(port, a, id, {{"If-None-Match", etag}});
  CHECK(cached.status == 304);
  CHECK(cached.body.empty());
  auto head = http_request(port, "HEAD", "/api/v1/blobs/" + id, {{"Cookie", a.cookie()}});
  CHECK(head.status == 200);
  CHECK(head.header("content-length") == std::to_string(data.size()));

  // Another user gets 404 for everything of Alice's; delete removes row and file.
  const Login b = dev_login(port, "bob@example.com");
  CHECK(download(port, b, id).status == 404);
  CHECK(call(port, b, "DELETE", "/api/v1/blobs/" + id).status == 404);
  CHECK(json_of(call(port, b, "GET", "/api/v1/blobs")).at("items").as_array().empty());
  CHECK(objects_under(root, s3) == 2);
  CHECK(call(port, a, "DELETE", "/api/v1/blobs/" + id).status == 204);
  CHECK(download(port, a, id).status == 404);
  CHECK(objects_under(root, s3) == 1);

  // Deleting the account removes the rest of the user's files.
  CHECK(call(port, a, "DELETE", "/api/v1/me").status == 204);
  CHECK(objects_under(root, s3) == 0);
  CHECK(database.scalar("SELECT count(*) FROM blobs") == "0");
}

TEST_CASE("blobs: a lying type is 415, too large is 413, and neither leaves a row or a file") {
  TestDatabase database("blobs_refused");
  const auto root = storage_root("refused");
  auto env = blobs_env(database.url(), root);
  env["STORAGE_MAX_IMAGE_BYTES"] = "65536";  // small enough that the refused body fits in socket buffers
  ServerProcess server(env);
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");

  auto lying = upload(port, a, "image/png", "<html><script>alert(1)</script></html>");
  CHECK(lying.status == 415);
  CHECK(upload(port, a, "audio/mpeg", file_of(png_magic, 100)).status == 415);  // a PNG is not an MP3
  CHECK(upload(port, a, "text/html", "<html></html>").status == 415);
  CHECK(upload(port, a, "image/png", "").status == 415);  // nothing proves an empty file's type
  auto large = upload(port, a, "image/png", file_of(png_magic, 65537));
  CHECK(large.status == 413);
  CHECK(upload(port, a, "image/png", "x", "a/b.png").status == 400);  // no path in a filename
  CHECK(database.scalar("SELECT count(*) FROM blobs") == "0");
  CHECK(files_under(root) == 0);
  // Without a session or a CSRF token, nothing is read at all.
  CHECK(http_request(port, "POST", "/api/v1/blobs", {{"Content-Type", "image/png"}}, png_magic).status == 401);
  CHECK(http_request(port, "POST", "/api/v1/blobs", {{"Cookie", "session=" + a.token}, {"Content-Type", "image/png"}},
                     png_magic)
            .status == 403);
}

TEST_CASE("blobs: a client that disconnects mid-upload leaves no row and no file") {
  TestDatabase database("blobs_disconnect");
  const auto root = storage_root("disconnect");
  ServerProcess server(blobs_env(database.url(), root));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    const std::string head = "POST /api/v1/blobs HTTP/1.1\r\nHost: x\r\nCookie: " + a.cookie() +
                             "\r\nX-CSRF-Token: " + a.csrf +
                             "\r\nContent-Type: audio/wav\r\nContent-Length: 10000000\r\n\r\n";
    boost::asio::write(socket, boost::asio::buffer(head));
    const std::string part = file_of(wav_magic, 300 * 1024);
    boost::asio::write(socket, boost::asio::buffer(part));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }  // closed with 9.7 MB still to come
  for (int i = 0; i < 50 && files_under(root) > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(files_under(root) == 0);
  CHECK(database.scalar("SELECT count(*) FROM blobs") == "0");
  CHECK(call(port, a, "GET", "/api/v1/me").status == 200);  // and the server is fine
}

TEST_CASE("blobs: an upload that trickles is cut off with a 408, however steadily it trickles") {
  TestDatabase database("blobs_trickle");
  const auto root = storage_root("trickle");
  auto env = blobs_env(database.url(), root);
  env["HTTP_READ_TIMEOUT"] = "2s";
  env["HTTP_MIN_RATE"] = "1024";
  ServerProcess server(env);
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  const std::string head = "POST /api/v1/blobs HTTP/1.1\r\nHost: x\r\nCookie: " + a.cookie() +
                           "\r\nX-CSRF-Token: " + a.csrf +
                           "\r\nContent-Type: audio/wav\r\nContent-Length: 1000000\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(head + file_of(wav_magic, 100)));
  // 100 bytes every 250 ms: no pause comes near the read timeout, but 400 bytes a second is
  // below the minimum rate. Before the rate, this went on for as long as the client liked.
  const std::string piece(100, 'x');
  std::string answer;
  bool ended = false;
  for (int i = 0; i < 80 && !ended; ++i) {  // 20 s of trickling at most
    boost::system::error_code ec;
    boost::asio::write(socket, boost::asio::buffer(piece), ec);
    pollfd ready{socket.native_handle(), POLLIN, 0};
    if (ec || ::poll(&ready, 1, 250) > 0) ended = true;
  }
  REQUIRE(ended);
  boost::system::error_code ec;
  std::array<char, 4096> buffer{};
  const auto n = socket.read_some(boost::asio::buffer(buffer), ec);
  answer.assign(buffer.data(), n);
  INFO(answer);
  CHECK(answer.rfind("HTTP/1.1 408 ", 0) == 0);
  for (int i = 0; i < 50 && files_under(root) > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(files_under(root) == 0);
  CHECK(database.scalar("SELECT count(*) FROM blobs") == "0");
}

TEST_CASE("blobs: a 120 MiB upload and download stream through a server whose memory stays small") {
  TestDatabase database("blobs_large");
  const auto root = storage_root("large");
  ServerProcess server(blobs_env(database.url(), root));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const std::string data = file_of(wav_magic, 120 * 1024 * 1024);
  const auto before = peak_rss(server.pid());
  auto created = upload(port, a, "audio/wav", data, "take.wav");
  REQUIRE(created.status == 201);
  const std::string id(json_of(created).at("id").as_string());
  auto back = download(port, a, id);
  REQUIRE(back.status == 200);
  CHECK(back.body.size() == data.size());
  CHECK(ignition::crypto::sha256(back.body) == ignition::crypto::sha256(data));
  const auto growth = peak_rss(server.pid()) - before;
  WARN("server peak RSS grew by " << growth / (1024 * 1024) << " MiB for a 120 MiB upload and download");
  CHECK(growth < 40ULL * 1024 * 1024);
}

TEST_CASE("blobs: a signed link downloads without a session until it expires, and only unaltered") {
  TestDatabase database("blobs_signed");
  const auto root = storage_root("signed");
  ServerProcess server(blobs_env(database.url(), root));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const Login b = dev_login(port, "bob@example.com");
  const std::string data = file_of(png_magic, 1000);
  const std::string id(json_of(upload(port, a, "image/png", data)).at("id").as_string());

  auto made = call(port, a, "POST", "/api/v1/blobs/" + id + "/url");
  REQUIRE(made.status == 200);
  const std::string url(json_of(made).at("url").as_string());
  CHECK(url.find("/api/v1/blobs/" + id + "/signed?expires=") == 0);
  auto fetched = http_request(port, "GET", url);  // no cookie at all
  CHECK(fetched.status == 200);
  CHECK(fetched.body == data);
  auto ranged = http_request(port, "GET", url, {{"Range", "bytes=-10"}});
  CHECK(ranged.status == 206);
  CHECK(ranged.body == data.substr(990));

  std::string tampered = url;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  CHECK(http_request(port, "GET", tampered).status == 404);
  const auto expires_at = url.find("expires=") + 8;
  std::string later = url;
  later[expires_at + 2] = later[expires_at + 2] == '9' ? '8' : '9';  // another expiry, same signature
  CHECK(http_request(port, "GET", later).status == 404);
  CHECK(call(port, b, "POST", "/api/v1/blobs/" + id + "/url").status == 404);
  CHECK(call(port, a, "POST", "/api/v1/blobs/" + id + "/url?expires_in=0").status == 400);

  auto brief = json_of(call(port, a, "POST", "/api/v1/blobs/" + id + "/url?expires_in=1"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  CHECK(http_request(port, "GET", std::string(brief.at("url").as_string())).status == 404);
}

TEST_CASE("tracks: audio only, streamed with ranges inline, analysis cached, everything of another user's 404") {
  TestDatabase database("tracks");
  const auto root = storage_root("tracks");
  ServerProcess server(blobs_env(database.url(), root));
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  const Login b = dev_login(port, "bob@example.com");
  const auto post_track = [&](const std::string& type, const std::string& body, const std::string& query) {
    return http_request(port, "POST", "/api/v1/tracks" + query,
                        {{"Cookie", a.cookie()}, {"X-CSRF-Token", a.csrf}, {"Content-Type", type}}, body);
  };
  CHECK(post_track("image/png", file_of(png_magic, 100), "").status == 415);
  const std::string audio = file_of(wav_magic, 300'000);
  auto created = post_track("audio/wav", audio, "?title=Reference%20mix&artist=Zo%C3%AB&filename=mix.wav");
  REQUIRE(created.status == 201);
  const auto track = json_of(created);
  CHECK(track.at("title").as_string() == "Reference mix");
  CHECK(track.at("artist").as_string() == "Zoë");
  CHECK(track.at("size").as_int64() == 300'000);
  const std::string id(track.at("id").as_string());
  const std::string path = "/api/v1/tracks/" + id;

  CHECK(json_of(call(port, a, "GET", "/api/v1/tracks")).at("items").as_array().size() == 1);
  CHECK(json_of(call(port, a, "GET", path)).at("filename").as_string() == "mix.wav");
  auto seek = http_request(port, "GET", path + "/stream", {{"Cookie", a.cookie()}, {"Range", "bytes=100000-100099"}});
  CHECK(seek.status == 206);
  CHECK(seek.body == audio.substr(100000, 100));
  CHECK(seek.header("content-type") == "audio/wav");
  CHECK(seek.header("content-disposition").empty());  // played inline

  CHECK(call(port, a, "GET", path + "/analysis").status == 404);
  CHECK(call(port, a, "PUT", path + "/analysis", R"({"bpm":0})").status == 400);
  auto stored = call(port, a, "PUT", path + "/analysis",
                     R"({"bpm":124.5,"key":"A minor","energy":0.8,"peaks":[0.1,0.7,0.3],"analyzer_version":"1"})");
  REQUIRE(stored.status == 200);
  auto cached = json_of(call(port, a, "GET", path + "/analysis"));
  CHECK(cached.at("bpm").as_double() == 124.5);
  CHECK(cached.at("key").as_string() == "A minor");
  CHECK(cached.at("peaks").as_array().size() == 3);
  REQUIRE(call(port, a, "PUT", path + "/analysis", R"({"bpm":90})").status == 200);  // replaced whole
  CHECK(json_of(call(port, a, "GET", path + "/analysis")).at("peaks").is_null());

  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", path}, {"GET", path + "/stream"}, {"GET", path + "/analysis"}, {"DELETE", path}}) {
    INFO(method << " " << target);
    CHECK(call(port, b, method, target).status == 404);
  }
  CHECK(call(port, b, "PUT", path + "/analysis", R"({"bpm":1})").status == 404);
  CHECK(json_of(call(port, a, "GET", path + "/analysis")).at("bpm").as_double() == 90);

  CHECK(files_under(root / "users") == 1);
  CHECK(call(port, a, "DELETE", path).status == 204);
  CHECK(files_under(root / "users") == 0);
  CHECK(database.scalar("SELECT count(*) FROM track_analysis_cache") == "0");
}

TEST_CASE("blobs: the bucket going away mid-upload is a clean 503, with no row and no object") {
  TestDatabase database("blobs_outage");
  const auto root = storage_root("outage");
  std::optional<S3rver> s3;
  s3.emplace("blobs-outage");
  auto env = blobs_env(database.url(), root);
  env.merge(s3->env());
  ServerProcess server(env);
  const auto port = server.port();
  const Login a = dev_login(port, "alice@example.com");
  CHECK(http_request(port, "GET", "/ready").status == 200);

  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  // 9 MiB first (a multipart upload has begun: one 8 MiB part is in the bucket), then the
  // bucket goes away, then the last MiB: the server has read the whole body when it fails.
  const std::size_t size = 10 * 1024 * 1024;
  const std::string head = "POST /api/v1/blobs HTTP/1.1\r\nHost: x\r\nCookie: " + a.cookie() +
                           "\r\nX-CSRF-Token: " + a.csrf +
                           "\r\nContent-Type: audio/wav\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
  const std::string data = file_of(wav_magic, size);
  boost::asio::write(socket, boost::asio::buffer(head));
  boost::asio::write(socket, boost::asio::buffer(data.data(), 9 * 1024 * 1024));  // a part is in the bucket
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  s3->stop();
  boost::system::error_code ignored;
  boost::asio::write(socket, boost::asio::buffer(data.data() + 9 * 1024 * 1024, size - 9 * 1024 * 1024), ignored);
  std::string answer(4096, '\0');
  const auto n = socket.read_some(boost::asio::buffer(answer), ignored);
  answer.resize(n);
  INFO(answer);
  CHECK(answer.rfind("HTTP/1.1 503", 0) == 0);
  CHECK(database.scalar("SELECT count(*) FROM blobs") == "0");
  CHECK(objects_under(root, s3) == 0);
  CHECK(http_request(port, "GET", "/ready").status == 503);  // and readiness says why
}
