#include <catch2/catch.hpp>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <ignition/auth/audit.hpp>
#include <ignition/auth/sessions.hpp>
#include <ignition/auth/tokens.hpp>
#include <ignition/auth/users.hpp>
#include <ignition/db/listener.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/testing/postgres.hpp>

using namespace ignition;
using namespace ignition::auth;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using testing::run;

namespace {
const std::optional<std::string> no_role;

AuthConfig config_for_tests() {
  return AuthConfig::from_env(Env::from_map({{"AUTH_SECRET", std::string(32, 'k')}}), false);
}

db::PoolConfig pool_config(const std::string& url) {
  db::PoolConfig c;
  c.url = url;
  c.size = 4;
  return c;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// Coroutine parameters: references to the caller's named objects (see docs/style.md).
asio::awaitable<NewSession> signed_in(db::Pool& pool, SessionStore& store, const char* email,
                                      const std::optional<std::string>& role = no_role) {
  auto tx = co_await db::Transaction::begin(pool);
  std::optional<std::string> name;
  std::vector<std::string> no_admins;
  std::string address(email);
  auto outcome = co_await dev_sign_in(tx, address, name, role, no_admins);
  auto created = co_await store.create(tx, outcome.user, "192.0.2.1", "test-agent");
  co_await tx.commit();
  co_return created;
}

ExternalIdentity identity(std::string provider, std::string account, std::string email, bool verified) {
  return ExternalIdentity{std::move(provider), std::move(account), std::move(email), verified,
                          std::nullopt,        std::nullopt};
}

const std::vector<std::string> no_admins_list;

asio::awaitable<SignInOutcome> external_sign_in(db::Pool& pool, const ExternalIdentity& who,
                                                const std::vector<std::string>& admins = no_admins_list) {
  auto tx = co_await db::Transaction::begin(pool);
  auto outcome = co_await sign_in(tx, who, admins);
  co_await tx.commit();
  co_return outcome;
}
}  // namespace

TEST_CASE("a session is valid only while known, unexpired, unrevoked, recently active and its user exists") {
  testing::TestDatabase database("auth");
  auto config = config_for_tests();
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    SessionStore store(pool, config);
    auto s = co_await signed_in(pool, store, "valid@example.com");
    auto p = co_await store.validate(s.token);
    REQUIRE(p);
    CHECK(p->user.email == "valid@example.com");
    CHECK(p->session.id == s.session.id);
    CHECK(p->session.ip == "192.0.2.1");
    CHECK(p->session.expires_at - p->session.created_at == std::chrono::hours(24 * 30));
    auto awaited_82 = co_await store.validate("garbage");
    CHECK_FALSE(static_cast<bool>(awaited_82));
    auto awaited_83 = co_await store.validate("");
    CHECK_FALSE(static_cast<bool>(awaited_83));
    auto unknown = new_session_token();
    auto awaited_85 = co_await store.validate(unknown);
    CHECK_FALSE(static_cast<bool>(awaited_85));

    std::string id = s.session.id.to_string();
    database.scalar(
        "UPDATE sessions SET last_active_at = now() - interval '8 days', created_at = now() - interval '9 days' WHERE "
        "id = '" +
        id + "'");
    auto awaited_89 = co_await store.validate(s.token);
    CHECK_FALSE(static_cast<bool>(awaited_89));  // idle for more than 7 days
    database.scalar(
        "UPDATE sessions SET last_active_at = now(), expires_at = now() - interval '1 second' WHERE id = '" + id + "'");
    auto awaited_91 = co_await store.validate(s.token);
    CHECK_FALSE(static_cast<bool>(awaited_91));  // past its absolute expiry

    auto t = co_await signed_in(pool, store, "revoked@example.com");
    auto validated = co_await store.validate(t.token);
    REQUIRE(validated);
    auto owner = validated->user;
    bool revoked_by_other = co_await store.revoke(p->user.id, t.session.id);
    CHECK_FALSE(revoked_by_other);  // not theirs
    bool revoked = co_await store.revoke(owner.id, t.session.id);
    CHECK(revoked);
    auto awaited_101 = co_await store.validate(t.token);
    CHECK_FALSE(static_cast<bool>(awaited_101));
    auto awaited_102 = co_await store.revoke(owner.id, t.session.id);
    CHECK_FALSE(static_cast<bool>(awaited_102));  // twice

    auto u = co_await signed_in(pool, store, "deleted@example.com");
    database.scalar("DELETE FROM users WHERE email = 'deleted@example.com'");
    auto awaited_106 = co_await store.validate(u.token);
    CHECK_FALSE(static_cast<bool>(awaited_106));
  }());
  // Only hashes are stored: the raw token is nowhere in the table.
  CHECK(database.scalar("SELECT count(*) FROM sessions WHERE length(token_hash) <> 32") == "0");
}

TEST_CASE("admin sessions are shorter and idle out after an hour") {
  testing::TestDatabase database("auth");
  auto config = config_for_tests();
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    SessionStore store(pool, config);
    std::optional<std::string> admin_role("admin");
    auto admin = co_await signed_in(pool, store, "admin@example.com", admin_role);
    auto user = co_await signed_in(pool, store, "user@example.com");
    CHECK(admin.session.expires_at - admin.session.created_at == std::chrono::hours(12));
    database.scalar(
        "UPDATE sessions SET last_active_at = now() - interval '2 hours', created_at = now() - interval '3 hours'");
    auto awaited_123 = co_await store.validate(admin.token);
    CHECK_FALSE(static_cast<bool>(awaited_123));
    auto awaited_124 = co_await store.validate(user.token);
    CHECK(static_cast<bool>(awaited_124));
  }());
}

TEST_CASE(
    "last_active_at is written at most once a minute, at least every 90 seconds, and never while a request waits") {
  testing::TestDatabase database("auth");
  auto config = config_for_tests();
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    SessionStore store(pool, config);
    auto s = co_await signed_in(pool, store, "touch@example.com");
    std::string id = s.session.id.to_string();
    auto last_active = [&] { return database.scalar("SELECT last_active_at FROM sessions WHERE id = '" + id + "'"); };
    auto last_active_ago = [&](const std::string& interval) {
      database.scalar("UPDATE sessions SET last_active_at = now() - interval '" + interval +
                      "', created_at = now() - interval '3 minutes' WHERE id = '" + id + "'");
    };
    auto before = last_active();
    for (int i = 0; i < 5; ++i) co_await store.validate(s.token);
    co_await store.write_activity();
    CHECK(last_active() == before);
    // Due after 60 s plus up to 30 s chosen by the session id: never at 59 s, always at 91 s.
    last_active_ago("59 seconds");
    const auto at_59 = last_active();
    co_await store.validate(s.token);
    co_await store.write_activity();
    CHECK(last_active() == at_59);
    last_active_ago("91 seconds");
    const auto at_91 = last_active();
    co_await store.validate(s.token);
    co_await store.validate(s.token);
    CHECK(last_active() == at_91);  // marked for the next write, not written while the request waits
    const auto written = co_await store.write_activity();
    CHECK(written == 1);  // once, however many requests marked it
    CHECK(database.scalar("SELECT last_active_at > now() - interval '5 seconds' FROM sessions WHERE id = '" + id +
                          "'") == "t");
    const auto again = co_await store.write_activity();
    CHECK(again == 0);
  }());
}

TEST_CASE("a revocation on one instance reaches another instance's cache within a second") {
  testing::TestDatabase database("auth");
  auto config = config_for_tests();
  run(
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        db::Pool pool_a(ex, pool_config(database.url()));
        db::Pool pool_b(ex, pool_config(database.url()));
        SessionStore a(pool_a, config);
        SessionStore b(pool_b, config);
        db::Listener listener_a(ex, database.url());
        db::Listener listener_b(ex, database.url());
        a.attach(listener_a);
        b.attach(listener_b);
        listener_a.start();
        listener_b.start();
        for (int i = 0; i < 100 && !(listener_a.connected() && listener_b.connected()); ++i) co_await sleep_for(20ms);

        auto s = co_await signed_in(pool_a, a, "cached@example.com");
        auto other = co_await signed_in(pool_a, a, "cached@example.com");
        auto awaited_164 = co_await b.validate(s.token);
        REQUIRE(static_cast<bool>(awaited_164));
        auto awaited_165 = co_await b.validate(s.token);
        REQUIRE(static_cast<bool>(awaited_165));  // from the cache now
        CHECK(b.cache_stats().hits >= 1);

        auto owner = s.session.user_id;
        bool revoked = co_await a.revoke(owner, s.session.id);
        CHECK(revoked);
        bool gone = false;
        auto started = std::chrono::steady_clock::now();
        while (!gone && std::chrono::steady_clock::now() - started < 1s) {
          gone = !(co_await b.validate(s.token));
          if (!gone) co_await sleep_for(10ms);
        }
        CHECK(gone);
        auto awaited_178 = co_await b.validate(other.token);
        CHECK(static_cast<bool>(awaited_178));  // the user's other session is untouched

        // Revoking all of a user's sessions (role change, deletion) clears them everywhere.
        {
          auto tx = co_await db::Transaction::begin(pool_a);
          co_await SessionStore::revoke_all(tx, owner);
          co_await tx.commit();
        }
        gone = false;
        started = std::chrono::steady_clock::now();
        while (!gone && std::chrono::steady_clock::now() - started < 1s) {
          gone = !(co_await b.validate(other.token));
          if (!gone) co_await sleep_for(10ms);
        }
        CHECK(gone);
        listener_a.stop();
        listener_b.stop();
        co_await sleep_for(50ms);
      }(),
      2);
}

TEST_CASE("a session read from the database while a revocation notice arrives answers that request but is not cached") {
  testing::TestDatabase database("auth");
  auto config = config_for_tests();
  run(
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        db::Pool pool(ex, pool_config(database.url()));
        db::Pool locker_pool(ex, pool_config(database.url()));
        SessionStore store(pool, config);
        db::Listener listener(ex, database.url());
        store.attach(listener);
        listener.start();
        for (int i = 0; i < 100 && !listener.connected(); ++i) co_await sleep_for(20ms);
        REQUIRE(listener.connected());
        auto s = co_await signed_in(pool, store, "race@example.com");

        // The read waits inside Postgres behind a lock while the notice arrives. (The notice names
        // another session: any drop may mean the read is older than a revocation.)
        auto locker = co_await db::Transaction::begin(locker_pool);
        co_await locker.execute(db::Statement{"lock_sessions", "LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE"});
        PrincipalPtr answered;
        std::atomic<bool> done = false;
        asio::co_spawn(
            ex,
            [&]() -> asio::awaitable<void> {
              answered = co_await store.validate(s.token);
              done = true;
            },
            asio::detached);
        for (int i = 0; i < 200 && database.scalar("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                                                   "'Lock' AND datname = current_database()") != "1";
             ++i) {
          co_await sleep_for(10ms);
        }
        REQUIRE_FALSE(done);
        const auto revocations = store.cache_stats().revocations;
        database.scalar("SELECT pg_notify('" + std::string(revocation_channel) + "', 's:" + Uuid::v4().to_string() +
                        "')");
        for (int i = 0; i < 100 && store.cache_stats().revocations == revocations; ++i) co_await sleep_for(10ms);
        REQUIRE(store.cache_stats().revocations > revocations);
        co_await locker.rollback();
        for (int i = 0; i < 200 && !done; ++i) co_await sleep_for(10ms);
        REQUIRE(done);
        CHECK(static_cast<bool>(answered));  // live when read: this request is answered
        CHECK_FALSE(store.cached(s.token));  // but the read is not kept
        auto again = co_await store.validate(s.token);
        CHECK(static_cast<bool>(again));
        CHECK(static_cast<bool>(store.cached(s.token)));  // a read with no drop meanwhile is kept
        listener.stop();
        co_await sleep_for(50ms);
      }(),
      2);
}

TEST_CASE("revoke-others counts the live sessions it ends, and a hostile user agent is stored cleaned") {
  testing::TestDatabase database("auth");
  auto config = config_for_tests();
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    SessionStore store(pool, config);
    auto kept = co_await signed_in(pool, store, "others@example.com");
    auto live = co_await signed_in(pool, store, "others@example.com");
    auto expired = co_await signed_in(pool, store, "others@example.com");
    database.scalar(
        "UPDATE sessions SET created_at = now() - interval '1 day', last_active_at = now() - interval "
        "'1 hour', expires_at = now() - interval '1 second' WHERE id = '" +
        expired.session.id.to_string() + "'");
    auto ended = co_await store.revoke_others(kept.session.user_id, kept.session.id);
    CHECK(ended == 1);
    auto still = co_await store.validate(kept.token);
    CHECK(static_cast<bool>(still));
    auto gone = co_await store.validate(live.token);
    CHECK_FALSE(gone);

    // Invalid UTF-8, a NUL and more than 1,024 characters: Postgres would refuse the raw bytes.
    std::string agent = "Mozilla/5.0 \xff\xfe" + std::string(1, '\0') + std::string(2000, 'a');
    auto tx = co_await db::Transaction::begin(pool);
    std::optional<std::string> name;
    std::vector<std::string> no_admins;
    std::string email = "agent@example.com";
    auto outcome = co_await dev_sign_in(tx, email, name, no_role, no_admins);
    auto created = co_await store.create(tx, outcome.user, "192.0.2.1", agent);
    co_await tx.commit();
    CHECK(database.scalar("SELECT length(user_agent) FROM sessions WHERE id = '" + created.session.id.to_string() +
                          "'") == "1024");
    CHECK(database.scalar("SELECT left(user_agent, 13) FROM sessions WHERE id = '" + created.session.id.to_string() +
                          "'") == "Mozilla/5.0 a");
  }());
}

TEST_CASE("sign-in links by provider account first, by verified email second, never by an unverified one") {
  testing::TestDatabase database("auth");
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    auto google = identity("google", "g-sub-1", "person@example.com", true);
    auto first = co_await external_sign_in(pool, google);
    CHECK(first.created);
    auto again = co_await external_sign_in(pool, google);
    CHECK_FALSE(again.created);
    CHECK(again.user.id == first.user.id);

    // The same person through Microsoft, with a proven email: one user, two accounts.
    auto microsoft = identity("microsoft", "tenant:oid-1", "person@example.com", true);
    auto linked = co_await external_sign_in(pool, microsoft);
    CHECK(linked.user.id == first.user.id);

    // An unproven email never takes over an existing user, nor claims a new one.
    auto attacker = identity("microsoft", "evil-tenant:oid-2", "person@example.com", false);
    std::string code;
    try {
      co_await external_sign_in(pool, attacker);
    } catch (const SignInRefused& e) {
      code = e.code();
    }
    CHECK(code == "email_not_verified");
    code.clear();
    auto unproven = identity("google", "g-sub-2", "new@example.com", false);
    try {
      co_await external_sign_in(pool, unproven);
    } catch (const SignInRefused& e) {
      code = e.code();
    }
    CHECK(code == "email_not_verified");
  }());
  CHECK(database.scalar("SELECT count(*) FROM users") == "1");
  CHECK(database.scalar("SELECT count(*) FROM accounts") == "2");
}

TEST_CASE("a proved sign-in joins an imported user whose address nobody proved only if no one else can") {
  testing::TestDatabase database("auth");
  // As the D1 import leaves them: no proof of either address. Ann's only link is the old app's
  // azure-ad row, which no sign-in reaches; Bob's email was typed by whoever holds a Google link.
  const std::string ann = database.scalar("INSERT INTO users (email) VALUES ('ann@example.com') RETURNING id");
  database.scalar("INSERT INTO accounts (user_id, provider, provider_account_id) VALUES ('" + ann +
                  "', 'azure-ad', 'legacy-oid') RETURNING 1");
  const std::string bob = database.scalar("INSERT INTO users (email) VALUES ('bob@example.com') RETURNING id");
  database.scalar("INSERT INTO accounts (user_id, provider, provider_account_id) VALUES ('" + bob +
                  "', 'google', 'g-planted') RETURNING 1");
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    const auto ann_microsoft = identity("microsoft", "tid:oid-ann", "ann@example.com", true);
    auto ann_signs_in = co_await external_sign_in(pool, ann_microsoft);
    CHECK(ann_signs_in.user.id.to_string() == ann);

    const auto bob_microsoft = identity("microsoft", "tid:oid-bob", "bob@example.com", true);
    const auto bob_google = identity("google", "g-planted", "bob@example.com", true);
    std::string code;
    try {
      co_await external_sign_in(pool, bob_microsoft);
    } catch (const SignInRefused& e) {
      code = e.code();
    }
    CHECK(code == "account_not_linked");
    // The Google link still signs in as before, and its proof of the address opens the way.
    auto planted = co_await external_sign_in(pool, bob_google);
    CHECK(planted.user.id.to_string() == bob);
    auto bob_signs_in = co_await external_sign_in(pool, bob_microsoft);
    CHECK(bob_signs_in.user.id.to_string() == bob);
  }());
  CHECK(database.scalar("SELECT count(*) FROM users WHERE email_verified_at IS NOT NULL") == "2");
  CHECK(database.scalar("SELECT count(*) FROM accounts WHERE provider = 'microsoft'") == "2");
}

TEST_CASE("ADMIN_EMAILS promotes at sign-in and the role change revokes older sessions") {
  testing::TestDatabase database("auth");
  auto config = config_for_tests();
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    SessionStore store(pool, config);
    auto old = co_await signed_in(pool, store, "boss@example.com");
    auto awaited_245 = co_await store.validate(old.token);
    REQUIRE(static_cast<bool>(awaited_245));
    auto boss = identity("google", "boss", "boss@example.com", true);
    std::vector<std::string> admins{"boss@example.com"};
    auto promoted = co_await external_sign_in(pool, boss, admins);
    CHECK(promoted.user.is_admin());
    CHECK(promoted.role_changed);
    auto awaited_251 = co_await store.validate(old.token);
    CHECK_FALSE(static_cast<bool>(awaited_251));
  }());
}

TEST_CASE("cleanup deletes expired and long-revoked sessions and expired OAuth states") {
  testing::TestDatabase database("auth");
  auto config = config_for_tests();
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    SessionStore store(pool, config);
    auto live = co_await signed_in(pool, store, "live@example.com");
    co_await signed_in(pool, store, "expired@example.com");
    database.scalar(
        "UPDATE sessions SET created_at = now() - interval '40 days', last_active_at = now() - interval '40 days', "
        "expires_at = now() - interval '10 days' FROM users u WHERE u.id = sessions.user_id AND u.email = "
        "'expired@example.com'");
    database.scalar(
        "INSERT INTO oauth_states (state_hash, provider, nonce, code_verifier, expires_at) "
        "VALUES (sha256('x'), 'google', 'n', 'v', now() - interval '1 minute')");
    auto awaited_267 = co_await store.count_active();
    CHECK(awaited_267 == 1);
    auto awaited_268 = co_await store.delete_expired();
    CHECK(awaited_268 == 2);
    auto awaited_269 = co_await store.delete_expired();
    CHECK(awaited_269 == 0);  // idempotent, safe on several instances
    auto awaited_270 = co_await store.validate(live.token);
    CHECK(static_cast<bool>(awaited_270));
  }());
}

TEST_CASE("cleanup keeps an admin session that its own idle limit still allows, however the user limit is set") {
  testing::TestDatabase database("auth");
  auto config = AuthConfig::from_env(Env::from_map({{"AUTH_SECRET", std::string(32, 'k')},
                                                    {"SESSION_IDLE_TTL", "1h"},
                                                    {"ADMIN_SESSION_IDLE_TTL", "4h"},
                                                    {"ADMIN_SESSION_TTL", "12h"}}),
                                     false);
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    SessionStore store(pool, config);
    const std::optional<std::string> admin = "admin";
    auto s = co_await signed_in(pool, store, "idle-admin@example.com", admin);
    database.scalar(
        "UPDATE sessions SET created_at = now() - interval '3 hours', last_active_at = now() - interval "
        "'2 hours' WHERE id = '" +
        s.session.id.to_string() + "'");
    auto deleted = co_await store.delete_expired();
    CHECK(deleted == 0);
    auto still = co_await store.validate(s.token);
    CHECK(static_cast<bool>(still));  // 2 h idle is within the admin limit of 4 h
  }());
}

TEST_CASE("audit rows are written inside the caller's transaction") {
  testing::TestDatabase database("auth");
  run([&]() -> asio::awaitable<void> {
    db::Pool pool(co_await asio::this_coro::executor, pool_config(database.url()));
    AuditEntry entry;
    entry.actor = "cli:root";
    entry.action = "user.role_changed";
    entry.target_type = "user";
    entry.target_id = "x";
    entry.before = boost::json::object{{"role", "user"}};
    entry.after = boost::json::object{{"role", "admin"}};
    entry.ip = "192.0.2.4";
    {
      auto tx = co_await db::Transaction::begin(pool);
      co_await write_audit(tx, entry);
      // not committed: rolled back with the change it records
    }
    auto tx = co_await db::Transaction::begin(pool);
    co_await write_audit(tx, entry);
    co_await tx.commit();
  }());
  CHECK(database.scalar("SELECT count(*) FROM admin_audit_log") == "1");
  CHECK(database.scalar("SELECT after->>'role' FROM admin_audit_log") == "admin");
}
