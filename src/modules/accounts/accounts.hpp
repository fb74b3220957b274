// Accounts: users, browser sessions, API tokens, login throttling (R-API-2).
// Password hashing is slow by design: callers hash/verify OUTSIDE write transactions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::accounts {

struct User {
  int64_t id = 0;  // internal key
  std::string public_id;
  std::string email;
  std::string name;
  Micros created_at = 0;
};

struct NewUser {
  std::string email;
  std::string name;
  std::string password;
};

// A session just started: the cookie value (shown to the client once; stored hashed) and
// the CSRF token the client echoes in X-CSRF-Token.
struct StartedSession {
  std::string cookie_token;
  std::string csrf_token;
};

// Who is calling, resolved from a session cookie or a bearer token.
struct Principal {
  User user;
  enum class Via { session, token } via = Via::session;
  int64_t credential_id = 0;  // sessions.id or api_tokens.id
  std::string csrf_token;     // sessions only
};

struct ApiToken {
  std::string public_id;
  std::string name;
  Micros created_at = 0;
  std::optional<Micros> last_used_at;
};

struct CreatedApiToken {
  ApiToken token;
  std::string secret;  // shown once
};

// --- rules (pure) ---
// Checks a sign-up: `invalid_email`, `too_short`/`too_long` password, `required` name.
Result<void> validate_new_user(const NewUser& u);
// Whether a throttle key with `failures` since `window_start` may try again at `now`;
// rate_limited `too_many_attempts` with retry_after_seconds when not.
Result<void> throttle_decision(int64_t failures, Micros window_start, Micros now, int max_failures);
// Throttle keys for an attempt: per account (canonical email) and per client address.
std::string account_throttle_key(std::string_view canonical_email);
std::string ip_throttle_key(std::string_view ip);

// --- store (SQL) ---
// Inserts a user; conflict `email_taken` (param email) if the canonical email exists.
Result<User> create_user(db::Tx& tx, const NewUser& u, const std::string& password_hash,
                         Micros now);
// The user and their password hash (empty when none is set) for a canonical email.
Result<std::optional<std::pair<User, std::string>>> find_login(db::Tx& tx,
                                                               std::string_view canonical_email);
Result<User> get_user(db::Tx& tx, int64_t user_id);
// The account for a checkout email: the existing one, or a new one without a password
// (the buyer sets one later). `created` tells which.
Result<User> find_or_create_buyer(db::Tx& tx, std::string_view email, std::string_view name,
                                  Micros now, bool* created);

// A session's cookie and CSRF tokens, drawn (no database) for start_session at `now`.
StartedSession new_session(Micros now);
// The key a session's cookie token is stored under: its time prefix and the token's hash.
std::string session_key(std::string_view cookie_token);
Result<StartedSession> start_session(db::Tx& tx, int64_t user_id, Micros now);
// Starts `drawn` (new_session(now), drawn before the transaction).
Result<StartedSession> start_session(db::Tx& tx, int64_t user_id, Micros now,
                                     StartedSession drawn);
// The principal of a live session cookie (idle and absolute expiry applied), or nothing.
// `touch` reports whether last_seen_at is old enough to be refreshed (see touch_session).
Result<std::optional<Principal>> resolve_session(db::Tx& tx, std::string_view cookie_token,
                                                 Micros now, bool* touch);
Result<void> touch_session(db::Tx& tx, int64_t session_id, Micros now);
Result<void> end_session(db::Tx& tx, int64_t session_id, Micros now);

Result<CreatedApiToken> create_api_token(db::Tx& tx, int64_t user_id, std::string name,
                                         Micros now);
// Tokens of a user, newest first, after the cursor (a token public id) — keyset pagination.
Result<std::vector<ApiToken>> list_api_tokens(db::Tx& tx, int64_t user_id,
                                              std::optional<std::string> after, int limit);
// Revokes one of the user's tokens; not_found for anything else (also other users' tokens).
Result<void> revoke_api_token(db::Tx& tx, int64_t user_id, std::string_view public_id,
                              Micros now);
// The principal of a live bearer token, or nothing; `touch` as for sessions.
Result<std::optional<Principal>> resolve_api_token(db::Tx& tx, std::string_view secret,
                                                   Micros now, bool* touch);
Result<void> touch_api_token(db::Tx& tx, int64_t token_id, Micros now);
// The user behind a live bearer token or session cookie (the same checks as the resolve_*
// functions, without reading the user), for fast paths that need only ids: `touch` as there,
// and `recheck_at`, the first moment at which the answer or `touch` can change with time alone.
struct CallerId {
  int64_t user_id = 0;
  bool touch = false;
  Micros recheck_at = 0;
};
Result<std::optional<CallerId>> api_token_caller(db::Tx& tx, std::string_view secret, Micros now);
Result<std::optional<CallerId>> session_caller(db::Tx& tx, std::string_view cookie_token,
                                               Micros now);

// Refuses (429) when any key is over its limit in the current window.
Result<void> check_login_throttle(db::Tx& tx, std::string_view account_key,
                                  std::string_view ip_key, Micros now);
Result<void> record_login_failure(db::Tx& tx, std::string_view account_key,
                                  std::string_view ip_key, Micros now);
Result<void> clear_login_failures(db::Tx& tx, std::string_view account_key);

}  // namespace sd::accounts
