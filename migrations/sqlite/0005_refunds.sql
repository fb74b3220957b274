-- Refunds (R-REF-1..7): one row per refund, its per-line parts, and the provider call's state.
-- order_lines.refunded_minor (0003) already holds the CHECK that keeps refunded <= paid per line.

CREATE TABLE refunds (
  id                  INTEGER PRIMARY KEY,
  public_id           TEXT NOT NULL UNIQUE,
  store_id            INTEGER NOT NULL REFERENCES stores(id),
  order_id            INTEGER NOT NULL REFERENCES orders(id),
  currency            TEXT NOT NULL,
  amount_minor        BIGINT NOT NULL CHECK (amount_minor > 0),
  tax_minor           BIGINT NOT NULL CHECK (tax_minor >= 0 AND tax_minor <= amount_minor),
  fee_minor           BIGINT NOT NULL CHECK (fee_minor >= 0),  -- platform fee returned
  seller_share_minor  BIGINT NOT NULL CHECK (seller_share_minor >= 0),
  reason              TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('processing', 'succeeded')),
  provider_key        TEXT NOT NULL UNIQUE,  -- idempotency key sent to the provider
  provider_refund_id  TEXT,                  -- NULL until the provider accepted the refund
  submit_attempts     INTEGER NOT NULL DEFAULT 0,
  next_submit_at      BIGINT NOT NULL,
  created_at          BIGINT NOT NULL,
  settles_at          BIGINT NOT NULL,
  succeeded_at        BIGINT,
  CHECK (seller_share_minor + fee_minor + tax_minor = amount_minor)
);
CREATE INDEX refunds_order ON refunds(order_id, created_at);
CREATE INDEX refunds_store_created ON refunds(store_id, created_at);
CREATE INDEX refunds_due ON refunds(status, settles_at);

CREATE TABLE refund_lines (
  refund_id      INTEGER NOT NULL REFERENCES refunds(id),
  order_line_id  INTEGER NOT NULL REFERENCES order_lines(id),
  amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
  tax_minor      BIGINT NOT NULL CHECK (tax_minor >= 0),
  fee_minor      BIGINT NOT NULL CHECK (fee_minor >= 0),
  full_line      INTEGER NOT NULL,  -- 1 when this refund brought the line to fully refunded
  PRIMARY KEY (refund_id, order_line_id)
);
CREATE INDEX refund_lines_line ON refund_lines(order_line_id);

-- A refund is irreversible: it is never deleted, and its amounts never change.
CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are irreversible'); END;
CREATE TRIGGER refunds_amounts_fixed BEFORE UPDATE OF amount_minor, tax_minor, fee_minor,
  seller_share_minor, order_id, store_id ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are irreversible'); END;
CREATE TRIGGER refund_lines_no_change BEFORE UPDATE ON refund_lines
BEGIN SELECT RAISE(ABORT, 'refunds are irreversible'); END;
CREATE TRIGGER refund_lines_no_delete BEFORE DELETE ON refund_lines
BEGIN SELECT RAISE(ABORT, 'refunds are irreversible'); END;

-- Buyers' refund requests (R-REF-9): at most one open request per order; the seller grants
-- (a refund, recorded in the same transaction) or declines with a message to the buyer.
CREATE TABLE refund_requests (
  id              INTEGER PRIMARY KEY,
  public_id       TEXT NOT NULL UNIQUE,
  store_id        INTEGER NOT NULL REFERENCES stores(id),
  order_id        INTEGER NOT NULL REFERENCES orders(id),
  reason          TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'granted', 'declined')),
  created_at      BIGINT NOT NULL,
  reply_by        BIGINT NOT NULL,
  decided_at      BIGINT,
  decline_message TEXT,
  refund_id       INTEGER REFERENCES refunds(id)
);
CREATE UNIQUE INDEX refund_requests_one_open ON refund_requests(order_id) WHERE status = 'open';
CREATE INDEX refund_requests_store ON refund_requests(store_id, status, created_at);
