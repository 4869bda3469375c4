#include <catch2/catch.hpp>
#include <ignition/common/crypto.hpp>

#include <set>

namespace crypto = ignition::crypto;

TEST_CASE("sha256 of data in pieces equals the digest of the whole") {
  std::string data;
  for (int i = 0; i < 100'000; ++i) data += static_cast<char>(i * 7);
  crypto::Sha256 pieces;
  for (std::size_t at = 0; at < data.size(); at += 4'099) pieces.update(std::string_view(data).substr(at, 4'099));
  CHECK(pieces.finish() == crypto::sha256(data));
  crypto::Sha256 empty;
  CHECK(crypto::to_hex(empty.finish()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("sha256 known vectors") {
  CHECK(crypto::to_hex(crypto::sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(crypto::to_hex(crypto::sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(crypto::to_hex(crypto::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("hmac_sha256 RFC 4231 vectors") {
  // Test case 1
  CHECK(crypto::to_hex(crypto::hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2
  CHECK(crypto::to_hex(crypto::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 3
  CHECK(crypto::to_hex(crypto::hmac_sha256(std::string(20, '\xaa'), std::string(50, '\xdd'))) ==
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  // Test case 6: key longer than the block size
  CHECK(crypto::to_hex(
            crypto::hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // An empty key is valid HMAC input.
  CHECK(crypto::to_hex(crypto::hmac_sha256("", "")) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("hex round trip") {
  const std::string bytes("\x00\x01\xab\xff", 4);
  CHECK(crypto::to_hex(bytes) == "0001abff");
  CHECK(crypto::from_hex("0001abff") == bytes);
  CHECK(crypto::from_hex("0001ABFF") == bytes);
  CHECK(crypto::from_hex("") == std::string());
  CHECK_FALSE(crypto::from_hex("abc"));
  CHECK_FALSE(crypto::from_hex("zz"));
  CHECK_FALSE(crypto::from_hex("0x00"));
}

TEST_CASE("base64url RFC 4648 vectors without padding") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    CHECK(crypto::base64url_encode(plain) == encoded);
    CHECK(crypto::base64url_decode(encoded) == std::string(plain));
  }
  // The url alphabet uses '-' and '_' where standard base64 uses '+' and '/'.
  CHECK(crypto::base64url_encode("\xfb\xff\xbf") == "-_-_");
  CHECK(crypto::base64url_decode("-_-_") == std::string("\xfb\xff\xbf"));
}

TEST_CASE("base64url_decode is strict") {
  for (const auto* bad : {"Zg==", "Zm8=", "Zm9v=", "Z", "Zm9vY", "Zm 9v", "Zm9v\n", "+/+/", "Zm9v!",
                          "Zh"}) {  // "Zh" has non-zero leftover bits
    INFO(bad);
    CHECK_FALSE(crypto::base64url_decode(bad));
  }
}

TEST_CASE("base64 (standard, padded) RFC 4648 vectors") {
  CHECK(crypto::base64_encode("") == "");
  CHECK(crypto::base64_encode("f") == "Zg==");
  CHECK(crypto::base64_encode("fo") == "Zm8=");
  CHECK(crypto::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(crypto::base64_encode("\xfb\xff\xbf") == "+/+/");
}

TEST_CASE("random_bytes and binary round trip") {
  CHECK(crypto::random_bytes(0).empty());
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto bytes = crypto::random_bytes(32);
    REQUIRE(bytes.size() == 32);
    CHECK(crypto::base64url_decode(crypto::base64url_encode(bytes)) == bytes);
    seen.insert(bytes);
  }
  CHECK(seen.size() == 50);
}

TEST_CASE("constant_time_equal") {
  CHECK(crypto::constant_time_equal("", ""));
  CHECK(crypto::constant_time_equal("token", "token"));
  CHECK_FALSE(crypto::constant_time_equal("token", "tokem"));
  CHECK_FALSE(crypto::constant_time_equal("token", "token2"));
  CHECK_FALSE(crypto::constant_time_equal("", "a"));
  const auto digest = crypto::sha256("x");
  CHECK(crypto::constant_time_equal(crypto::as_view(digest), crypto::as_view(crypto::sha256("x"))));
}
