-- Blocking (R-BLK-1): a store's blocks and exactly what each one covered, so that unblocking
-- removes that block's coverage and nothing another block still holds. Numbered 0006 while
-- 0005 (refunds) is written elsewhere: migrations are applied by version, each once, so a gap
-- or a lower number merged later is applied too.

CREATE TABLE blocks (
  id           INTEGER PRIMARY KEY,
  public_id    TEXT NOT NULL UNIQUE,
  store_id     INTEGER NOT NULL REFERENCES stores(id),
  customer_id  INTEGER NOT NULL REFERENCES customers(id),  -- the customer the seller blocked
  reason       TEXT NOT NULL,                               -- private to the seller
  created_by   INTEGER NOT NULL REFERENCES users(id),
  created_at   BIGINT NOT NULL,
  truncated    INTEGER NOT NULL DEFAULT 0,                  -- the coverage walk hit its bound
  UNIQUE (store_id, customer_id)
);
CREATE INDEX blocks_store_created ON blocks(store_id, created_at, public_id);

-- Accounts a block covers (depth 0 = the blocked customer's own account).
CREATE TABLE block_users (
  block_id  INTEGER NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
  store_id  INTEGER NOT NULL REFERENCES stores(id),
  user_id   INTEGER NOT NULL REFERENCES users(id),
  depth     INTEGER NOT NULL,
  PRIMARY KEY (block_id, user_id)
);
CREATE INDEX block_users_lookup ON block_users(store_id, user_id);

-- Payment-method fingerprints a block covers: a new account paying with one is refused.
CREATE TABLE block_fingerprints (
  block_id     INTEGER NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
  store_id     INTEGER NOT NULL REFERENCES stores(id),
  fingerprint  TEXT NOT NULL,
  PRIMARY KEY (block_id, fingerprint)
);
CREATE INDEX block_fingerprints_lookup ON block_fingerprints(store_id, fingerprint);

-- Normalised emails a block covers (blocks::normalise_email).
CREATE TABLE block_emails (
  block_id  INTEGER NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
  store_id  INTEGER NOT NULL REFERENCES stores(id),
  email     TEXT NOT NULL,
  PRIMARY KEY (block_id, email)
);
CREATE INDEX block_emails_lookup ON block_emails(store_id, email);
