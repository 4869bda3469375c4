// Types are proven by their first bytes; declared names are normalised.

#include <catch2/catch.hpp>

#include <ignition/blobs/content.hpp>

using namespace ignition::blobs;

TEST_CASE("sniff names each allowed type by its magic bytes and nothing else") {
  using namespace std::string_literals;
  CHECK(sniff("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s) == "image/png");
  CHECK(sniff("\xff\xd8\xff\xe0\0\x10JFIF"s) == "image/jpeg");
  CHECK(sniff("GIF89a\x01\0\x01\0"s) == "image/gif");
  CHECK(sniff("RIFF\x24\0\0\0WEBPVP8 "s) == "image/webp");
  CHECK(sniff("RIFF\x24\0\0\0WAVEfmt "s) == "audio/wav");
  CHECK(sniff("%PDF-1.7\n"s) == "application/pdf");
  CHECK(sniff("OggS\0\x02\0\0"s) == "audio/ogg");
  CHECK(sniff("fLaC\0\0\0\x22"s) == "audio/flac");
  CHECK(sniff("ID3\x04\0\0\0\0\0\0"s) == "audio/mpeg");
  CHECK(sniff("\xff\xfb\x90\x64"s) == "audio/mpeg");  // MPEG-1 layer III frame
  CHECK(sniff("\xff\xf1\x50\x80"s) == "audio/aac");   // ADTS
  CHECK(sniff("\0\0\0\x20"
              "ftypM4A \0\0\0\0"s) == "audio/mp4");
  CHECK_FALSE(sniff("<html><script>"));
  CHECK_FALSE(sniff("PK\x03\x04"));  // a zip is not an allowed type
  CHECK_FALSE(sniff(""));
  CHECK_FALSE(sniff("RIFF\x24\0\0\0AVI "s));
}

TEST_CASE("declared types are normalised; anything else is not allowed") {
  CHECK(canonical_type("image/JPG") == "image/jpeg");
  CHECK(canonical_type("audio/mp3") == "audio/mpeg");
  CHECK(canonical_type("audio/x-wav") == "audio/wav");
  CHECK(canonical_type("application/pdf; charset=binary") == "application/pdf");
  CHECK_FALSE(canonical_type("text/html"));
  CHECK_FALSE(canonical_type("application/octet-stream"));
  CHECK_FALSE(canonical_type(""));
  CHECK(category_of("image/png") == "image");
  CHECK(category_of("audio/flac") == "audio");
  CHECK(category_of("application/pdf") == "document");
  const Limits limits;
  CHECK(limits.of("image") == 10 * 1024 * 1024);
  CHECK(limits.of("audio") == 100 * 1024 * 1024);
  CHECK(limits.largest() == limits.audio);
}
