// SQL of the sales read model for disputes, and nothing else.
#include "modules/sales/sales.hpp"

namespace sd::sales {

Result<void> apply_dispute_status(db::Tx& tx, int64_t line_id, const std::string& status) {
  // The row as it was: its old status leaves the rollup and the new one enters it.
  auto before = SD_TRY(tx.query_one(
      "SELECT store_id, created_at, status, product_public_id, tier_name, country, total_minor "
      "FROM sales WHERE line_id = $1",
      {line_id}));
  if (!before || before->text(2) == status) return {};
  SD_TRY(tx.exec("UPDATE sales SET status = $2 WHERE line_id = $1", {line_id, status}));
  SaleRow s;
  s.store_id = before->i64(0);
  s.created_at = before->i64(1);
  s.product_public_id = before->text(3);
  s.tier_name = before->text(4);
  s.country = before->text(5);
  s.total_minor = before->i64(6);
  return rollup_status_change(tx, s, before->text(2), status);
}

}  // namespace sd::sales
