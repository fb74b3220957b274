// SQL of the sales read model for status changes (refunds, disputes, refund requests).
#include "modules/sales/sales.hpp"

namespace sd::sales {

Result<void> set_status(db::Tx& tx, int64_t line_id, std::string_view status,
                        std::optional<int64_t> refunded_minor) {
  // The row as it was: its old status leaves the rollup and the new one enters it.
  auto before = SD_TRY(tx.query_one(
      "SELECT store_id, created_at, status, product_public_id, tier_name, country, total_minor "
      "FROM sales WHERE line_id = $1",
      {line_id}));
  if (!before) return {};
  SD_TRY(tx.exec(
      "UPDATE sales SET status = $2, refunded_minor = COALESCE($3, refunded_minor) "
      "WHERE line_id = $1",
      {line_id, status, refunded_minor ? db::Value(*refunded_minor) : db::Value(nullptr)}));
  SaleRow s;
  s.store_id = before->i64(0);
  s.created_at = before->i64(1);
  s.product_public_id = before->text(3);
  s.tier_name = before->text(4);
  s.country = before->text(5);
  s.total_minor = before->i64(6);
  return rollup_status_change(tx, s, before->text(2), status);
}

Result<void> set_refund_request(db::Tx& tx, int64_t order_id, std::optional<Micros> reply_by) {
  SD_TRY(tx.exec("UPDATE sales SET refund_request_reply_by = $2 WHERE order_id = $1",
                 {order_id, reply_by ? db::Value(*reply_by) : db::Value(nullptr)}));
  return {};
}

}  // namespace sd::sales
