-- Foundation: accounts, stores, sessions, API tokens, login throttling, idempotency.
-- Times are BIGINT microseconds since the Unix epoch (UTC).

CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  public_id       TEXT NOT NULL UNIQUE,
  email           TEXT NOT NULL,
  email_canonical TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  password_hash   TEXT,               -- NULL for accounts created at checkout, until they set one
  created_at      BIGINT NOT NULL
);

CREATE TABLE stores (
  id                 INTEGER PRIMARY KEY,
  public_id          TEXT NOT NULL UNIQUE,
  slug               TEXT NOT NULL UNIQUE,
  name               TEXT NOT NULL,
  owner_user_id      INTEGER NOT NULL UNIQUE REFERENCES users(id),
  currency           TEXT NOT NULL,
  support_email      TEXT NOT NULL,
  locale             TEXT NOT NULL CHECK (locale IN ('en', 'es')),
  refund_policy      TEXT NOT NULL,
  hold_period_days   INTEGER NOT NULL CHECK (hold_period_days BETWEEN 0 AND 90),
  refund_window_days INTEGER NOT NULL CHECK (refund_window_days BETWEEN 1 AND 365),
  fee_percent_bp     INTEGER NOT NULL CHECK (fee_percent_bp BETWEEN 0 AND 5000),
  fee_fixed_minor    INTEGER NOT NULL CHECK (fee_fixed_minor >= 0),
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL
);

CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  csrf_token   TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  revoked_at   BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  public_id    TEXT NOT NULL UNIQUE,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id, id);

-- Failed logins per throttle key ('account:<email>' or 'ip:<address>') in a fixed window.
CREATE TABLE login_throttle (
  throttle_key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  failures     INTEGER NOT NULL
);

-- One row per (principal scope, Idempotency-Key). The key itself is stored only as a hash and
-- the response is sealed under the key, so the table holds no usable secret at rest.
CREATE TABLE idempotency_keys (
  scope        TEXT NOT NULL,
  key_hash     TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'complete')),
  response     TEXT,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (scope, key_hash)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

-- Small process-independent state (the test clock's offset in --test-mode).
CREATE TABLE server_state (
  state_key TEXT PRIMARY KEY,
  value     TEXT NOT NULL
);
