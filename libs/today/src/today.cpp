#include <ignition/today/today.hpp>

#include <fmt/format.h>

#include <ignition/db/pool.hpp>
#include <ignition/domain/record.hpp>
#include <ignition/habits/habits.hpp>

namespace ignition::today {

namespace {

// Timestamps in the API's form (RFC 3339, UTC, milliseconds).
#define TS(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

// A habit is due on its frequency's days: daily every day, weekdays Monday to Friday,
// weekly until it is logged in the current (ISO) week. Built on first use: it embeds the
// habits library's streak SQL, another translation unit's static.
const db::Statement& dashboard_statement() {
  static const std::string sql = fmt::format(
    "WITH day AS (SELECT {today} AS d) SELECT json_build_object("
    "'date', (SELECT d FROM day)::text,"
    "'focus', (SELECT json_build_object('id', f.id, 'mode', f.mode, 'duration_seconds', f.duration_seconds,"
    " 'status', f.status, 'started_at', " TS("f.started_at") ", 'paused_at', " TS("f.paused_at") ","
    " 'total_paused_seconds', f.total_paused_seconds) FROM focus_sessions f"
    " WHERE f.user_id = $1 AND f.status IN ('active', 'paused') AND f.expires_at > now()),"
    "'plan', (SELECT json_build_object('date', p.date, 'items', p.items, 'notes', p.notes) FROM daily_plans p"
    " WHERE p.user_id = $1 AND p.date = (SELECT d FROM day)),"
    "'habits', coalesce((SELECT json_agg(json_build_object('id', h.id, 'name', h.name, 'icon', h.icon,"
    " 'color', h.color, 'frequency', h.frequency, 'done_today', EXISTS (SELECT 1 FROM habit_logs l"
    " WHERE l.habit_id = h.id AND l.log_date = (SELECT d FROM day)), 'current_streak', s.current_streak,"
    " 'longest_streak', s.longest_streak) ORDER BY h.created_at, h.id)"
    " FROM habits h, LATERAL ({streaks}) s WHERE h.user_id = $1 AND h.is_active AND (h.frequency = 'daily'"
    " OR (h.frequency = 'weekdays' AND extract(isodow FROM (SELECT d FROM day)) < 6)"
    " OR (h.frequency = 'weekly' AND NOT EXISTS (SELECT 1 FROM habit_logs l WHERE l.habit_id = h.id"
    "  AND date_trunc('week', l.log_date) = date_trunc('week', (SELECT d FROM day)) AND l.log_date <> (SELECT d FROM"
    " day))))), '[]'::json),"
    "'wallet', (SELECT json_build_object('coins', coalesce(w.coins, 0), 'xp', coalesce(w.xp, 0),"
    " 'level', coalesce(w.level, 1)) FROM (SELECT 1) one LEFT JOIN user_wallet w ON w.user_id = $1),"
    "'unread', json_build_object('achievements', (SELECT count(*) FROM user_achievements"
    " WHERE user_id = $1 AND NOT notified))"
    ")::text",
      fmt::arg("today", domain::user_today_sql), fmt::arg("streaks", habits::streaks_sql()));
  static const db::Statement statement{"today_dashboard", sql};
  return statement;
}

#undef TS

}  // namespace

boost::asio::awaitable<std::string> dashboard(db::Pool& pool, Uuid user) {
  auto rows = co_await pool.execute(dashboard_statement(), user);
  co_return rows.one().get<std::string>(0);
}

}  // namespace ignition::today
