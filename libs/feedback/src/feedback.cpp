#include <ignition/feedback/feedback.hpp>

#include <ignition/db/pool.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::feedback {

namespace {
const db::Statement insert_statement{
    "feedback_insert",
    "INSERT INTO feedback (user_id, kind, message, page_url, user_agent) VALUES ($1, $2, $3, $4, $5)"
    " RETURNING id, kind, message, page_url, status, created_at"};
}  // namespace

domain::Check check(const NewFeedback& f) {
  domain::Check c;
  c.choice("kind", f.kind, rules::kinds)
      .text("message", f.message, rules::message)
      .text("page_url", f.page_url, rules::page_url);
  return c;
}

boost::asio::awaitable<boost::json::object> submit(db::Pool& pool, Uuid user, NewFeedback f) {
  check(f).done();
  auto rows = co_await pool.execute(insert_statement, user, f.kind, f.message, f.page_url, f.user_agent);
  co_return domain::to_object(rows, 0);
}

}  // namespace ignition::feedback
