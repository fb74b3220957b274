-- Messaging (R-MSG-1..5, R-AUTO-2): one thread per (store, customer), its messages, saved
-- replies, broadcasts with one row per recipient (the durable job's queue), and per-store
-- unsubscribes from non-transactional mail. Numbered 0009 while 0008 is written elsewhere:
-- migrations are applied by version, each once.

CREATE TABLE threads (
  id                INTEGER PRIMARY KEY,
  public_id         TEXT NOT NULL UNIQUE,
  store_id          INTEGER NOT NULL REFERENCES stores(id),
  customer_id       INTEGER NOT NULL REFERENCES customers(id),
  buyer_user_id     INTEGER NOT NULL REFERENCES users(id),
  opened_by         TEXT NOT NULL CHECK (opened_by IN ('seller', 'buyer')),
  created_at        BIGINT NOT NULL,
  last_message_at   BIGINT NOT NULL,
  seller_unread     INTEGER NOT NULL DEFAULT 0,   -- buyer messages the seller has not read
  buyer_unread      INTEGER NOT NULL DEFAULT 0,   -- seller messages the buyer has not read
  first_buyer_at    BIGINT,                       -- response metrics (R-MSG-4)
  first_response_at BIGINT,
  UNIQUE (store_id, customer_id)
);
CREATE INDEX threads_inbox ON threads(store_id, last_message_at, public_id);
CREATE INDEX threads_buyer ON threads(buyer_user_id, last_message_at);

CREATE TABLE messages (
  id           INTEGER PRIMARY KEY,
  public_id    TEXT NOT NULL UNIQUE,
  thread_id    INTEGER NOT NULL REFERENCES threads(id),
  store_id     INTEGER NOT NULL REFERENCES stores(id),
  author       TEXT NOT NULL CHECK (author IN ('seller', 'buyer', 'auto')),
  body         TEXT NOT NULL,
  broadcast_id INTEGER,
  created_at   BIGINT NOT NULL
);
CREATE INDEX messages_thread ON messages(thread_id, id);

CREATE TABLE saved_replies (
  id         INTEGER PRIMARY KEY,
  public_id  TEXT NOT NULL UNIQUE,
  store_id   INTEGER NOT NULL REFERENCES stores(id),
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX saved_replies_store ON saved_replies(store_id, created_at, public_id);

CREATE TABLE broadcasts (
  id               INTEGER PRIMARY KEY,
  public_id        TEXT NOT NULL UNIQUE,
  store_id         INTEGER NOT NULL REFERENCES stores(id),
  audience         TEXT NOT NULL,  -- JSON as given
  body             TEXT NOT NULL,
  recipients_total INTEGER NOT NULL,
  created_at       BIGINT NOT NULL,
  completed_at     BIGINT
);

-- The durable job: a recipient is posted to once, in the transaction that marks it done.
CREATE TABLE broadcast_recipients (
  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),
  customer_id  INTEGER NOT NULL REFERENCES customers(id),
  state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'skipped')),
  skip_reason  TEXT,
  message_id   INTEGER REFERENCES messages(id),
  done_at      BIGINT,
  PRIMARY KEY (broadcast_id, customer_id)
);
CREATE INDEX broadcast_recipients_pending ON broadcast_recipients(broadcast_id, customer_id)
  WHERE state = 'pending';

-- Per-store unsubscribes from non-transactional mail (R-MSG-5), by canonical email.
CREATE TABLE mail_unsubscribes (
  store_id        INTEGER NOT NULL REFERENCES stores(id),
  email_canonical TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  PRIMARY KEY (store_id, email_canonical)
);

-- Away mode (R-MSG-4): while enabled, a buyer's message is answered by `message` (an `auto`
-- message, which counts as a response), at most once in a row per thread.
CREATE TABLE away_modes (
  store_id   BIGINT PRIMARY KEY REFERENCES stores(id),
  enabled    INTEGER NOT NULL DEFAULT 0,
  message    TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
