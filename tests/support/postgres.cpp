#include <ignition/testing/postgres.hpp>

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ignition::testing {

namespace {
std::string env_path(const char* name) {
  const char* v = std::getenv(name);
  if (!v) throw std::runtime_error(std::string(name) + " is not set: run the tests through ctest");
  return v;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Blocking libpq is fine here: this is test set-up, not the server's event loop.
PGconn* connect(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string e = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("test database connection failed: " + e);
  }
  return c;
}

std::string first_value(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  auto status = PQresultStatus(r);
  std::string out;
  if (status == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  std::string error = PQresultErrorMessage(r);
  PQclear(r);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw std::runtime_error(sql + ": " + error);
  return out;
}

std::string exec(const std::string& conninfo, const std::string& sql) {
  PGconn* c = connect(conninfo);
  try {
    auto out = first_value(c, sql);
    PQfinish(c);
    return out;
  } catch (...) {
    PQfinish(c);
    throw;
  }
}

std::string with_dbname(std::string conninfo, const std::string& db) {
  auto at = conninfo.find("dbname=");
  return conninfo.substr(0, at) + "dbname=" + db;
}
}  // namespace

std::filesystem::path binary_dir() { return env_path("IGNITION_BINARY_DIR"); }
std::filesystem::path source_dir() { return env_path("IGNITION_SOURCE_DIR"); }
std::string admin_conninfo() { return read_file(std::filesystem::path(env_path("IGNITION_TEST_PG_DIR")) / "conninfo"); }

void shell(const std::string& command) {
  std::string full = command + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + command);
  std::string output;
  char buf[512];
  while (auto n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  int status = pclose(p);
  if (status != 0) throw std::runtime_error(command + " failed: " + output);
}

TestDatabase::TestDatabase(std::string_view hint, Schema schema) {
  static std::atomic<int> counter{0};
  name_ = "t_" + std::string(hint) + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  std::string tmpl = schema == Schema::migrated ? "ignition_template" : "template1";
  exec(admin_conninfo(), "CREATE DATABASE \"" + name_ + "\" TEMPLATE " + tmpl);
  url_ = with_dbname(admin_conninfo(), name_);
}

TestDatabase::~TestDatabase() {
  try {
    exec(admin_conninfo(), "DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
  } catch (...) {}
}

std::string TestDatabase::scalar(const std::string& sql) const { return exec(url_, sql); }

SqlSession::SqlSession(const std::string& conninfo) : conn_(connect(conninfo)) {}
SqlSession::~SqlSession() { PQfinish(conn_); }
std::string SqlSession::scalar(const std::string& sql) { return first_value(conn_, sql); }

PgCluster::PgCluster(std::string_view name) : dir_(binary_dir() / "test-clusters" / std::string(name)) {
  std::filesystem::create_directories(dir_.parent_path());
  start();
}

PgCluster::~PgCluster() {
  try {
    stop();
    std::filesystem::remove_all(dir_);
  } catch (...) {}
}

void PgCluster::start() {
  shell("PG_FAST=1 " + (source_dir() / "scripts/pg_cluster.sh").string() + " start " + dir_.string());
}
void PgCluster::stop() { shell((source_dir() / "scripts/pg_cluster.sh").string() + " stop " + dir_.string()); }

std::string PgCluster::create_database(const std::string& name) {
  shell((source_dir() / "scripts/pg_cluster.sh").string() + " createdb " + dir_.string() + " " + name);
  return with_dbname(read_file(dir_ / "conninfo"), name);
}

}  // namespace ignition::testing
