#include <ignition/auth/audit.hpp>

#include <boost/json/serialize.hpp>

#include <ignition/db/transaction.hpp>

namespace ignition::auth {

namespace {
const db::Statement insert_audit{
    "auth_audit_insert",
    "INSERT INTO admin_audit_log (actor_user_id, actor, action, target_type, target_id, before, after, request_id, ip) "
    "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9::inet)"};

std::optional<db::JsonText> json_text(const std::optional<boost::json::value>& v) {
  if (!v) return std::nullopt;
  return db::JsonText{boost::json::serialize(*v)};
}
}  // namespace

boost::asio::awaitable<void> write_audit(db::Transaction& tx, const AuditEntry& e) {
  auto before = json_text(e.before);
  auto after = json_text(e.after);
  co_await tx.execute(insert_audit, e.actor_user_id, e.actor, e.action, e.target_type, e.target_id, before, after,
                      e.request_id, e.ip);
}

}  // namespace ignition::auth
