-- The version of each store's Sales view (Issue 4: Sales answers cached in memory, ETags).
-- Everything the Sales list shows comes from the store's sales rows, the rollup (written only
-- by modules/sales in the transaction that changes the rows) and the store's currency.
-- Triggers bump the version in the transaction of every change to the rows and the currency,
-- so no code path (checkout, refund, dispute, refund request, a bulk generator, a future one)
-- can forget it. SQLite serialises writers (in one process and across processes),
-- so the version only grows, and two snapshots that read the same version of a store read the
-- same Sales data: an answer made in a snapshot of version v stays right while v is current.
-- (PostgreSQL keeps no such version: see docs/ARCHITECTURE.md, "Sales answers cache".)
CREATE TABLE sales_versions (
  store_id INTEGER PRIMARY KEY REFERENCES stores(id),
  version  INTEGER NOT NULL
);

INSERT INTO sales_versions (store_id, version) SELECT id, 1 FROM stores;

CREATE TRIGGER sales_version_on_insert AFTER INSERT ON sales BEGIN
  INSERT INTO sales_versions (store_id, version) VALUES (NEW.store_id, 1)
    ON CONFLICT (store_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER sales_version_on_update AFTER UPDATE ON sales BEGIN
  INSERT INTO sales_versions (store_id, version) VALUES (NEW.store_id, 1)
    ON CONFLICT (store_id) DO UPDATE SET version = version + 1;
  INSERT INTO sales_versions (store_id, version)
    SELECT OLD.store_id, 1 WHERE OLD.store_id IS NOT NEW.store_id
    ON CONFLICT (store_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER sales_version_on_delete AFTER DELETE ON sales BEGIN
  INSERT INTO sales_versions (store_id, version) VALUES (OLD.store_id, 1)
    ON CONFLICT (store_id) DO UPDATE SET version = version + 1;
END;

-- The summary carries the store's currency.
CREATE TRIGGER sales_version_on_currency AFTER UPDATE OF currency ON stores
  WHEN OLD.currency IS NOT NEW.currency BEGIN
  INSERT INTO sales_versions (store_id, version) VALUES (NEW.id, 1)
    ON CONFLICT (store_id) DO UPDATE SET version = version + 1;
END;
