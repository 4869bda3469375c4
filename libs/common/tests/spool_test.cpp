#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <ignition/common/spool.hpp>

using ignition::Spool;

TEST_CASE("a spool gives back what was appended, in pieces of any size") {
  Spool spool;
  CHECK(spool.size() == 0);
  CHECK(spool.read(0, 10).empty());
  std::string written;
  for (int i = 0; i < 1000; ++i) {
    const std::string piece = std::to_string(i) + std::string(static_cast<std::size_t>(i % 37), 'x') + ",";
    spool.append(piece);
    written += piece;
  }
  CHECK(spool.size() == written.size());
  std::string read;
  for (std::uint64_t offset = 0; offset < spool.size(); offset += 4096) read += spool.read(offset, 4096);
  CHECK(read == written);
  CHECK(spool.read(5, 3) == written.substr(5, 3));
  CHECK(spool.read(spool.size() - 2, 100) == written.substr(written.size() - 2));
  CHECK(spool.read(spool.size() + 1, 100).empty());
}

TEST_CASE("a spool leaves no file behind and refuses a directory that cannot hold one") {
  const auto dir = std::filesystem::temp_directory_path() / "ignition-spool-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const char* saved = std::getenv("TMPDIR");
  const std::string old = saved ? saved : "";
  ::setenv("TMPDIR", dir.c_str(), 1);
  {
    Spool spool;
    spool.append("hello");
    CHECK(spool.read(0, 5) == "hello");
    CHECK(std::filesystem::is_empty(dir));  // the file has no name
  }
  ::setenv("TMPDIR", (dir / "missing").c_str(), 1);
  CHECK_THROWS_AS(Spool(), std::system_error);
  if (saved)
    ::setenv("TMPDIR", old.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  std::filesystem::remove_all(dir);
}
