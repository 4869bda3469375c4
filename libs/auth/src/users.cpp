#include <ignition/auth/users.hpp>

#include <fmt/format.h>
#include <algorithm>

#include <ignition/auth/sessions.hpp>
#include <ignition/common/json.hpp>
#include <ignition/db/transaction.hpp>

namespace asio = boost::asio;

namespace ignition::auth {

namespace {
using namespace std::string_literals;

std::string user_select(std::string_view where) {
  return fmt::format("SELECT {} FROM users u WHERE {}", user_columns, where);
}

const std::string by_account_sql = fmt::format(
    "SELECT {} FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.provider = $1 AND a.provider_account_id = $2",
    user_columns);
// Emails are lower-cased by Postgres, whose lower() the users table checks them against (it
// knows more than ASCII).
const std::string by_email_sql = user_select("u.email = lower($1) FOR UPDATE");
const std::string insert_user_sql = fmt::format(
    "INSERT INTO users AS u (email, email_verified_at, name, image, role) VALUES (lower($1), CASE WHEN $2 THEN now() "
    "END, $3, $4, $5) "
    "RETURNING {}",
    user_columns);
const std::string set_role_sql =
    fmt::format("UPDATE users AS u SET role = $2, updated_at = now() WHERE id = $1 RETURNING {}", user_columns);

const db::Statement by_account{"auth_user_by_account", by_account_sql};
const db::Statement by_email{"auth_user_by_email", by_email_sql};
const db::Statement insert_user{"auth_insert_user", insert_user_sql};
const db::Statement set_role{"auth_set_role", set_role_sql};
const db::Statement link_account{"auth_link_account",
                                 "INSERT INTO accounts (user_id, provider, provider_account_id, email, last_used_at) "
                                 "VALUES ($1, $2, $3, $4, now())"};
const db::Statement touch_account{
    "auth_touch_account",
    "UPDATE accounts SET last_used_at = now(), email = $3 WHERE provider = $1 AND provider_account_id = $2"};
// Whether the user's address was ever proved, and how many account links could sign in to
// the user. Links of a provider no sign-in comes through (the old app's `azure-ad` rows, which
// this server keys as `microsoft`, cutover.md §1) reach no one and are not counted.
const db::Statement address_standing{
    "auth_address_standing",
    "SELECT u.email_verified_at IS NOT NULL, (SELECT count(*) FROM accounts a WHERE a.user_id = u.id"
    " AND a.provider IN ('google', 'microsoft')) FROM users u WHERE u.id = $1"};
const db::Statement mark_verified{
    "auth_mark_verified",
    "UPDATE users SET email_verified_at = now() WHERE id = $1 AND email = lower($2) AND email_verified_at IS NULL"};
const db::Statement touch_login{"auth_touch_login", "UPDATE users SET last_login_at = now() WHERE id = $1"};

bool listed(const std::vector<std::string>& emails, const std::string& email) {
  return std::find(emails.begin(), emails.end(), email) != emails.end();
}

// Every role change goes through here: it revokes the user's existing sessions.
asio::awaitable<void> change_role(db::Transaction& tx, SignInOutcome& outcome, const std::string& role) {
  auto row = co_await tx.execute(set_role, outcome.user.id, role);
  outcome.user = user_from_row(row.one(), 0);
  outcome.role_changed = true;
  co_await SessionStore::revoke_all(tx, outcome.user.id);
}

// Applies ADMIN_EMAILS.
asio::awaitable<void> promote_if_listed(db::Transaction& tx, SignInOutcome& outcome,
                                        const std::vector<std::string>& admin_emails) {
  static const std::string admin = "admin";
  if (!outcome.user.is_admin() && listed(admin_emails, outcome.user.email)) co_await change_role(tx, outcome, admin);
}
}  // namespace

User user_from_row(const db::Row& row, int first) {
  User u;
  u.id = row.get<Uuid>(first);
  u.email = row.get<std::string>(first + 1);
  u.name = row.get<std::optional<std::string>>(first + 2);
  u.image = row.get<std::optional<std::string>>(first + 3);
  u.role = row.get<std::string>(first + 4);
  u.tos_accepted_version = row.get<std::optional<std::string>>(first + 5);
  u.tos_accepted_at = row.get<std::optional<Timestamp>>(first + 6);
  u.age_verified = row.get<bool>(first + 7);
  u.created_at = row.get<Timestamp>(first + 8);
  return u;
}

void append_json(std::string& out, const User& user) {
  // Written as text, straight into the session document it is part of. Strings come from
  // Postgres, so they are valid UTF-8.
  auto text_or_null = [&out](const std::optional<std::string>& value) {
    if (value)
      json::append_string(out, *value);
    else
      out += "null";
  };
  out += R"({"id":")";
  out += user.id.to_string();
  out += R"(","email":)";
  json::append_string(out, user.email);
  out += R"(,"name":)";
  text_or_null(user.name);
  out += R"(,"image":)";
  text_or_null(user.image);
  out += R"(,"role":)";
  json::append_string(out, user.role);
  out += R"(,"tos_accepted_version":)";
  text_or_null(user.tos_accepted_version);
  out += R"(,"tos_accepted_at":)";
  text_or_null(user.tos_accepted_at ? std::optional<std::string>(format_rfc3339(*user.tos_accepted_at)) : std::nullopt);
  out += R"(,"age_verified":)";
  out += user.age_verified ? "true" : "false";
  out += R"(,"created_at":")";
  out += format_rfc3339(user.created_at);
  out += "\"}";
}

namespace {
// What a provider says of a person, as the users table keeps it: the name cut to its 200
// characters and the picture left out when it is longer than 2,048 or not clean text (a sign-in
// is not refused for either). An address that cannot be an email refuses the sign-in.
struct Profile {
  std::optional<std::string> name;
  std::optional<std::string> picture;
};

// Text Postgres keeps as it is: valid UTF-8 without a NUL.
bool storable(std::string_view text) { return json::valid_utf8(text) && text.find('\0') == std::string_view::npos; }

Profile profile_of(const ExternalIdentity& identity) {
  const auto& email = identity.email;
  const auto at = email.find('@');
  if (at == 0 || at == std::string::npos || at + 1 == email.size() || email.size() > 320 || !storable(email)) {
    throw SignInRefused("email_invalid", "the provider's email address is not one");
  }
  Profile out;
  if (identity.name) {
    out.name = json::clean_utf8(*identity.name, 200);
    if (out.name->empty()) out.name.reset();
  }
  if (identity.picture && identity.picture->size() <= 2048 && storable(*identity.picture))
    out.picture = identity.picture;
  return out;
}
}  // namespace

asio::awaitable<SignInOutcome> sign_in(db::Transaction& tx, const ExternalIdentity& identity,
                                       const std::vector<std::string>& admin_emails) {
  const auto profile = profile_of(identity);
  SignInOutcome outcome;
  auto linked = co_await tx.execute(by_account, identity.provider, identity.account_id);
  if (!linked.empty()) {
    outcome.user = user_from_row(linked.one(), 0);
    co_await tx.execute(touch_account, identity.provider, identity.account_id, identity.email);
    if (identity.email_verified) co_await tx.execute(mark_verified, outcome.user.id, identity.email);
  } else {
    // Linking by email is account takeover unless the provider proved the address.
    if (!identity.email_verified) {
      throw SignInRefused("email_not_verified", "the provider did not verify " + identity.email);
    }
    auto existing = co_await tx.execute(by_email, identity.email);
    if (!existing.empty()) {
      outcome.user = user_from_row(existing.one(), 0);
      // An address nobody proved (an imported user) may have been typed by someone else: a
      // proved sign-in joins that user only when no other identity can sign in to it.
      auto standing = co_await tx.execute(address_standing, outcome.user.id);
      const bool proved = standing.one().get<bool>(0);
      if (!proved && standing.one().get<std::int64_t>(1) > 0) {
        throw SignInRefused("account_not_linked",
                            "the account of " + identity.email + " was never proved; sign in as before");
      }
      co_await tx.execute(mark_verified, outcome.user.id, identity.email);
    } else {
      std::string role = "user";
      auto created = co_await tx.execute(insert_user, identity.email, true, profile.name, profile.picture, role);
      outcome.user = user_from_row(created.one(), 0);
      outcome.created = true;
    }
    co_await tx.execute(link_account, outcome.user.id, identity.provider, identity.account_id, identity.email);
  }
  co_await tx.execute(touch_login, outcome.user.id);
  co_await promote_if_listed(tx, outcome, admin_emails);
  co_return outcome;
}

domain::Check check_dev_sign_in(const std::string& email, const std::optional<std::string>& name,
                                const std::optional<std::string>& role) {
  domain::Check c;
  c.text("email", email, rules::email).text("name", name, rules::name).choice("role", role, rules::roles);
  if (email.find('@') == std::string::npos) c.fail("email", "must be an email address");
  return c;
}

asio::awaitable<SignInOutcome> dev_sign_in(db::Transaction& tx, const std::string& email,
                                           const std::optional<std::string>& name,
                                           const std::optional<std::string>& role,
                                           const std::vector<std::string>& admin_emails) {
  check_dev_sign_in(email, name, role).done();
  SignInOutcome outcome;
  auto existing = co_await tx.execute(by_email, email);
  if (!existing.empty()) {
    outcome.user = user_from_row(existing.one(), 0);
  } else {
    std::string initial = role.value_or("user");
    std::optional<std::string> no_image;
    auto created = co_await tx.execute(insert_user, email, false, name, no_image, initial);
    outcome.user = user_from_row(created.one(), 0);
    outcome.created = true;
  }
  if (role && *role != outcome.user.role) co_await change_role(tx, outcome, *role);
  co_await tx.execute(touch_login, outcome.user.id);
  co_await promote_if_listed(tx, outcome, admin_emails);
  co_return outcome;
}

}  // namespace ignition::auth
