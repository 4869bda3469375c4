#include <ignition/learn/learn.hpp>

#include <ignition/activity/activity.hpp>
#include <ignition/db/pool.hpp>
#include <ignition/db/transaction.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/gamification/gamification.hpp>

namespace ignition::learn {

namespace {

const db::Statement topics_statement{
    "learn_topics",
    "SELECT t.id, t.key, t.name, t.description, t.category, t.icon, count(l.id) AS lessons,"
    " count(p.id) FILTER (WHERE p.status = 'completed') AS completed FROM learn_topics t"
    " LEFT JOIN learn_lessons l ON l.topic_id = t.id AND l.is_published"
    " LEFT JOIN user_lesson_progress p ON p.lesson_id = l.id AND p.user_id = $1"
    " GROUP BY t.id ORDER BY t.sort_order, t.name"};
const db::Statement topic_exists_statement{"learn_topic_exists", "SELECT 1 FROM learn_topics WHERE id = $1"};
const db::Statement lessons_statement{
    "learn_lessons",
    "SELECT l.id, l.key, l.title, l.description, l.content_markdown, l.duration_minutes, l.difficulty, l.quiz,"
    " l.xp_reward, l.coin_reward, coalesce(p.status, 'not_started') AS status, p.completed_at, p.quiz_score"
    " FROM learn_lessons l LEFT JOIN user_lesson_progress p ON p.lesson_id = l.id AND p.user_id = $1"
    " WHERE l.topic_id = $2 AND l.is_published ORDER BY l.sort_order, l.title"};
const db::Statement dashboard_statement{
    "learn_dashboard",
    "SELECT (SELECT count(*) FROM learn_lessons WHERE is_published) AS lessons_total,"
    " (SELECT count(*) FROM user_lesson_progress WHERE user_id = $1 AND status = 'completed') AS lessons_completed,"
    " (SELECT coalesce(sum(xp), 0)::bigint FROM points_ledger WHERE user_id = $1 AND event_type = 'lesson_complete')"
    " AS xp_from_lessons,"
    " (SELECT json_build_object('id', l.id, 'title', l.title, 'topic_id', l.topic_id) FROM learn_lessons l"
    "  JOIN learn_topics t ON t.id = l.topic_id WHERE l.is_published AND NOT EXISTS (SELECT 1 FROM"
    "  user_lesson_progress p WHERE p.lesson_id = l.id AND p.user_id = $1 AND p.status = 'completed')"
    "  ORDER BY t.sort_order, l.sort_order LIMIT 1) AS next_lesson"};
// The first completion flips the status (and reports was_completed = false); later ones
// only count an attempt. The reward follows the first one only.
const db::Statement complete_statement{
    "learn_complete",
    "WITH l AS (SELECT id, xp_reward, coin_reward FROM learn_lessons WHERE id = $2 AND is_published),"
    " before AS (SELECT status FROM user_lesson_progress WHERE user_id = $1 AND lesson_id = $2),"
    " done AS (INSERT INTO user_lesson_progress AS p (user_id, lesson_id, status, started_at, completed_at,"
    " quiz_score, attempts) SELECT $1, l.id, 'completed', now(), now(), $3, 1 FROM l"
    " ON CONFLICT (user_id, lesson_id) DO UPDATE SET attempts = p.attempts + 1,"
    " quiz_score = coalesce(excluded.quiz_score, p.quiz_score), status = 'completed',"
    " completed_at = coalesce(p.completed_at, now()) RETURNING p.lesson_id, p.status, p.completed_at,"
    " p.quiz_score, p.attempts)"
    " SELECT done.lesson_id, done.status, done.completed_at, done.quiz_score, done.attempts,"
    " coalesce((SELECT status FROM before), '') = 'completed' AS was_completed, l.xp_reward, l.coin_reward"
    " FROM done JOIN l ON l.id = done.lesson_id"};
const db::Statement completed_count_statement{
    "learn_completed_count", "SELECT count(*) FROM user_lesson_progress WHERE user_id = $1 AND status = 'completed'"};

}  // namespace

boost::asio::awaitable<boost::json::array> topics(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(topics_statement, user);
  co_return domain::to_array(rows);
}

boost::asio::awaitable<boost::json::array> lessons(db::Pool& pool, Uuid user, Uuid topic) {
  auto exists = co_await pool.execute(topic_exists_statement, topic);
  if (exists.empty()) domain::throw_not_found("topic");
  auto rows = co_await pool.execute(lessons_statement, user, topic);
  co_return domain::to_array(rows);
}

boost::asio::awaitable<boost::json::object> dashboard(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(dashboard_statement, user);
  co_return domain::to_object(rows, 0);
}

boost::asio::awaitable<boost::json::object> complete(db::Pool& pool, Uuid user, Uuid lesson,
                                                     std::optional<std::int64_t> quiz_score) {
  domain::Check().integer("quiz_score", quiz_score, rules::quiz_score).done();
  auto tx = co_await db::Transaction::begin(pool);
  auto rows = co_await tx.execute(complete_statement, user, lesson, quiz_score);
  auto progress = domain::one_or_not_found(rows, "lesson");
  const bool first_time = !progress.at("was_completed").as_bool();
  bool rewarded = false;
  if (first_time) {
    const std::string id = lesson.to_string();
    // The key makes even two racing first completions pay once.
    const gamification::Entry entry{"lesson_complete",
                                    id,
                                    progress.at("coin_reward").as_int64(),
                                    progress.at("xp_reward").as_int64(),
                                    "lesson:" + user.to_string() + ":" + id,
                                    "lesson completed"};
    rewarded = co_await gamification::post(tx, user, entry);
    const boost::json::object metadata{{"lesson_id", id}};
    co_await activity::record(tx, user, "lesson_completed", metadata);
    auto count = co_await tx.execute(completed_count_statement, user);
    co_await gamification::unlock(tx, user, "lesson_complete", count.one().get<std::int64_t>(0), 0);
  }
  co_await tx.commit();
  progress.erase("was_completed");
  progress["rewarded"] = rewarded;
  co_return progress;
}

}  // namespace ignition::learn
