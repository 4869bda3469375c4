#include <ignition/quests/quests.hpp>

#include <ignition/activity/activity.hpp>
#include <ignition/common/error.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/gamification/gamification.hpp>

namespace ignition::quests {

namespace {

// Every quest the user sees, in one shape; $1 is the user.
#define USER_QUESTS                                                                                 \
  "(SELECT q.id, 'universal' AS kind, q.title, q.description, q.type AS category, q.target,"        \
  " coalesce(p.progress, 0) AS progress, coalesce(p.status, 'available') AS status, q.xp_reward,"   \
  " q.coin_reward, p.completed_at, q.created_at FROM universal_quests q"                            \
  " LEFT JOIN user_quest_progress p ON p.quest_id = q.id AND p.user_id = $1 WHERE q.is_active"      \
  " UNION ALL SELECT id, 'own', title, description, category, target, progress, status, xp_reward," \
  " coin_reward, completed_at, created_at FROM quests WHERE user_id = $1) uq"

const db::Statement list_statement{"quests_list", "SELECT * FROM " USER_QUESTS
                                                  " WHERE (created_at, id) < ($2::timestamptz, $3::uuid)"
                                                  " ORDER BY created_at DESC, id DESC LIMIT $4"};
const db::Statement get_statement{"quests_get", "SELECT * FROM " USER_QUESTS " WHERE id = $2"};
const db::Statement insert_statement{
    "quests_insert",
    "INSERT INTO quests (user_id, title, description, category, target, xp_reward, coin_reward)"
    " VALUES ($1, $2, $3, $4, $5, $6, 0) RETURNING id"};
const db::Statement own_progress_statement{
    "quests_own_progress",
    "UPDATE quests SET progress = least(target, progress + $3), status = 'accepted',"
    " accepted_at = coalesce(accepted_at, now()), updated_at = now()"
    " WHERE id = $2 AND user_id = $1 AND status <> 'completed' RETURNING id"};
const db::Statement universal_progress_statement{
    "quests_universal_progress",
    "INSERT INTO user_quest_progress AS p (user_id, quest_id, progress, status, accepted_at)"
    " SELECT $1, q.id, least(q.target, $3), 'accepted', now() FROM universal_quests q WHERE q.id = $2 AND q.is_active"
    " ON CONFLICT (user_id, quest_id) DO UPDATE SET status = 'accepted', updated_at = now(),"
    " progress = least((SELECT target FROM universal_quests WHERE id = $2), p.progress + $3),"
    " accepted_at = coalesce(p.accepted_at, now()) WHERE NOT p.completed RETURNING id"};
// The status change is the guard: of any number of concurrent completions exactly one
// returns a row, and only that one pays.
const db::Statement own_complete_statement{
    "quests_own_complete",
    "UPDATE quests SET progress = target, status = 'completed', completed_at = now(), updated_at = now()"
    " WHERE id = $2 AND user_id = $1 AND status <> 'completed' RETURNING xp_reward, coin_reward"};
// A universal quest completes only once the user's progress reached its target.
const db::Statement universal_complete_statement{
    "quests_universal_complete",
    "UPDATE user_quest_progress p SET status = 'completed', completed = true, completed_at = now(), updated_at = now()"
    " FROM universal_quests q WHERE p.user_id = $1 AND p.quest_id = $2 AND q.id = p.quest_id AND q.is_active"
    " AND NOT p.completed AND p.progress >= q.target RETURNING q.xp_reward, q.coin_reward"};
const db::Statement completed_count_statement{
    "quests_completed_count",
    "SELECT (SELECT count(*) FROM quests WHERE user_id = $1 AND status = 'completed')"
    " + (SELECT count(*) FROM user_quest_progress WHERE user_id = $1 AND completed)"};

#undef USER_QUESTS

boost::asio::awaitable<boost::json::object> fetch(db::Transaction& tx, Uuid user, Uuid id) {
  auto rows = co_await tx.execute(get_statement, user, id);
  co_return domain::one_or_not_found(rows, "quest");
}

// Nothing changed: a completed quest, or a universal one short of its target, is a conflict;
// anything else is not this user's.
[[noreturn]] void refuse(const boost::json::object* quest) {
  if (!quest) domain::throw_not_found("quest");
  if (quest->at("status").as_string() == "completed")
    throw Error(ErrorCode::conflict, "the quest is already completed");
  throw Error(ErrorCode::conflict, "the quest's progress has not reached its target");
}

}  // namespace

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

domain::Check check(const NewQuest& q) {
  domain::Check c;
  c.text("title", q.title, rules::title)
      .text("description", q.description, rules::description)
      .text("category", q.category, rules::category)
      .integer("target", q.target, rules::target);
  return c;
}

boost::asio::awaitable<boost::json::object> create(db::Pool& pool, Uuid user, NewQuest q) {
  check(q).done();
  auto tx = co_await db::Transaction::begin(pool);
  auto inserted =
      co_await tx.execute(insert_statement, user, q.title, q.description, q.category, q.target, own_quest_xp);
  auto quest = co_await fetch(tx, user, inserted.one().get<Uuid>(0));
  co_await tx.commit();
  co_return quest;
}

boost::asio::awaitable<boost::json::object> progress(db::Pool& pool, Uuid user, Uuid id, std::int64_t amount) {
  domain::Check().integer("amount", amount, rules::amount).done();
  auto tx = co_await db::Transaction::begin(pool);
  auto changed = co_await tx.execute(own_progress_statement, user, id, amount);
  if (changed.empty()) changed = co_await tx.execute(universal_progress_statement, user, id, amount);
  if (changed.empty()) {
    auto current = co_await tx.execute(get_statement, user, id);
    const auto quest = current.empty() ? std::nullopt : std::optional(domain::to_object(current, 0));
    refuse(quest ? &*quest : nullptr);
  }
  auto quest = co_await fetch(tx, user, id);
  co_await tx.commit();
  co_return quest;
}

boost::asio::awaitable<boost::json::object> complete(db::Pool& pool, Uuid user, Uuid id) {
  auto tx = co_await db::Transaction::begin(pool);
  auto reward = co_await tx.execute(own_complete_statement, user, id);
  const bool own = !reward.empty();
  if (!own) reward = co_await tx.execute(universal_complete_statement, user, id);
  if (reward.empty()) {
    auto current = co_await tx.execute(get_statement, user, id);
    const auto quest = current.empty() ? std::nullopt : std::optional(domain::to_object(current, 0));
    refuse(quest ? &*quest : nullptr);
  }
  const std::string quest_id = id.to_string();
  const gamification::Entry entry{own ? "own_quest_complete" : "quest_complete",
                                  quest_id,
                                  reward.one().get<std::int64_t>(1),
                                  reward.one().get<std::int64_t>(0),
                                  "quest:" + user.to_string() + ":" + quest_id,
                                  "quest completed"};
  // An own quest is done when its owner says so: its reward counts against the daily cap.
  if (own)
    co_await gamification::post_declared(tx, user, entry);
  else
    co_await gamification::post(tx, user, entry);
  const boost::json::object metadata{{"quest_id", quest_id}};
  co_await activity::record(tx, user, "quest_completed", metadata);
  auto count = co_await tx.execute(completed_count_statement, user);
  co_await gamification::unlock(tx, user, "quest_complete", count.one().get<std::int64_t>(0), 0);
  auto quest = co_await fetch(tx, user, id);
  co_await tx.commit();
  co_return quest;
}

}  // namespace ignition::quests
