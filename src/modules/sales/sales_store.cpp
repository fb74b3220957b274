// SQL of the sales read model, and nothing else.
#include "modules/sales/sales.hpp"

namespace sd::sales {

Result<void> record(db::Tx& tx, const SaleRow& s) {
  SD_TRY(tx.exec(
      "INSERT INTO sales (line_id, store_id, order_id, order_public_id, line_public_id, "
      "created_at, product_id, product_public_id, product_title, tier_name, quantity, "
      "customer_id, customer_public_id, customer_name, customer_email, status, unit_price_minor, "
      "price_minor, tax_minor, tax_rate_ppm, total_minor, refunded_minor, currency, country, "
      "region, payment_brand, payment_last4, license_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, "
      "$27, $28)",
      {s.line_id, s.store_id, s.order_id, s.order_public_id, s.line_public_id, s.created_at,
       s.product_id, s.product_public_id, s.product_title, s.tier_name, s.quantity, s.customer_id,
       s.customer_public_id, s.customer_name, s.customer_email, s.status, s.unit_price_minor,
       s.price_minor, s.tax_minor, s.tax_rate_ppm, s.total_minor, s.refunded_minor, s.currency,
       s.country, s.region, s.payment_brand, s.payment_last4, s.license_key}));
  return {};
}

}  // namespace sd::sales
