// The Sales view's read model (R-SALES-1): one denormalised row per order line, written in the
// same transaction as the order (and, later, its refunds and disputes).
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::sales {

struct SaleRow {
  int64_t line_id = 0;
  int64_t store_id = 0;
  int64_t order_id = 0;
  std::string order_public_id;
  std::string line_public_id;
  Micros created_at = 0;
  int64_t product_id = 0;
  std::string product_public_id;
  std::string product_title;
  std::string tier_name;
  int64_t quantity = 1;
  int64_t customer_id = 0;
  std::string customer_public_id;
  std::string customer_name;
  std::string customer_email;
  std::string status = "complete";  // complete | refunded | partially_refunded | …
  int64_t unit_price_minor = 0;
  int64_t price_minor = 0;  // line subtotal
  int64_t tax_minor = 0;
  int64_t tax_rate_ppm = 0;
  int64_t total_minor = 0;
  int64_t refunded_minor = 0;
  std::string currency;
  std::string country;
  std::string region;
  std::string payment_brand;
  std::string payment_last4;
  std::string license_key;
};

Result<void> record(db::Tx& tx, const SaleRow& row);

}  // namespace sd::sales

namespace sd::sales {

// A refund changed a line (issue 5): its refunded amount and status (complete | refunded |
// partially_refunded | refund_processing), written in the refund's own transaction.
Result<void> apply_refund(db::Tx& tx, int64_t line_id, int64_t refunded_minor,
                          const std::string& status);

}  // namespace sd::sales
