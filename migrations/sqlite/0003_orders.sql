-- Orders: customers, orders and lines, the ledger, entitlements, license keys, the sales read
-- model and the email outbox. Money is integer minor units; times are BIGINT microseconds.

-- A buyer as a customer of one store (the buyer's account spans stores).
CREATE TABLE customers (
  id              INTEGER PRIMARY KEY,
  public_id       TEXT NOT NULL UNIQUE,
  store_id        INTEGER NOT NULL REFERENCES stores(id),
  user_id         INTEGER NOT NULL REFERENCES users(id),
  name            TEXT NOT NULL,
  email           TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  UNIQUE (store_id, user_id)
);

CREATE TABLE orders (
  id                  INTEGER PRIMARY KEY,
  public_id           TEXT NOT NULL UNIQUE,
  store_id            INTEGER NOT NULL REFERENCES stores(id),
  customer_id         INTEGER NOT NULL REFERENCES customers(id),
  buyer_user_id       INTEGER NOT NULL REFERENCES users(id),
  email               TEXT NOT NULL,
  name                TEXT NOT NULL,
  currency            TEXT NOT NULL,
  subtotal_minor      BIGINT NOT NULL CHECK (subtotal_minor >= 0),
  tax_minor           BIGINT NOT NULL CHECK (tax_minor >= 0),
  total_minor         BIGINT NOT NULL CHECK (total_minor = subtotal_minor + tax_minor),
  fee_minor           BIGINT NOT NULL CHECK (fee_minor >= 0),
  net_minor           BIGINT NOT NULL CHECK (net_minor = subtotal_minor - fee_minor),
  tax_country         TEXT NOT NULL,
  tax_region          TEXT NOT NULL,
  tax_rate_ppm        BIGINT NOT NULL,
  tax_label           TEXT NOT NULL,
  evidence            TEXT NOT NULL,  -- JSON: declared/card/ip country, postal code, rule
  payment_brand       TEXT NOT NULL,
  payment_last4       TEXT NOT NULL,
  payment_fingerprint TEXT NOT NULL,
  provider_charge_id  TEXT NOT NULL UNIQUE,
  consent_at          BIGINT,         -- EU consent to immediate delivery (R-CHK-6)
  created_at          BIGINT NOT NULL,
  available_at        BIGINT NOT NULL  -- end of the hold period
);
CREATE INDEX orders_store_created ON orders(store_id, created_at, id);
CREATE INDEX orders_customer ON orders(customer_id, created_at);
CREATE INDEX orders_fingerprint ON orders(payment_fingerprint);

CREATE TABLE order_lines (
  id               INTEGER PRIMARY KEY,
  public_id        TEXT NOT NULL UNIQUE,
  order_id         INTEGER NOT NULL REFERENCES orders(id),
  store_id         INTEGER NOT NULL REFERENCES stores(id),
  product_id       INTEGER NOT NULL REFERENCES products(id),
  tier_id          INTEGER NOT NULL REFERENCES product_tiers(id),
  product_title    TEXT NOT NULL,
  tier_name        TEXT NOT NULL,
  terms            TEXT NOT NULL,
  quantity         INTEGER NOT NULL CHECK (quantity >= 1),
  unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
  subtotal_minor   BIGINT NOT NULL CHECK (subtotal_minor = unit_price_minor * quantity),
  tax_minor        BIGINT NOT NULL CHECK (tax_minor >= 0),
  total_minor      BIGINT NOT NULL CHECK (total_minor = subtotal_minor + tax_minor),
  fee_minor        BIGINT NOT NULL CHECK (fee_minor >= 0),
  refunded_minor   BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor BETWEEN 0 AND total_minor)
);
CREATE INDEX order_lines_order ON order_lines(order_id);

-- The ledger (R-LED-1): append-only postings grouped in balanced journal entries.
-- Sign: debit positive, credit negative; each entry sums to zero per currency.
CREATE TABLE journal_entries (
  id         INTEGER PRIMARY KEY,
  store_id   INTEGER NOT NULL REFERENCES stores(id),
  kind       TEXT NOT NULL,  -- sale, payout, …
  order_id   INTEGER REFERENCES orders(id),
  memo       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX journal_entries_store ON journal_entries(store_id, id);

CREATE TABLE postings (
  id           INTEGER PRIMARY KEY,
  entry_id     INTEGER NOT NULL REFERENCES journal_entries(id),
  store_id     INTEGER NOT NULL REFERENCES stores(id),
  account      TEXT NOT NULL CHECK (account IN ('buyer_payments', 'creator', 'platform_fees',
                                                 'tax_payable', 'refunds', 'payouts')),
  currency     TEXT NOT NULL,
  amount_minor BIGINT NOT NULL CHECK (amount_minor <> 0),
  available_at BIGINT NOT NULL,  -- creator funds: end of the hold; others: created_at
  created_at   BIGINT NOT NULL
);
CREATE INDEX postings_store_account ON postings(store_id, account, available_at);
CREATE INDEX postings_entry ON postings(entry_id);

CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;

CREATE TABLE entitlements (
  id            INTEGER PRIMARY KEY,
  public_id     TEXT NOT NULL UNIQUE,
  store_id      INTEGER NOT NULL REFERENCES stores(id),
  user_id       INTEGER NOT NULL REFERENCES users(id),
  order_id      INTEGER NOT NULL REFERENCES orders(id),
  order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
  product_id    INTEGER NOT NULL REFERENCES products(id),
  revoked_at    BIGINT,
  revoked_reason TEXT,
  created_at    BIGINT NOT NULL
);
CREATE INDEX entitlements_user ON entitlements(user_id, created_at);
CREATE INDEX entitlements_line ON entitlements(order_line_id);

CREATE TABLE download_counts (
  entitlement_id INTEGER NOT NULL REFERENCES entitlements(id),
  file_id        INTEGER NOT NULL REFERENCES product_files(id),
  store_id       INTEGER NOT NULL REFERENCES stores(id),
  downloads      INTEGER NOT NULL,
  last_at        BIGINT NOT NULL,
  PRIMARY KEY (entitlement_id, file_id)
);

CREATE TABLE license_keys (
  id            INTEGER PRIMARY KEY,
  license_key   TEXT NOT NULL UNIQUE,
  product_public_id TEXT NOT NULL,  -- what integrations send to the public verify endpoint
  store_id      INTEGER NOT NULL REFERENCES stores(id),
  product_id    INTEGER NOT NULL REFERENCES products(id),
  order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
  uses          INTEGER NOT NULL DEFAULT 0,
  disabled_at   BIGINT,
  disabled_reason TEXT,
  created_at    BIGINT NOT NULL
);
CREATE INDEX license_keys_line ON license_keys(order_line_id);

-- The Sales view's read model: one row per order line, written with the order.
CREATE TABLE sales (
  line_id          INTEGER PRIMARY KEY REFERENCES order_lines(id),
  store_id         INTEGER NOT NULL REFERENCES stores(id),
  order_id         INTEGER NOT NULL REFERENCES orders(id),
  order_public_id  TEXT NOT NULL,
  line_public_id   TEXT NOT NULL,
  created_at       BIGINT NOT NULL,
  product_id       INTEGER NOT NULL,
  product_public_id TEXT NOT NULL,
  product_title    TEXT NOT NULL,
  tier_name        TEXT NOT NULL,
  quantity         INTEGER NOT NULL,
  customer_id      INTEGER NOT NULL,
  customer_public_id TEXT NOT NULL,
  customer_name    TEXT NOT NULL,
  customer_email   TEXT NOT NULL,
  status           TEXT NOT NULL,
  unit_price_minor BIGINT NOT NULL,
  price_minor      BIGINT NOT NULL,
  tax_minor        BIGINT NOT NULL,
  tax_rate_ppm     BIGINT NOT NULL,
  total_minor      BIGINT NOT NULL,
  refunded_minor   BIGINT NOT NULL,
  currency         TEXT NOT NULL,
  country          TEXT NOT NULL,
  region           TEXT NOT NULL,
  payment_brand    TEXT NOT NULL,
  payment_last4    TEXT NOT NULL,
  license_key      TEXT NOT NULL
);
CREATE INDEX sales_store_created ON sales(store_id, created_at DESC, line_id DESC);

-- Process-wide secrets (link signing, payment fingerprints), created once, shared by instances.
-- (server_state from 0001 holds them under keys 'secret:*'.)

-- Email leaves through this outbox, written in the same transaction as what caused it.
CREATE TABLE outbox_emails (
  id              INTEGER PRIMARY KEY,
  store_id        INTEGER REFERENCES stores(id),
  kind            TEXT NOT NULL,
  message         TEXT NOT NULL,  -- JSON of the email (addresses, subject, bodies, headers)
  created_at      BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  sent_at         BIGINT,
  failed_at       BIGINT,
  last_error      TEXT
);
CREATE INDEX outbox_emails_due ON outbox_emails(sent_at, failed_at, next_attempt_at);
