// The signer against the examples AWS publishes, plus the SigV4 rules that those examples
// do not reach (each checked as a property: two spellings of one request sign alike, or a
// difference that matters changes the signature). The differential test against AWS's own
// implementation is in sigv4_differential_test.cpp.
#include <catch2/catch.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>

#include <ignition/common/crypto.hpp>
#include <ignition/common/time.hpp>
#include <ignition/storage/sigv4.hpp>

namespace storage = ignition::storage;
using namespace std::chrono_literals;

namespace {

// The credentials, scope and time of the examples in AWS's S3 API reference ("Signature
// Calculations for the Authorization Header: Transferring Payload in a Single Chunk" and
// "Authenticating Requests: Using Query Parameters").
storage::Credentials example_credentials() {
  return {"AKIAIOSFODNN7EXAMPLE", ignition::Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), {}};
}
const storage::Scope example_scope{"us-east-1", "s3"};
const std::chrono::system_clock::time_point example_time = std::chrono::sys_days{2013y / 5 / 24};
constexpr const char* example_host = "examplebucket.s3.amazonaws.com";
constexpr const char* example_credential = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";

std::string part(const std::string& authorization, const std::string& key) {
  const auto start = authorization.find(key + "=");
  REQUIRE(start != std::string::npos);
  const auto from = start + key.size() + 1;
  const auto end = authorization.find(',', from);
  return authorization.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

std::string signature_of(const storage::SignedHeaders& h) { return part(h.authorization, "Signature"); }
std::string signed_names_of(const storage::SignedHeaders& h) { return part(h.authorization, "SignedHeaders"); }

storage::SignableRequest get(std::string path) {
  storage::SignableRequest r;
  r.method = "GET";
  r.host = example_host;
  r.path = std::move(path);
  return r;
}

storage::SignedHeaders sign_example(const storage::SignableRequest& r) {
  return storage::sign(r, example_credentials(), example_scope, example_time);
}

}  // namespace

TEST_CASE("AWS example: GET Object with a Range header") {
  auto r = get("/test.txt");
  r.headers = {{"Range", "bytes=0-9"}};
  const auto h = sign_example(r);
  CHECK(h.authorization.starts_with(std::string("AWS4-HMAC-SHA256 ") + example_credential + ", "));
  CHECK(signed_names_of(h) == "host;range;x-amz-content-sha256;x-amz-date");
  CHECK(signature_of(h) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CHECK(h.amz_date == "20130524T000000Z");
  CHECK(h.content_sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK_FALSE(h.token);
}

TEST_CASE("AWS example: PUT Object with a signed payload, a Date header and an encoded key") {
  const std::string body = "Welcome to Amazon S3.";
  const auto payload = ignition::crypto::to_hex(ignition::crypto::sha256(body));
  REQUIRE(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");  // from the example
  storage::SignableRequest r;
  r.method = "PUT";
  r.host = example_host;
  r.path = "/test$file.text";
  r.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  r.payload_sha256 = payload;
  const auto h = sign_example(r);
  CHECK(signed_names_of(h) == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  CHECK(signature_of(h) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  CHECK(h.content_sha256 == payload);
}

TEST_CASE("AWS example: GET Bucket Lifecycle, a query parameter without a value") {
  auto r = get("/");
  r.query = {{"lifecycle", ""}};
  const auto h = sign_example(r);
  CHECK(signed_names_of(h) == "host;x-amz-content-sha256;x-amz-date");
  CHECK(signature_of(h) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST_CASE("AWS example: GET Bucket (List Objects), query sorted by name") {
  auto r = get("/");
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};  // out of order on purpose: the signer sorts
  const auto h = sign_example(r);
  CHECK(signature_of(h) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("AWS example: presigned GET Object URL valid for 24 hours") {
  const auto url = storage::presign_url("GET", "https", example_host, "/test.txt", {}, example_credentials(),
                                        example_scope, example_time, 86400s);
  // The example's URL, parameter by parameter (the example lists them in another order,
  // which S3 does not care about).
  const std::map<std::string, std::string> expected{
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
      {"X-Amz-Date", "20130524T000000Z"},
      {"X-Amz-Expires", "86400"},
      {"X-Amz-SignedHeaders", "host"},
      {"X-Amz-Signature", "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"},
  };
  const auto parsed = boost::urls::parse_uri(url);
  REQUIRE(parsed.has_value());
  CHECK(parsed->scheme() == "https");
  CHECK(parsed->encoded_host_and_port() == example_host);
  CHECK(parsed->encoded_path() == "/test.txt");
  std::map<std::string, std::string> got;
  for (const auto& p : parsed->params()) got.emplace(p.key, p.value);
  CHECK(got == expected);
  CHECK(url.find("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request") !=
        std::string::npos);
}

TEST_CASE("uri_encode is RFC 3986 on UTF-8 bytes, upper-case hex") {
  CHECK(storage::uri_encode("AZaz09-._~", false) == "AZaz09-._~");
  CHECK(storage::uri_encode("a b", false) == "a%20b");
  CHECK(storage::uri_encode("a+b", false) == "a%2Bb");
  CHECK(storage::uri_encode("100%", false) == "100%25");
  CHECK(storage::uri_encode("a=b&c", false) == "a%3Db%26c");
  CHECK(storage::uri_encode("!'()*", false) == "%21%27%28%29%2A");
  CHECK(storage::uri_encode("a/b", false) == "a%2Fb");
  CHECK(storage::uri_encode("a/b", true) == "a/b");
  CHECK(storage::uri_encode("\xC3\xA9", true) == "%C3%A9");                              // é
  CHECK(storage::uri_encode("\xE6\x97\xA5\xE6\x9C\xAC", true) == "%E6%97%A5%E6%9C%AC");  // 日本
  CHECK(storage::uri_encode("\xF0\x9F\x98\x80", true) == "%F0%9F%98%80");                // 😀
  CHECK(storage::uri_encode(std::string("\0\x7f", 2), true) == "%00%7F");
}

TEST_CASE("the path is encoded once and never normalised") {
  const auto sig = [](std::string path) { return signature_of(sign_example(get(std::move(path)))); };
  // '+' is a literal plus in a path, never a space; '%' is a literal percent sign.
  CHECK(sig("/b/a b") != sig("/b/a+b"));
  CHECK(sig("/b/a%20b") != sig("/b/a b"));
  // Dot segments and empty segments are part of an S3 key.
  CHECK(sig("/b/./k") != sig("/b/k"));
  CHECK(sig("/b/x/../k") != sig("/b/k"));
  CHECK(sig("/b//k") != sig("/b/k"));
  CHECK(sig("/b/k/") != sig("/b/k"));
}

TEST_CASE("header names are case-insensitive and values are trimmed, inner blanks collapsed") {
  auto a = get("/b/k");
  a.headers = {{"Content-Type", "image/png"}, {"X-Amz-Meta-Note", "  two   words\t\tand  more  "}};
  auto b = get("/b/k");
  b.headers = {{"x-amz-meta-note", "two words and more"}, {"content-type", "image/png"}};
  CHECK(sign_example(a).authorization == sign_example(b).authorization);
  CHECK(signed_names_of(sign_example(a)) == "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-note");
  auto c = b;
  c.headers[0].second = "two words or more";
  CHECK(sign_example(c).authorization != sign_example(b).authorization);
}

TEST_CASE("a header given twice is signed as its values joined by commas") {
  auto a = get("/b/k");
  a.headers = {{"x-amz-meta-tag", "one"}, {"X-Amz-Meta-Tag", " two "}};
  auto b = get("/b/k");
  b.headers = {{"x-amz-meta-tag", "one,two"}};
  CHECK(sign_example(a).authorization == sign_example(b).authorization);
}

TEST_CASE("the query is signed sorted, whatever order it is given in") {
  auto a = get("/b");
  a.query = {{"prefix", "a b/c"}, {"list-type", "2"}, {"a", "2"}, {"a", "1"}, {"empty", ""}};
  auto b = get("/b");
  b.query = {{"a", "1"}, {"empty", ""}, {"a", "2"}, {"list-type", "2"}, {"prefix", "a b/c"}};
  CHECK(sign_example(a).authorization == sign_example(b).authorization);
  auto c = get("/b");
  c.query = {{"a", "1"}, {"empty", ""}, {"a", "2"}, {"list-type", "2"}, {"prefix", "a+b/c"}};
  CHECK(sign_example(c).authorization != sign_example(b).authorization);
}

TEST_CASE("headers the SDKs never sign stay out of the signature") {
  auto a = get("/b/k");
  a.headers = {
      {"User-Agent", "ignition/1"}, {"Expect", "100-continue"}, {"Proxy-Authorization", "x"}, {"Range", "bytes=0-1"}};
  auto b = get("/b/k");
  b.headers = {{"Range", "bytes=0-1"}};
  CHECK(sign_example(a).authorization == sign_example(b).authorization);
}

TEST_CASE("a session token is sent and signed as x-amz-security-token") {
  auto creds = example_credentials();
  creds.session_token = ignition::Secret("FQoGZXIvYXdzE+/=");
  const auto r = get("/b/k");
  const auto h = storage::sign(r, creds, example_scope, example_time);
  CHECK(signed_names_of(h) == "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  REQUIRE(h.token);
  CHECK(*h.token == "FQoGZXIvYXdzE+/=");
  const auto list = h.list();
  REQUIRE(list.size() == 4);
  CHECK(list[3] == std::pair<std::string, std::string>{"x-amz-security-token", "FQoGZXIvYXdzE+/="});
  CHECK(signature_of(h) != signature_of(sign_example(r)));

  const auto url =
      storage::presign_url("GET", "https", example_host, "/b/k", {}, creds, example_scope, example_time, 60s);
  CHECK(url.find("X-Amz-Security-Token=FQoGZXIvYXdzE%2B%2F%3D") != std::string::npos);
}

TEST_CASE("the secret never appears in what the signer returns") {
  const auto h = sign_example(get("/b/k"));
  for (const auto& [name, value] : h.list()) CHECK(value.find("wJalrXUtnFEMI") == std::string::npos);
  const auto url = storage::presign_url("GET", "https", example_host, "/b/k", {}, example_credentials(), example_scope,
                                        example_time, 60s);
  CHECK(url.find("wJalrXUtnFEMI") == std::string::npos);
}

TEST_CASE("the time is signed in whole UTC seconds and accepts a Timestamp") {
  const auto r = get("/b/k");
  const ignition::Timestamp later = std::chrono::time_point_cast<std::chrono::microseconds>(example_time + 999ms);
  const auto h = storage::sign(r, example_credentials(), example_scope, later);
  CHECK(h.authorization == sign_example(r).authorization);
  const auto next = storage::sign(r, example_credentials(), example_scope, example_time + 1s);
  CHECK(next.amz_date == "20130524T000001Z");
  CHECK(next.authorization != h.authorization);
  const auto new_year = storage::sign(r, example_credentials(), example_scope,
                                      std::chrono::sys_days{2026y / 12 / 31} + 23h + 59min + 59s);
  CHECK(new_year.amz_date == "20261231T235959Z");
  CHECK(new_year.authorization.find("/20261231/us-east-1/s3/aws4_request") != std::string::npos);
}

TEST_CASE("UNSIGNED-PAYLOAD is signed as the payload marker") {
  auto r = get("/b/k");
  r.method = "PUT";
  r.payload_sha256 = std::string(storage::unsigned_payload);
  const auto h = sign_example(r);
  CHECK(h.content_sha256 == "UNSIGNED-PAYLOAD");
  auto s = r;
  s.payload_sha256 = std::string(storage::empty_payload_sha256);
  CHECK(sign_example(s).authorization != h.authorization);
}

TEST_CASE("requests that cannot be signed as described are refused") {
  const auto refused = [](auto change) {
    auto r = get("/b/k");
    change(r);
    return [r] { (void)sign_example(r); };
  };
  CHECK_THROWS_AS(refused([](auto& r) { r.path = "b/k"; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.path = ""; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.method = ""; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.method = "G T"; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.host = ""; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.host = "a.example/evil"; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.headers = {{"Host", "other"}}; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.headers = {{"X-Amz-Date", "20130524T000000Z"}}; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) {
                    r.headers = {{"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}};
                  })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.headers = {{"Authorization", "x"}}; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.headers = {{"Bad Name", "x"}}; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) {
                    r.headers = {{"x-amz-meta-a", "a\r\nInjected: 1"}};
                  })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      refused([](auto& r) { r.payload_sha256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"; })(),
      std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.payload_sha256 = ""; })(), std::invalid_argument);
  CHECK_THROWS_AS(refused([](auto& r) { r.query = {{"X-Amz-Signature", "x"}}; })(), std::invalid_argument);
  CHECK_NOTHROW(refused([](auto& r) { r.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}}; })());

  const auto presign = [](std::string_view scheme, const storage::NameValues& query, std::chrono::seconds expires) {
    return storage::presign_url("GET", scheme, example_host, "/b/k", query, example_credentials(), example_scope,
                                example_time, expires);
  };
  CHECK_THROWS_AS(presign("https", {}, 0s), std::invalid_argument);
  CHECK_THROWS_AS(presign("https", {}, 604801s), std::invalid_argument);
  CHECK_NOTHROW(presign("https", {}, 604800s));
  CHECK_NOTHROW(presign("http", {}, 1s));
  CHECK_THROWS_AS(presign("ftp", {}, 60s), std::invalid_argument);
  CHECK_THROWS_AS(presign("https", {{"x-amz-expires", "1"}}, 60s), std::invalid_argument);
  CHECK_THROWS_AS(presign("https", {{"X-Amz-Signature", "1"}}, 60s), std::invalid_argument);

  auto bad_region = example_scope;
  bad_region.region = "us east";
  CHECK_THROWS_AS(storage::sign(get("/b/k"), example_credentials(), bad_region, example_time), std::invalid_argument);
}
