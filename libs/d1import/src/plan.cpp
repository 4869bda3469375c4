#include "plan.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

namespace ignition::d1import::detail {

namespace json = boost::json;

namespace {

std::string_view text_of(const Value& v, std::string& scratch) {
  if (const auto* t = v.text()) return *t;
  scratch = v.to_string();
  return scratch;
}

bool absent(const Value& v) { return v.is_null() || v.is_empty_text(); }

// R10's wallet sums. A value that is not an integer makes the sum unusable, as it makes the
// column of a wallet of its own.
void add_to(std::optional<std::int64_t>& sum, const Value& v) {
  const auto n = as_integer(v);
  std::int64_t total = 0;
  if (sum && n && !__builtin_add_overflow(*sum, *n, &total)) {
    sum = total;
  } else {
    sum.reset();
  }
}

// A row without an id cannot be told apart from others, referenced or compared: skipped.
bool skip_missing_id(std::size_t index, const Value& id, Report& report) {
  if (!absent(id)) return false;
  report.add_skip(index, "missing_id");
  report.list("refused").push_back(
      json::object{{"table", inventory()[index].name}, {"id", nullptr}, {"reason", "missing_id"}});
  return true;
}

// Whether another table (or the table itself) refers to rows of `table`.
bool is_referenced(std::string_view table) {
  for (const auto& spec : inventory()) {
    for (const auto& ref : spec.references) {
      if (ref.parent == table) return true;
    }
  }
  return false;
}

}  // namespace

void TablePlan::release_ids() {
  UuidSet().swap(all_ids);
  UuidSet().swap(kept_ids);
  std::unordered_set<std::string>().swap(all_keys);
  std::unordered_set<std::string>().swap(kept_keys);
}

std::size_t UuidHash::operator()(const Uuid& u) const noexcept {
  std::size_t h = 0;
  std::memcpy(&h, u.bytes().data(), sizeof h);  // uuids are random enough in their first bytes
  return h ^ (static_cast<std::size_t>(u.bytes()[15]) << 7);
}

bool children_take_owner(std::string_view table) noexcept {
  return table == "goals" || table == "training_programs" || table == "reference_tracks";
}

Target Plan::resolve(const Reference& ref, const Value& value) const {
  Target t;
  std::string scratch;
  const auto text = text_of(value, scratch);
  if (ref.parent_column != "id") {
    t.by_key = true;
    t.key = std::string(text);
    return t;
  }
  t.id = normalize_id(ref.parent, text);
  if (ref.parent == "users") {
    if (auto it = merged_into.find(t.id); it != merged_into.end()) {
      t.id = it->second;
      t.repointed = true;
    }
  }
  return t;
}

bool Plan::is_kept(const Reference& ref, const Target& target) const {
  const auto& parent = tables[*find_table(ref.parent)];
  return target.by_key ? parent.kept_keys.contains(target.key) : parent.kept_ids.contains(target.id);
}

bool Plan::exists(const Reference& ref, const Target& target) const {
  const auto& parent = tables[*find_table(ref.parent)];
  return target.by_key ? parent.all_keys.contains(target.key) : parent.all_ids.contains(target.id);
}

Plan Plan::build(RowSource& source, Report& report, Progress& progress) {
  Plan plan;
  plan.tables.resize(inventory().size());
  for (std::size_t index : import_order()) {
    const auto& spec = inventory()[index];
    if (spec.name == "users") {
      plan.plan_users(source, report, progress);
    } else {
      plan.plan_table(index, source, report, progress);
    }
    report.tables[index].expected_rows = plan.tables[index].kept;
    // Memory: a table nothing references (most big tables: logs, ledgers, events) needs its
    // id sets only during its own pass; the second pass reads only the keep bits.
    if (!is_referenced(spec.name)) plan.tables[index].release_ids();
  }
  return plan;
}

// R4 and R10: one row per id; users sharing an email become the one created first.
void Plan::plan_users(RowSource& source, Report& report, Progress& progress) {
  const std::size_t index = *find_table("users");
  const auto& spec = inventory()[index];
  auto& table = tables[index];
  const auto pk = spec.primary_key();
  const auto email_col = spec.column_index("email");
  const auto created_col = spec.column_index("created_at");

  struct Candidate {
    std::size_t row;
    Uuid id;
    std::string raw_id;
    std::optional<Timestamp> created_at;
  };
  std::vector<Candidate> users;
  std::vector<std::string> email_order;                      // first appearance, for the report's order
  std::map<std::string, std::vector<std::size_t>> by_email;  // email -> indexes into users

  progress.start("read", "users", 0);
  auto cursor = source.rows(spec);
  Row row;
  for (std::size_t i = 0; cursor->next(row); ++i) {
    progress.tick();
    ++report.tables[index].source_rows;
    table.keep.push_back(false);
    if (skip_missing_id(index, row[pk], report)) continue;
    const std::string raw = row[pk].to_string();
    const Uuid id = normalize_id(spec.name, raw);
    if (!table.all_ids.insert(id).second) {
      report.add_skip(index, "duplicate_pk");
      report.list("duplicate_pk").push_back(json::object{{"table", spec.name}, {"id", raw}});
      continue;
    }
    table.keep[i] = true;
    const auto created = row[created_col].is_null() ? std::nullopt : parse_datetime(row[created_col]);
    users.push_back({i, id, raw, created});
    if (const auto* email = row[email_col].text()) {
      auto normalized = normalize_email(*email);
      if (normalized.empty()) continue;
      auto [it, fresh] = by_email.try_emplace(normalized);
      if (fresh) email_order.push_back(normalized);
      it->second.push_back(users.size() - 1);
    }
  }
  progress.finish();

  for (const auto& email : email_order) {
    auto& members = by_email[email];
    if (members.size() < 2) continue;
    // Earliest created_at wins; NULL (and unparseable) counts as earliest; ties by source order.
    std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
      const auto& ca = users[a].created_at;
      const auto& cb = users[b].created_at;
      if (!ca || !cb) return !ca && cb;
      return *ca < *cb;
    });
    const auto& kept = users[members.front()];
    json::array merged;
    for (std::size_t m = 1; m < members.size(); ++m) {
      const auto& user = users[members[m]];
      merged_into[user.id] = kept.id;
      table.keep[user.row] = false;
      report.add_skip(index, "merged_into_user");
      merged.push_back(json::string(user.raw_id));
    }
    report.list("merged_users")
        .push_back(json::object{{"email", email}, {"kept", kept.raw_id}, {"merged", std::move(merged)}});
  }
  for (const auto& user : users) {
    if (!table.keep[user.row]) continue;
    table.kept_ids.insert(user.id);
    user_created_at[user.id] = user.created_at;
    ++table.kept;
  }
}

// R2, R4, R11, R12 for one table, in source order.
void Plan::plan_table(std::size_t index, RowSource& source, Report& report, Progress& progress) {
  const auto& spec = inventory()[index];
  auto& table = tables[index];
  auto& stats = report.tables[index];
  const auto pk = spec.primary_key();
  const auto key_col = spec.find_column("key");
  const bool is_wallet = spec.name == "user_wallet";
  const bool takes_owner = children_take_owner(spec.name);
  const auto not_imported = not_imported_reason(spec.name);

  // The user a row belongs to (after R10), for owners and wallets.
  std::optional<std::size_t> user_ref;
  for (std::size_t r = 0; r < spec.references.size(); ++r) {
    if (spec.references[r].parent == "users" && spec.references[r].column == "user_id") user_ref = r;
  }

  struct Winner {
    std::size_t row;
    bool repointed;
    std::string raw_id;
    Uuid id;
  };
  std::vector<std::unordered_map<std::string, Winner>> winners(spec.unique_keys.size());
  struct SelfRef {
    std::size_t row;
    Uuid target;
    std::string raw_id;
    std::string_view column;
    std::string value;
  };
  std::vector<SelfRef> self_refs;

  progress.start("read", std::string(spec.name), 0);
  auto cursor = source.rows(spec);
  Row row;
  std::string scratch;
  for (std::size_t i = 0; cursor->next(row); ++i) {
    progress.tick();
    ++stats.source_rows;
    table.keep.push_back(false);
    if (not_imported) {
      report.add_skip(index, "not_imported");
      continue;
    }
    if (skip_missing_id(index, row[pk], report)) continue;
    const std::string raw_id = row[pk].to_string();
    const Uuid id = normalize_id(spec.name, raw_id);
    if (!table.all_ids.insert(id).second) {
      report.add_skip(index, "duplicate_pk");
      report.list("duplicate_pk").push_back(json::object{{"table", spec.name}, {"id", raw_id}});
      continue;
    }
    if (key_col && !row[*key_col].is_null()) table.all_keys.insert(row[*key_col].to_string());

    // R11: references, in the inventory's order; the first `skip` that fails decides.
    bool orphan = false;
    std::optional<Target> user;
    for (std::size_t r = 0; r < spec.references.size() && !orphan; ++r) {
      const auto& ref = spec.references[r];
      const auto& v = row[spec.column_index(ref.column)];
      if (absent(v)) continue;
      if (ref.parent == spec.name) {
        self_refs.push_back(SelfRef{i, resolve(ref, v).id, raw_id, ref.column, v.to_string()});
        continue;
      }
      auto target = resolve(ref, v);
      if (target.repointed) stats.counters["repointed_to_kept_user"]++;
      if (user_ref && r == *user_ref) user = target;
      if (is_kept(ref, target)) continue;
      const char* why = exists(ref, target) ? "parent_not_imported" : "missing_parent";
      auto entry = json::object{
          {"table", spec.name}, {"id", raw_id}, {"column", ref.column}, {"value", v.to_string()}, {"reason", why}};
      if (ref.action == OnMissing::skip) {
        report.add_skip(index, exists(ref, target) ? "orphan_cascade" : "orphan");
        report.list("orphans").push_back(std::move(entry));
        orphan = true;
      } else {
        report.list("fk_set_null").push_back(std::move(entry));
      }
    }
    if (orphan) continue;

    // R12: unique keys after R3/R10; the kept user's own row beats a re-pointed one,
    // otherwise the first in source order wins.
    bool lost = false;
    for (std::size_t u = 0; u < spec.unique_keys.size() && !lost; ++u) {
      std::string key;
      json::object key_report;
      bool repointed = false;
      bool incomplete = false;
      for (auto column : spec.unique_keys[u]) {
        const auto c = spec.column_index(column);
        const auto& v = row[c];
        if (v.is_null() || (v.is_empty_text() && !spec.columns[c].not_null)) {
          incomplete = true;
          break;
        }
        std::string part = v.to_string();
        if (spec.columns[c].kind == Kind::ref) {
          const auto& ref = spec.reference(column);
          auto target = resolve(ref, v);
          if (column == "user_id") repointed = target.repointed;
          part = target.by_key ? target.key : target.id.to_string();
        }
        key_report[column] = part;
        key += part;
        key += '\x1f';
      }
      if (incomplete) continue;
      auto [it, fresh] = winners[u].try_emplace(key, Winner{i, repointed, raw_id, id});
      if (fresh) continue;
      auto& winner = it->second;
      report.add_skip(index, "unique_conflict");
      if (winner.repointed && !repointed) {
        report.list("unique_conflicts")
            .push_back(
                json::object{{"table", spec.name}, {"id", winner.raw_id}, {"kept", raw_id}, {"key", key_report}});
        table.keep[winner.row] = false;
        table.kept_ids.erase(winner.id);
        table.owner.erase(winner.id);
        --table.kept;
        winner = Winner{i, repointed, raw_id, id};
      } else {
        report.list("unique_conflicts")
            .push_back(
                json::object{{"table", spec.name}, {"id", raw_id}, {"kept", winner.raw_id}, {"key", key_report}});
        lost = true;
      }
    }
    // R10: a merged user's wallet adds up into the kept user's, whichever row stays.
    if (is_wallet && user) {
      auto& totals = wallets[user->id];
      add_to(totals.coins, row[spec.column_index("coins")]);
      add_to(totals.xp, row[spec.column_index("xp")]);
      add_to(totals.total_skill_stars, row[spec.column_index("total_skill_stars")]);
    }
    if (lost) continue;
    table.keep[i] = true;
    table.kept_ids.insert(id);
    if (key_col && !row[*key_col].is_null()) table.kept_keys.insert(row[*key_col].to_string());
    if (takes_owner && user) table.owner[id] = user->id;
    ++table.kept;
  }
  progress.finish();

  if (not_imported) {
    report.list("not_imported")
        .push_back(json::object{{"table", spec.name}, {"rows", stats.source_rows}, {"why", *not_imported}});
  }
  // A reference within the table (calendar_events.parent_event_id) is settled against the
  // rows that stay, once they are all known.
  for (const auto& s : self_refs) {
    if (!table.keep[s.row] || table.kept_ids.contains(s.target)) continue;
    const char* why = table.all_ids.contains(s.target) ? "parent_not_imported" : "missing_parent";
    report.list("fk_set_null")
        .push_back(json::object{
            {"table", spec.name}, {"id", s.raw_id}, {"column", s.column}, {"value", s.value}, {"reason", why}});
  }
}

}  // namespace ignition::d1import::detail
