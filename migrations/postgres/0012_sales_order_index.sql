-- Sales rows by order: a refund request marks (and its answer clears) every row of its order,
-- which without this index scanned the whole table. And sales_store_time (0007) repeated the
-- prefix of sales_store_created, which serves the same range scans: one index less to write.
CREATE INDEX sales_order ON sales(order_id);
DROP INDEX sales_store_time;
