// ignition-admin: the admin area from a terminal, on the same libraries and configuration
// as the server (no HTTP). Changes are audited with the actor "cli:<os user>".
//
//   ignition-admin users list [--query TEXT] [--limit N]
//   ignition-admin users show|promote|demote|delete EMAIL
//   ignition-admin sessions list|revoke EMAIL
//   ignition-admin sessions cleanup
//   ignition-admin audit tail [--limit N]
//   ignition-admin export-user EMAIL
//   ignition-admin stats
// Options anywhere: --json (JSON instead of tables), --yes (no confirmation questions).

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <ignition/common/parse.hpp>
#include <iostream>

#include <ignition/admin/admin.hpp>
#include <ignition/auth/config.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/blobs/blobs.hpp>
#include <ignition/common/env.hpp>
#include <ignition/common/error.hpp>
#include <ignition/common/json.hpp>
#include <ignition/common/log.hpp>
#include <ignition/common/version.hpp>
#include <ignition/db/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/users/users.hpp>

namespace asio = boost::asio;
using namespace ignition;

namespace {

constexpr const char* usage =
    "usage: ignition-admin [--json] [--yes] COMMAND\n"
    "  users list [--query TEXT] [--limit N]\n"
    "  users show|promote|demote|delete EMAIL\n"
    "  sessions list|revoke EMAIL\n"
    "  sessions cleanup\n"
    "  audit tail [--limit N]\n"
    "  export-user EMAIL\n"
    "  stats\n"
    "       ignition-admin --version | --help\n";

// A command line that is not a command: the usage, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A command with a bad argument (an email that is not one): one line, exit code 2.
struct BadArgument : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  bool help = false;
  bool version = false;
  bool json = false;
  bool yes = false;
  std::optional<std::string> query;
  int limit = 50;
  std::vector<std::string> words;  // the command and its arguments
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw BadArgument(fmt::format("{} needs a value", arg));
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--version") {
      o.version = true;
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--yes" || arg == "-y") {
      o.yes = true;
    } else if (arg == "--query") {
      o.query = value();
    } else if (arg == "--limit") {
      const auto limit = parse_integer<int>(value());
      if (!limit || *limit < 1 || *limit > 100) throw BadArgument("--limit must be 1..100");
      o.limit = *limit;
    } else if (arg.starts_with("-")) {
      throw UsageError(fmt::format("unknown option {}", arg));
    } else {
      o.words.emplace_back(arg);
    }
  }
  return o;
}

std::string cell(const boost::json::value& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return std::string(v.as_string());
  return boost::json::serialize(v);
}

// Rows as an aligned table of the given columns.
void print_table(const boost::json::array& rows, const std::vector<std::string>& columns) {
  std::vector<std::size_t> widths;
  for (const auto& c : columns) widths.push_back(c.size());
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rows) {
    auto& line = cells.emplace_back();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto* v = row.as_object().if_contains(columns[i]);
      line.push_back(v ? cell(*v) : "");
      widths[i] = std::max(widths[i], json::utf8_length(line.back()));
    }
  }
  const auto print_line = [&](const std::vector<std::string>& line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) out += std::string(widths[i] - json::utf8_length(line[i]) + 2, ' ');
    }
    fmt::print("{}\n", out);
  };
  print_line(columns);
  for (const auto& line : cells) print_line(line);
}

// Nested objects flattened to "outer.inner" keys.
void flatten(const boost::json::object& object, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& entry : object) {
    const std::string key = prefix + std::string(entry.key());
    if (entry.value().is_object()) {
      flatten(entry.value().as_object(), key + ".", out);
    } else {
      out.emplace_back(key, cell(entry.value()));
    }
  }
}

// An object as "key  value" lines, the values in one column whatever the keys' length.
void print_fields(const boost::json::object& object) {
  std::vector<std::pair<std::string, std::string>> fields;
  flatten(object, "", fields);
  std::size_t width = 0;
  for (const auto& field : fields) width = std::max(width, json::utf8_length(field.first));
  for (const auto& [key, value] : fields) {
    fmt::print("{}{}{}\n", key, std::string(width - json::utf8_length(key) + 2, ' '), value);
  }
}

void print(const Options& o, const boost::json::value& result, const std::vector<std::string>& columns = {}) {
  if (o.json) {
    fmt::print("{}\n", boost::json::serialize(result));
  } else if (result.is_array()) {
    print_table(result.as_array(), columns);
  } else {
    print_fields(result.as_object());
  }
}

// Destructive commands ask first; without a terminal to ask on, only --yes proceeds.
void confirm(const Options& o, const std::string& question) {
  if (o.yes) return;
  if (!isatty(STDIN_FILENO)) throw std::runtime_error(question + " Refused: no terminal to ask on; pass --yes");
  std::cerr << question << " [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "y" && answer != "yes") throw std::runtime_error("cancelled");
}

std::string os_user() {
  if (const auto* pw = getpwuid(geteuid())) return pw->pw_name;
  const char* user = std::getenv("USER");
  return user ? user : std::to_string(geteuid());
}

// The EMAIL that is the last word of a command of `words` words.
std::string email_argument(const Options& o, std::size_t words) {
  if (o.words.size() != words) throw BadArgument("expected one EMAIL");
  const std::string& email = o.words.back();
  if (email.size() > 320 || email.find('@') == std::string::npos || email.front() == '@' ||
      email.find_first_of(" \t\r\n") != std::string::npos)
    throw BadArgument(fmt::format("not an email address: {}", email));
  return email;
}

boost::json::array page_items(const domain::Page& page) { return boost::json::parse(page.items).as_array(); }

asio::awaitable<int> run(Options o, db::Pool& pool, auth::SessionStore& sessions, std::filesystem::path storage_dir) {
  const admin::Actor actor{std::nullopt, "cli:" + os_user(), std::nullopt, std::nullopt};
  const std::string group = o.words.empty() ? "" : o.words[0];
  const std::string verb = o.words.size() > 1 ? o.words[1] : "";

  if (group == "users" && verb == "list" && o.words.size() == 2) {
    const domain::PageRequest page{o.limit, std::nullopt};
    auto found = co_await admin::search_users(pool, o.query, page);
    print(o, page_items(found), {"email", "name", "role", "created_at", "last_login_at"});
  } else if (group == "users" && (verb == "show" || verb == "promote" || verb == "demote" || verb == "delete")) {
    const std::string email = email_argument(o, 3);
    const Uuid id = co_await admin::user_by_email(pool, email);
    if (verb == "show") {
      auto user = co_await admin::user(pool, id);
      print(o, user);
    } else if (verb == "delete") {
      confirm(o, fmt::format("Delete {} and everything they own?", email));
      // Their files first, as the server does (STORAGE_DIR, the same setting).
      auto store = storage::local_store(storage_dir);
      co_await blobs::remove_all_objects(*store, id);
      co_await admin::delete_user(pool, sessions, actor, id);
      print(o, boost::json::object{{"deleted", email}});
    } else {
      if (verb == "demote") confirm(o, fmt::format("Demote {} to a normal user?", email));
      const std::string role = verb == "promote" ? "admin" : "user";
      auto user = co_await admin::set_role(pool, sessions, actor, id, role);
      print(o, user);
    }
  } else if (group == "sessions" && (verb == "list" || verb == "revoke")) {
    const std::string email = email_argument(o, 3);
    const Uuid id = co_await admin::user_by_email(pool, email);
    if (verb == "list") {
      auto live = co_await admin::sessions_of(pool, id);
      print(o, live, {"id", "created_at", "last_active_at", "expires_at", "ip"});
    } else {
      confirm(o, fmt::format("Sign {} out everywhere?", email));
      const auto revoked = co_await admin::revoke_sessions(pool, sessions, actor, id);
      print(o, boost::json::object{{"revoked", revoked}});
    }
  } else if (group == "sessions" && verb == "cleanup" && o.words.size() == 2) {
    const auto deleted = co_await admin::cleanup_sessions(pool, sessions, actor);
    print(o, boost::json::object{{"deleted", deleted}});
  } else if (group == "audit" && verb == "tail" && o.words.size() == 2) {
    auto log = co_await admin::audit_log(pool, o.limit, std::nullopt);
    print(o, page_items(log), {"id", "created_at", "actor", "action", "target_type", "target_id"});
  } else if (group == "export-user") {
    const std::string email = email_argument(o, 2);
    const Uuid id = co_await admin::user_by_email(pool, email);
    const users::Write out = [](std::string_view piece) -> asio::awaitable<void> {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      co_return;
    };
    co_await users::export_json(pool, id, out);
    std::fputc('\n', stdout);
  } else if (group == "stats" && o.words.size() == 1) {
    auto counts = co_await admin::stats(pool);
    print(o, counts);
  } else {
    throw UsageError(o.words.empty() ? "no command" : fmt::format("unknown command: {}", fmt::join(o.words, " ")));
  }
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are this program's output; the libraries' warnings (a development AUTH_SECRET)
  // would only be noise here.
  log::configure(log::Level::error, log::Format::json, stderr);
  try {
    Options options = parse(argc, argv);
    if (options.help) {
      std::cout << usage;
      return 0;
    }
    if (options.version) {
      std::cout << "ignition-admin " << version() << "\n";
      return 0;
    }
    Env env = Env::for_program();
    const bool production = env.string("APP_ENV", "development") == "production";
    auto pool_config = db::PoolConfig::from_env(env);
    pool_config.size = 2;
    const auto auth_config = auth::AuthConfig::from_env(env, production);
    asio::io_context io;
    db::Pool pool(io.get_executor(), pool_config);
    auth::SessionStore sessions(pool, auth_config);  // no cache: nothing to listen for
    const std::filesystem::path storage_dir = env.string("STORAGE_DIR", "storage");
    auto result = asio::co_spawn(io, run(std::move(options), pool, sessions, storage_dir), asio::use_future);
    io.run();
    return result.get();
  } catch (const UsageError& e) {
    std::cerr << "ignition-admin: " << e.what() << "\n" << usage;
    return 2;
  } catch (const BadArgument& e) {
    std::cerr << "ignition-admin: " << e.what() << "\n";
    return 2;
  } catch (const Error& e) {
    std::string fields;
    for (const auto& [field, problem] : e.fields()) fields += fmt::format(" ({} {})", field, problem);
    std::cerr << "ignition-admin: " << e.what() << fields << "\n";
    return 1;
  } catch (const std::exception& e) {
    // One line: libpq's messages go on with hints on further lines.
    const std::string_view message = e.what();
    std::cerr << "ignition-admin: " << message.substr(0, message.find('\n')) << "\n";
    return 1;
  }
}
