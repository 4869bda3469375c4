// The domains check their own rules: a caller that is not the HTTP layer (a tool, a job, a
// test) is refused what a request would be, with the same named fields, before anything is
// written.

#include <catch2/catch.hpp>

#include <boost/asio/this_coro.hpp>

#include <ignition/admin/admin.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/feedback/feedback.hpp>
#include <ignition/focus/focus.hpp>
#include <ignition/habits/habits.hpp>
#include <ignition/ideas/ideas.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
namespace asio = boost::asio;
using testing::TestDatabase;

namespace {
// The fields of the validation error `call` throws.
template <typename Call>
std::map<std::string, std::string> refused(const std::string& url, Call call) {
  return testing::run([&]() -> asio::awaitable<std::map<std::string, std::string>> {
    db::PoolConfig config;
    config.url = url;
    config.size = 1;
    db::Pool pool(co_await asio::this_coro::executor, config);
    std::map<std::string, std::string> fields;
    try {
      co_await call(pool);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::validation_failed);
      fields = e.fields();
    }
    pool.close();
    co_return fields;
  }());
}
}  // namespace

TEST_CASE("domains refuse what breaks their rules whoever calls them, and write nothing") {
  TestDatabase database("domain_rules");
  const std::string url = database.url();
  const std::string user_id =
      database.scalar("INSERT INTO users (email, name) VALUES ('rules@example.com', 'R') RETURNING id");
  const Uuid user = *Uuid::parse(user_id);

  // Inputs are named before they are awaited with (docs/style.md: GCC 12 and co_await temporaries).
  auto focus = refused(url, [&](db::Pool& pool) -> asio::awaitable<void> {
    std::string mode = "nap";
    co_await focus::start(pool, user, std::move(mode), 30);
  });
  CHECK(focus.contains("mode"));
  CHECK(focus.at("duration_seconds") == "must be between 60 and 14400");

  auto habit = refused(url, [&](db::Pool& pool) -> asio::awaitable<void> {
    habits::NewHabit h;
    h.name = std::string(101, 'h');
    h.frequency = "hourly";
    h.target_count = 0;
    co_await habits::create(pool, user, std::move(h));
  });
  CHECK(habit.contains("name"));
  CHECK(habit.contains("frequency"));
  CHECK(habit.contains("target_count"));

  auto idea = refused(url, [&](db::Pool& pool) -> asio::awaitable<void> {
    ideas::IdeaChanges changes;
    changes.tags = domain::Change<std::vector<std::string>>::to(std::vector<std::string>(11, "t"));
    const Uuid id = Uuid::v4();
    co_await ideas::update(pool, user, id, std::move(changes));
  });
  CHECK(idea.contains("tags"));

  auto feedback = refused(url, [&](db::Pool& pool) -> asio::awaitable<void> {
    feedback::NewFeedback input{"praise", "", std::nullopt, std::nullopt};
    co_await feedback::submit(pool, user, std::move(input));
  });
  CHECK(feedback.contains("kind"));
  CHECK(feedback.contains("message"));

  auto wallet = refused(url, [&](db::Pool& pool) -> asio::awaitable<void> {
    const admin::Actor actor{std::nullopt, "cli:test", std::nullopt, std::nullopt};
    admin::Adjustment nothing{0, 0, ""};
    co_await admin::adjust_wallet(pool, actor, user, std::move(nothing));
  });
  CHECK(wallet.contains("coins"));
  CHECK(wallet.contains("reason"));

  for (const char* table : {"focus_sessions", "habits", "feedback", "points_ledger", "admin_audit_log"}) {
    INFO(table);
    CHECK(database.scalar(std::string("SELECT count(*) FROM ") + table) == "0");
  }
}
