#include <catch2/catch.hpp>
#include <ignition/common/env.hpp>
#include <ignition/common/error.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

using namespace std::chrono_literals;
using ignition::ConfigError;
using ignition::Env;

namespace {

/// Writes `content` to a fresh file in the temp directory and removes it afterwards.
struct TempFile {
  explicit TempFile(std::string_view content)
      : path(std::filesystem::temp_directory_path() / ("ignition-env-test-" + std::to_string(::getpid()) + ".env")) {
    std::ofstream(path) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
  std::filesystem::path path;
};

std::string config_error(auto&& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("expected ConfigError");
  return {};
}

}  // namespace

TEST_CASE("Env::get treats empty values as unset") {
  const auto env = Env::from_map({{"A", "x"}, {"EMPTY", ""}});
  CHECK(env.get("A") == "x");
  CHECK_FALSE(env.get("EMPTY"));
  CHECK_FALSE(env.get("MISSING"));
  CHECK(env.string("EMPTY", "fallback") == "fallback");
  CHECK(env.string("A", "fallback") == "x");
}

TEST_CASE("Env::required names the missing key") {
  const auto env = Env::from_map({});
  const auto message = config_error([&] { (void)env.required("DATABASE_URL"); });
  CHECK(message.find("DATABASE_URL is required") == 0);
}

TEST_CASE("Env::integer checks syntax and range") {
  const auto env = Env::from_map({{"PORT", "8080"}, {"BAD", "abc"}, {"BIG", "70000"}, {"NEG", "-5"}});
  CHECK(env.integer("PORT", 1, 1, 65535) == 8080);
  CHECK(env.integer("MISSING", 42, 1, 65535) == 42);
  CHECK(env.integer("NEG", 0, -10, 10) == -5);
  CHECK(config_error([&] { (void)env.integer("BAD", 1, 1, 65535); }) ==
        R"(BAD must be an integer between 1 and 65535 (got "abc"))");
  CHECK(config_error([&] { (void)env.integer("BIG", 1, 1, 65535); }) ==
        R"(BIG must be an integer between 1 and 65535 (got "70000"))");
  const auto trailing = Env::from_map({{"N", "12x"}});
  CHECK_THROWS_AS(trailing.integer("N", 1, 0, 100), ConfigError);
}

TEST_CASE("Env::boolean accepts the usual spellings in any case") {
  const auto env = Env::from_map({{"A", "1"},
                                  {"B", "TRUE"},
                                  {"C", "yes"},
                                  {"D", "On"},
                                  {"E", "0"},
                                  {"F", "false"},
                                  {"G", "NO"},
                                  {"H", "off"},
                                  {"BAD", "maybe"}});
  for (const auto* key : {"A", "B", "C", "D"}) CHECK(env.boolean(key, false));
  for (const auto* key : {"E", "F", "G", "H"}) CHECK_FALSE(env.boolean(key, true));
  CHECK(env.boolean("MISSING", true));
  const auto message = config_error([&] { (void)env.boolean("BAD", false); });
  CHECK(message.find("BAD must be a boolean") == 0);
  CHECK(message.find("maybe") != std::string::npos);
}

TEST_CASE("parse_duration understands units and rejects junk") {
  using ignition::parse_duration;
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("15s") == 15s);
  CHECK(parse_duration("10m") == 10min);
  CHECK(parse_duration("12h") == 12h);
  CHECK(parse_duration("30d") == std::chrono::hours(24 * 30));
  CHECK(parse_duration("90") == 90s);
  for (const auto* bad : {"", "0", "0s", "-5s", "s", "5 s", "5sec", "1.5s", "99999999999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad));
  }
  const auto env = Env::from_map({{"TIMEOUT", "soon"}});
  CHECK(env.duration("MISSING", 3s) == 3s);
  CHECK(config_error([&] { (void)env.duration("TIMEOUT", 3s); }).find("TIMEOUT must be") == 0);
}

TEST_CASE("Env::list trims items and drops empty ones") {
  const auto env = Env::from_map({{"ORIGINS", " https://a.example , ,https://b.example,"}});
  CHECK(env.list("ORIGINS") == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(env.list("MISSING").empty());
}

TEST_CASE("Env::choice lists the allowed values") {
  const auto env = Env::from_map({{"LEVEL", "warn"}, {"BAD", "loud"}});
  CHECK(env.choice("LEVEL", "info", {"debug", "info", "warn"}) == "warn");
  CHECK(env.choice("MISSING", "info", {"debug", "info", "warn"}) == "info");
  CHECK(config_error([&] {
          (void)env.choice("BAD", "info", {"debug", "info"});
        }) == R"(BAD must be one of debug, info (got "loud"))");
}

TEST_CASE("Env::secret returns the value only through reveal()") {
  const auto env = Env::from_map({{"SESSION_SECRET", "hunter2"}});
  const auto secret = env.secret("SESSION_SECRET");
  REQUIRE(secret);
  CHECK(secret->reveal() == "hunter2");
  CHECK_FALSE(env.secret("MISSING"));
}

TEST_CASE("ConfigError messages are one line and never contain a .env secret") {
  const TempFile file("GOOD=1\nAPI_SECRET=\"hunter2\n");
  const auto message = config_error([&] { (void)Env::from_process(file.path); });
  CHECK(message == file.path.string() + ":2: unterminated double quote");
  CHECK(message.find("hunter2") == std::string::npos);
  CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("Env::unused reports unread prefixed keys, sorted") {
  const auto env = Env::from_map({{"IGNITION_PORT", "1"},
                                  {"IGNITION_PROT", "2"},
                                  {"DB_URL", "x"},
                                  {"DB", "y"},
                                  {"HOME", "/root"},
                                  {"IGNITION_EMPTY", ""}});
  (void)env.integer("IGNITION_PORT", 1, 1, 65535);
  (void)env.get("IGNITION_EMPTY");
  const std::string_view prefixes[] = {"IGNITION_", "DB"};
  CHECK(env.unused(prefixes) == std::vector<std::string>{"DB", "DB_URL", "IGNITION_PROT"});
  (void)env.get("DB_URL");
  CHECK(env.unused(prefixes) == std::vector<std::string>{"DB", "IGNITION_PROT"});
}

TEST_CASE("Env::effective shows each value in effect and never a secret") {
  const auto env = Env::from_map({{"PORT", "9000"},
                                  {"AUTH_SECRET", "s3cr3t-value"},
                                  {"S3_SECRET_ACCESS_KEY", "aws-s3cr3t"},
                                  {"GOOGLE_CLIENT_SECRET", "g-s3cr3t"},
                                  {"DATABASE_URL", "postgres://app:pa55word@db:5432/ignition?password=pa55word&x=1"},
                                  {"PG_CONNINFO", "host=db password=pa55word dbname=x"},
                                  {"LOG_LEVEL", "debug"}});
  (void)env.integer("PORT", 8080, 0, 65535);
  (void)env.integer("THREADS", 2, 1, 64);
  (void)env.duration("HTTP_READ_TIMEOUT", 15s);
  (void)env.boolean("DEV_LOGIN", false);
  (void)env.choice("LOG_LEVEL", "info", {"debug", "info"});
  (void)env.secret("AUTH_SECRET");
  (void)env.secret("METRICS_TOKEN");
  (void)env.get("S3_SECRET_ACCESS_KEY");
  (void)env.string("GOOGLE_CLIENT_SECRET", "");
  (void)env.required("DATABASE_URL");
  (void)env.get("PG_CONNINFO");
  (void)env.get("COOKIE_DOMAIN");
  using Shown = std::vector<std::pair<std::string, std::string>>;
  CHECK(env.effective() == Shown{{"AUTH_SECRET", "(set)"},
                                 {"COOKIE_DOMAIN", "(unset)"},
                                 {"DATABASE_URL", "postgres://app:***@db:5432/ignition?password=***&x=1"},
                                 {"DEV_LOGIN", "false (default)"},
                                 {"GOOGLE_CLIENT_SECRET", "(set)"},
                                 {"HTTP_READ_TIMEOUT", "15s (default)"},
                                 {"LOG_LEVEL", "debug"},
                                 {"METRICS_TOKEN", "(unset)"},
                                 {"PG_CONNINFO", "host=db password=*** dbname=x"},
                                 {"PORT", "9000"},
                                 {"S3_SECRET_ACCESS_KEY", "(set)"},
                                 {"THREADS", "2 (default)"}});
}

TEST_CASE("Env::effective hides passwords however a URL or a conninfo writes them") {
  const std::map<std::string, std::string> cases = {
      {"postgres://u:p@ss/w@db/x", "postgres://u:***@db/x"},
      {"postgres://TOKENVALUE@db:5432/x", "postgres://***@db:5432/x"},
      {"a://u:one@h1,b://u:two@h2", "a://u:***@h1,b://u:***@h2"},
      {"host=db password = s3cret dbname=x", "host=db password = *** dbname=x"},
      {"host=db password='a b\\' c' dbname=x", "host=db password=*** dbname=x"},
      {"postgres://db/x?password=s3cret&sslmode=require", "postgres://db/x?password=***&sslmode=require"},
      {"https://app.example.com", "https://app.example.com"},
  };
  for (const auto& [given, shown] : cases) {
    const auto env = Env::from_map({{"DATABASE_URL", given}});
    (void)env.string("DATABASE_URL", "");
    CHECK(env.effective() == std::vector<std::pair<std::string, std::string>>{{"DATABASE_URL", shown}});
  }
  const auto env =
      Env::from_map({{"DB_PASSWD", "x"}, {"SMTP_PWD", "x"}, {"GCP_CREDENTIALS", "x"}, {"TLS_PRIVATE", "x"}});
  for (const auto* key : {"DB_PASSWD", "SMTP_PWD", "GCP_CREDENTIALS", "TLS_PRIVATE"}) (void)env.get(key);
  for (const auto& [key, shown] : env.effective()) CHECK(shown == "(set)");
}

TEST_CASE(".env files: quotes, comments, export and escapes") {
  const TempFile file(
      "# comment\n"
      "\n"
      "IGN_TEST_PLAIN=hello world  # trailing comment\n"
      "export IGN_TEST_EXPORTED=yes\n"
      "IGN_TEST_SINGLE='single \"quoted\" # not a comment' # comment\n"
      "IGN_TEST_SQ='a \\n b'\n"
      "IGN_TEST_DQ=\"line1\\nline2 \\\"quoted\\\" # kept\" # comment\n"
      "IGN_TEST_HASH=abc#def\n"
      "IGN_TEST_EQUALS=a=b=c\r\n"
      "  IGN_TEST_SPACED = value \n"
      "IGN_TEST_EMPTY=\n"
      "IGN_TEST_COMMENT_ONLY= # nothing here\n");
  const auto env = Env::from_process(file.path);
  CHECK(env.get("IGN_TEST_PLAIN") == "hello world");
  CHECK(env.get("IGN_TEST_EXPORTED") == "yes");
  CHECK(env.get("IGN_TEST_SQ") == "a \\n b");
  CHECK(env.get("IGN_TEST_DQ") == "line1\nline2 \"quoted\" # kept");
  CHECK(env.get("IGN_TEST_HASH") == "abc#def");
  CHECK(env.get("IGN_TEST_EQUALS") == "a=b=c");
  CHECK(env.get("IGN_TEST_SPACED") == "value");
  CHECK_FALSE(env.get("IGN_TEST_EMPTY"));
  CHECK_FALSE(env.get("IGN_TEST_COMMENT_ONLY"));
  CHECK(env.get("IGN_TEST_SINGLE") == "single \"quoted\" # not a comment");
}

TEST_CASE(".env malformed lines name the file and line") {
  for (const auto* content :
       {"A=1\nnot a pair\n", "A=1\n1BAD=x\n", "A=1\nB='open\n", "A=1\nB=\"x\" y\n", "A=1\nB='x'y\n"}) {
    const TempFile file(content);
    const auto message = config_error([&] { (void)Env::from_process(file.path); });
    INFO(message);
    CHECK(message.starts_with(file.path.string() + ":2: "));
  }
}

TEST_CASE("The process environment wins over .env") {
  ::setenv("IGN_TEST_WINS", "from-environment", 1);
  const TempFile file("IGN_TEST_WINS=from-file\nIGN_TEST_ONLY_FILE=file\n");
  const auto env = Env::from_process(file.path);
  ::unsetenv("IGN_TEST_WINS");
  CHECK(env.get("IGN_TEST_WINS") == "from-environment");
  CHECK(env.get("IGN_TEST_ONLY_FILE") == "file");
  CHECK(Env::from_process(std::filesystem::path("/nonexistent/.env")).get("IGN_TEST_ONLY_FILE") == std::nullopt);
}
