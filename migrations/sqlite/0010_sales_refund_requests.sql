-- The Sales view shows open buyer refund requests (R-REF-9): the sale rows of an order with an
-- open request carry its reply deadline, written in the request's own transaction (and cleared
-- when the seller grants or declines it), so the list and its "refund requested" filter read
-- the read model alone.
ALTER TABLE sales ADD COLUMN refund_request_reply_by BIGINT;
UPDATE sales SET refund_request_reply_by =
  (SELECT r.reply_by FROM refund_requests r WHERE r.order_id = sales.order_id AND r.status = 'open');
CREATE INDEX sales_refund_requested ON sales(store_id, created_at)
  WHERE refund_request_reply_by IS NOT NULL;
