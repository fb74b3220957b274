// SQL of the accounts module, and nothing else.
#include <algorithm>
#include <array>

#include "core/ids.hpp"
#include "core/limits.hpp"
#include "core/validation.hpp"
#include "modules/accounts/accounts.hpp"
#include "platform/crypto/crypto.hpp"

namespace sd::accounts {
namespace {

constexpr const char* kUserColumns = "u.id, u.public_id, u.email, u.name, u.created_at";

User user_from(const db::Row& r, size_t at = 0) {
  return User{r.i64(at), r.text(at + 1), r.text(at + 2), r.text(at + 3), r.i64(at + 4)};
}

// Session cookies and API tokens are stored as SHA-256 hashes: a database leak does not
// leak usable credentials. The secrets carry 256 random bits, so no salt or KDF is needed.
std::string secret_hash(std::string_view secret) { return crypto::sha256_hex(secret); }

// A session's cookie token begins with its start time (milliseconds, 9 base32 symbols) and a
// dot, and its stored key is that prefix followed by the hash of the whole token: new keys
// sort by time, so each session appends to the end of the sessions' unique index instead of
// writing a random page of it (one page per checkout that creates a buyer). Tokens issued
// before have no dot and are stored as the plain hash.
constexpr size_t kSessionTimeSymbols = 9;
std::string new_session_token(Micros now) {
  return base32_of(static_cast<uint64_t>(now / 1000), kSessionTimeSymbols) + "." +
         random_token(32);
}

// When credentials stop working or need their last-use time written, one rule for the full
// resolve_* functions and the id-only *_caller ones.
constexpr Micros kTouchEvery = limits::session_touch_interval_seconds * kMicrosPerSecond;
constexpr Micros kSessionIdle = limits::session_idle_seconds * kMicrosPerSecond;
constexpr Micros kSessionAbsolute = limits::session_absolute_seconds * kMicrosPerSecond;
static_assert(kTouchEvery < kSessionIdle, "a session's touch comes due before it idles out");
// A live session: $1 its token hash, $2 = now - kSessionIdle, $3 = now - kSessionAbsolute.
constexpr const char* kLiveSession =
    "s.token_hash = $1 AND s.revoked_at IS NULL AND s.last_seen_at > $2 AND s.created_at > $3";
// Whether a credential last used at `last` (none: never) is due for its last-use write.
bool touch_due(std::optional<Micros> last, Micros now) { return !last || now - *last > kTouchEvery; }

Result<std::pair<int64_t, Micros>> throttle_row(db::Tx& tx, std::string_view key) {
  auto row = SD_TRY(tx.query_one(
      "SELECT failures, window_start FROM login_throttle WHERE throttle_key = $1", {key}));
  if (!row) return std::pair<int64_t, Micros>{0, 0};
  return std::pair<int64_t, Micros>{row->i64(0), row->i64(1)};
}

Result<void> bump(db::Tx& tx, std::string_view key, Micros now) {
  const Micros window_start_min = now - limits::login_throttle_window_seconds * kMicrosPerSecond;
  // A window that has ended starts afresh at this failure.
  SD_TRY(tx.exec(
      "INSERT INTO login_throttle (throttle_key, window_start, failures) VALUES ($1, $2, 1) "
      "ON CONFLICT (throttle_key) DO UPDATE SET "
      "failures = CASE WHEN login_throttle.window_start <= $3 THEN 1 "
      "ELSE login_throttle.failures + 1 END, "
      "window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 "
      "ELSE login_throttle.window_start END",
      {key, now, window_start_min}));
  return {};
}

}  // namespace

std::string session_key(std::string_view token) {
  if (token.size() <= kSessionTimeSymbols || token[kSessionTimeSymbols] != '.')
    return secret_hash(token);
  return std::string(token.substr(0, kSessionTimeSymbols + 1)) + secret_hash(token);
}

Result<User> create_user(db::Tx& tx, const NewUser& u, const std::string& password_hash,
                         Micros now) {
  const auto canonical = canonical_email(u.email);
  auto existing = SD_TRY(tx.query_one("SELECT 1 FROM users WHERE email_canonical = $1", {canonical}));
  if (existing) {
    return fail(ErrorKind::conflict, "email_taken", "an account with this email already exists",
                "email");
  }
  User user{0, new_public_id("usr"), u.email, u.name, now};
  auto row = tx.query_one(
      "INSERT INTO users (public_id, email, email_canonical, name, password_hash, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {user.public_id, user.email, canonical, user.name, password_hash, now});
  if (!row) {
    // A concurrent sign-up with the same email won the race.
    if (row.error().code == "unique_violation")
      return fail(ErrorKind::conflict, "email_taken", "an account with this email already exists",
                  "email");
    return tl::unexpected(row.error());
  }
  user.id = (*row)->i64(0);
  return user;
}

Result<std::optional<std::pair<User, std::string>>> find_login(db::Tx& tx,
                                                               std::string_view canonical) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kUserColumns +
                                     ", u.password_hash FROM users u WHERE u.email_canonical = $1",
                                 {canonical}));
  if (!row) return std::optional<std::pair<User, std::string>>{};
  return std::optional<std::pair<User, std::string>>{std::pair{user_from(*row), row->text(5)}};
}

Result<User> get_user(db::Tx& tx, int64_t user_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kUserColumns +
                                     " FROM users u WHERE u.id = $1",
                                 {user_id}));
  if (!row) return fail(ErrorKind::not_found, "user_not_found", "user not found");
  return user_from(*row);
}

Result<User> find_or_create_buyer(db::Tx& tx, std::string_view email, std::string_view name,
                                  Micros now, bool* created) {
  const auto canonical = canonical_email(email);
  // Insert-or-nothing, then read if nothing was inserted: two checkouts by one new buyer at once
  // (PostgreSQL runs them concurrently) end with one account, and neither fails.
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO users (public_id, email, email_canonical, name, password_hash, created_at) "
      "VALUES ($1, $2, $3, $4, NULL, $5) ON CONFLICT (email_canonical) DO NOTHING "
      "RETURNING id, public_id, email, name, created_at",
      {new_public_id("usr"), email, canonical, name, now}));
  if (created != nullptr) *created = row.has_value();
  if (!row)
    row = SD_TRY(tx.query_one(std::string("SELECT ") + kUserColumns +
                                  " FROM users u WHERE u.email_canonical = $1",
                              {canonical}));
  if (!row) return fail(ErrorKind::internal, "user_missing", "the buyer account vanished");
  return user_from(*row);
}

StartedSession new_session(Micros now) { return {new_session_token(now), random_token(32)}; }

Result<StartedSession> start_session(db::Tx& tx, int64_t user_id, Micros now) {
  return start_session(tx, user_id, now, new_session(now));
}

Result<StartedSession> start_session(db::Tx& tx, int64_t user_id, Micros now,
                                     StartedSession s) {
  SD_TRY(tx.exec(
      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) "
      "VALUES ($1, $2, $3, $4, $4)",
      {session_key(s.cookie_token), user_id, s.csrf_token, now}));
  return s;
}

Result<std::optional<Principal>> resolve_session(db::Tx& tx, std::string_view cookie_token,
                                                 Micros now, bool* touch) {
  auto row = SD_TRY(tx.query_one(
      std::string("SELECT ") + kUserColumns +
          ", s.id, s.csrf_token, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id "
          "WHERE " + kLiveSession,
      {session_key(cookie_token), now - kSessionIdle, now - kSessionAbsolute}));
  if (!row) return std::optional<Principal>{};
  if (touch != nullptr) *touch = touch_due(row->i64(7), now);
  return std::optional<Principal>{
      Principal{user_from(*row), Principal::Via::session, row->i64(5), row->text(6)}};
}

Result<void> touch_session(db::Tx& tx, int64_t session_id, Micros now) {
  SD_TRY(tx.exec("UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2",
                 {session_id, now}));
  return {};
}

Result<void> end_session(db::Tx& tx, int64_t session_id, Micros now) {
  SD_TRY(tx.exec("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                 {session_id, now}));
  return {};
}

Result<CreatedApiToken> create_api_token(db::Tx& tx, int64_t user_id, std::string name,
                                         Micros now) {
  auto count = SD_TRY(tx.query_one(
      "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL", {user_id}));
  if (count->i64(0) >= limits::api_tokens_per_user_max) {
    return fail(ErrorKind::conflict, "too_many_tokens",
                "revoke an unused API token before creating another");
  }
  CreatedApiToken t{ApiToken{new_public_id("tok"), std::move(name), now, std::nullopt},
                    "sdk_" + random_token(32)};
  SD_TRY(tx.exec(
      "INSERT INTO api_tokens (public_id, user_id, name, token_hash, created_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      {t.token.public_id, user_id, t.token.name, secret_hash(t.secret), now}));
  return t;
}

Result<std::vector<ApiToken>> list_api_tokens(db::Tx& tx, int64_t user_id,
                                              std::optional<std::string> after, int limit) {
  // Keyset pagination on the internal id (newest first); the cursor is a public id.
  int64_t before_id = INT64_MAX;
  if (after) {
    auto row = SD_TRY(tx.query_one(
        "SELECT id FROM api_tokens WHERE public_id = $1 AND user_id = $2", {*after, user_id}));
    if (!row) return fail(ErrorKind::invalid_input, "invalid_cursor", "cursor is not valid", "cursor");
    before_id = row->i64(0);
  }
  auto rows = SD_TRY(tx.query(
      "SELECT public_id, name, created_at, last_used_at FROM api_tokens "
      "WHERE user_id = $1 AND revoked_at IS NULL AND id < $2 ORDER BY id DESC LIMIT $3",
      {user_id, before_id, limit}));
  std::vector<ApiToken> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(ApiToken{r.text(0), r.text(1), r.i64(2), r.opt_i64(3)});
  return out;
}

Result<void> revoke_api_token(db::Tx& tx, int64_t user_id, std::string_view public_id,
                              Micros now) {
  const auto changed = SD_TRY(tx.exec(
      "UPDATE api_tokens SET revoked_at = $3 WHERE public_id = $1 AND user_id = $2 "
      "AND revoked_at IS NULL",
      {public_id, user_id, now}));
  if (changed == 0) return fail(ErrorKind::not_found, "not_found", "API token not found", "id");
  return {};
}

Result<std::optional<Principal>> resolve_api_token(db::Tx& tx, std::string_view secret,
                                                   Micros now, bool* touch) {
  auto row = SD_TRY(tx.query_one(
      std::string("SELECT ") + kUserColumns +
          ", t.id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
          "WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
      {secret_hash(secret)}));
  if (!row) return std::optional<Principal>{};
  if (touch != nullptr) *touch = touch_due(row->opt_i64(6), now);
  return std::optional<Principal>{Principal{user_from(*row), Principal::Via::token, row->i64(5), {}}};
}

namespace {

// The first row's columns as integers (NULL as INT64_MIN), read straight from the statement.
template <size_t N>
Result<std::optional<std::array<int64_t, N>>> first_ints(db::Tx& tx, std::string_view sql,
                                                         db::Params params) {
  std::optional<std::array<int64_t, N>> out;
  SD_TRY_VOID(tx.each(sql, params, [&](const db::RowView& r) {
    std::array<int64_t, N> v{};
    for (size_t i = 0; i < N; ++i) v[i] = r.is_null(i) ? INT64_MIN : r.i64(i);
    out = v;
    return false;
  }));
  return out;
}

}  // namespace

Result<std::optional<CallerId>> api_token_caller(db::Tx& tx, std::string_view secret, Micros now) {
  auto row = SD_TRY(first_ints<2>(tx,
                                  "SELECT u.id, t.last_used_at FROM api_tokens t JOIN users u ON "
                                  "u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                                  {secret_hash(secret)}));
  if (!row) return std::optional<CallerId>{};
  const auto [user_id, last_used] = *row;
  const auto last = last_used == INT64_MIN ? std::nullopt : std::optional<Micros>(last_used);
  CallerId c{user_id, touch_due(last, now), now};
  if (!c.touch) c.recheck_at = *last + kTouchEvery;
  return std::optional<CallerId>{c};
}

Result<std::optional<CallerId>> session_caller(db::Tx& tx, std::string_view cookie_token,
                                               Micros now) {
  auto row = SD_TRY(first_ints<3>(
      tx,
      std::string("SELECT u.id, s.last_seen_at, s.created_at FROM sessions s JOIN users u ON "
                  "u.id = s.user_id WHERE ") + kLiveSession,
      {session_key(cookie_token), now - kSessionIdle, now - kSessionAbsolute}));
  if (!row) return std::optional<CallerId>{};
  const auto [user_id, last_seen, created] = *row;
  CallerId c{user_id, touch_due(last_seen, now), now};
  // Still live while now < last_seen + kSessionIdle and now < created + kSessionAbsolute; the
  // touch comes due first (the static_assert above).
  if (!c.touch) c.recheck_at = std::min(last_seen + kTouchEvery, created + kSessionAbsolute);
  return std::optional<CallerId>{c};
}

Result<void> touch_api_token(db::Tx& tx, int64_t token_id, Micros now) {
  SD_TRY(tx.exec("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", {token_id, now}));
  return {};
}

Result<void> check_login_throttle(db::Tx& tx, std::string_view account_key,
                                  std::string_view ip_key, Micros now) {
  const auto [acct_failures, acct_start] = SD_TRY(throttle_row(tx, account_key));
  SD_TRY_VOID(
      throttle_decision(acct_failures, acct_start, now, limits::login_failures_per_account_max));
  const auto [ip_failures, ip_start] = SD_TRY(throttle_row(tx, ip_key));
  return throttle_decision(ip_failures, ip_start, now, limits::login_failures_per_ip_max);
}

Result<void> record_login_failure(db::Tx& tx, std::string_view account_key,
                                  std::string_view ip_key, Micros now) {
  SD_TRY_VOID(bump(tx, account_key, now));
  return bump(tx, ip_key, now);
}

Result<void> clear_login_failures(db::Tx& tx, std::string_view account_key) {
  SD_TRY(tx.exec("DELETE FROM login_throttle WHERE throttle_key = $1", {account_key}));
  return {};
}

}  // namespace sd::accounts
