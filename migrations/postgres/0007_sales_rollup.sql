-- Counts and sums of sales per store and period (Issue 4: the Sales view's summary and chart
-- stay instant at a million orders). One row per (grain, period, status, product, tier,
-- country): grain 'd' is a UTC day, 'm' a UTC month and 'a' all time; `period` is the day
-- number (days since 1970-01-01) of the day or of the month's first day, 0 for all time. Written by the same transaction as the
-- sales rows (sales::record, and status changes), so it always equals them.
CREATE TABLE sales_rollup (
  store_id          BIGINT NOT NULL REFERENCES stores(id),
  grain             TEXT NOT NULL CHECK (grain IN ('d', 'm', 'a')),
  period            BIGINT NOT NULL,
  status            TEXT NOT NULL,
  product_public_id TEXT NOT NULL,
  tier_name         TEXT NOT NULL,
  country           TEXT NOT NULL,
  count             BIGINT NOT NULL,
  total_minor       BIGINT NOT NULL,
  PRIMARY KEY (store_id, grain, period, status, product_public_id, tier_name, country)
);

INSERT INTO sales_rollup
SELECT store_id, 'd', created_at / 86400000000, status, product_public_id, tier_name, country,
       count(*), sum(total_minor)
FROM sales GROUP BY store_id, created_at / 86400000000, status, product_public_id, tier_name, country;

INSERT INTO sales_rollup
SELECT store_id, 'm',
       (date_trunc('month', to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC')::date
         - DATE '1970-01-01') AS month,
       status, product_public_id, tier_name, country, count(*), sum(total_minor)
FROM sales GROUP BY store_id, month, status, product_public_id, tier_name, country;

INSERT INTO sales_rollup
SELECT store_id, 'a', 0, status, product_public_id, tier_name, country, count(*), sum(total_minor)
FROM sales GROUP BY store_id, status, product_public_id, tier_name, country;

-- Partial days at the edges of a date range are counted from the rows themselves (0012 drops
-- this index again: sales_store_created serves those range scans).
CREATE INDEX sales_store_time ON sales(store_id, created_at);
