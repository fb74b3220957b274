// SQL of the orders module used by refunds (issue 5), and nothing else.
#include "modules/orders/orders.hpp"

namespace sd::orders {

Result<Order> get_order_by_id(db::Tx& tx, int64_t store_id, int64_t order_id) {
  auto row = SD_TRY(tx.query_one("SELECT public_id FROM orders WHERE store_id = $1 AND id = $2",
                                 {store_id, order_id}));
  if (!row) return fail(ErrorKind::not_found, "not_found", "order not found");
  return get_order(tx, store_id, row->text(0));
}

Result<void> add_refunded(db::Tx& tx, int64_t order_line_id, int64_t amount_minor) {
  SD_TRY(tx.exec("UPDATE order_lines SET refunded_minor = refunded_minor + $2 WHERE id = $1",
                 {order_line_id, amount_minor}));
  return {};
}

Result<std::vector<BoughtLine>> customer_lines(db::Tx& tx, int64_t customer_id, Micros from,
                                               Micros to) {
  std::vector<BoughtLine> out;
  for (const auto& r : SD_TRY(tx.query(
           "SELECT o.id, o.public_id, o.created_at, l.product_id, l.product_title, l.quantity "
           "FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = $1 "
           "AND o.created_at >= $2 AND o.created_at <= $3 ORDER BY o.created_at, l.id",
           {customer_id, from, to}))) {
    out.push_back({r.i64(0), r.text(1), r.i64(2), r.i64(3), r.text(4), r.i64(5)});
  }
  return out;
}

}  // namespace sd::orders
