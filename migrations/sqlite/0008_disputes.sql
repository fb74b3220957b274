-- Disputes (R-DISP-1): a chargeback the payment provider reported on an order's charge.
-- A charge is disputed at most once (card networks allow one dispute per charge), and each
-- provider dispute is recorded once: its id is unique, so a repeated notification has no
-- second effect. A resolved dispute (won or lost) is final.
CREATE TABLE disputes (
  id                   INTEGER PRIMARY KEY,
  public_id            TEXT NOT NULL UNIQUE,
  store_id             INTEGER NOT NULL REFERENCES stores(id),
  order_id             INTEGER NOT NULL REFERENCES orders(id),
  provider_dispute_id  TEXT NOT NULL UNIQUE,
  currency             TEXT NOT NULL,
  amount_minor         BIGINT NOT NULL CHECK (amount_minor > 0),
  reason               TEXT NOT NULL,
  status               TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
  opened_at            BIGINT NOT NULL,
  resolved_at          BIGINT,
  CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX disputes_one_per_order ON disputes(order_id);
CREATE INDEX disputes_store_opened ON disputes(store_id, opened_at);

CREATE TRIGGER disputes_no_delete BEFORE DELETE ON disputes
BEGIN SELECT RAISE(ABORT, 'disputes are kept'); END;
CREATE TRIGGER disputes_fixed BEFORE UPDATE OF amount_minor, order_id, store_id,
  provider_dispute_id, public_id, currency ON disputes
BEGIN SELECT RAISE(ABORT, 'a dispute''s amount and order never change'); END;
CREATE TRIGGER disputes_final BEFORE UPDATE ON disputes WHEN OLD.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'a resolved dispute is final'); END;
