// Orders: customers of a store, orders and their lines, as paid (R-CHK-1, R-ID-1).
// An order snapshots titles, tiers, prices, terms, tax and fees: later catalog edits never
// change what a buyer bought.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::orders {

struct Customer {
  int64_t id = 0;
  std::string public_id;  // "cus_…"
  int64_t store_id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string email;
};

struct Line {
  int64_t id = 0;
  std::string public_id;  // "li_…"
  int64_t product_id = 0;
  std::string product_public_id;
  int64_t tier_id = 0;
  std::string tier_public_id;
  std::string product_title;
  std::string tier_name;
  std::string terms;
  int64_t quantity = 1;
  int64_t unit_price_minor = 0;
  int64_t subtotal_minor = 0;
  int64_t tax_minor = 0;
  int64_t total_minor = 0;
  int64_t fee_minor = 0;
  int64_t refunded_minor = 0;
};

struct Order {
  int64_t id = 0;
  std::string public_id;  // "SD-XXXX-XXXX": short, printed on receipts, searchable
  int64_t store_id = 0;
  int64_t customer_id = 0;
  int64_t buyer_user_id = 0;
  std::string email;
  std::string name;
  std::string currency;
  int64_t subtotal_minor = 0;
  int64_t tax_minor = 0;
  int64_t total_minor = 0;
  int64_t fee_minor = 0;
  int64_t net_minor = 0;
  std::string tax_country;
  std::string tax_region;
  int64_t tax_rate_ppm = 0;
  std::string tax_label;
  std::string evidence;  // JSON
  std::string payment_brand;
  std::string payment_last4;
  std::string payment_fingerprint;
  std::string provider_charge_id;
  std::optional<Micros> consent_at;
  Micros created_at = 0;
  Micros available_at = 0;
  std::vector<Line> lines;
};

// --- rules (pure) ---
// "SD-" + 4 + "-" + 4 Crockford base32 characters (40 random bits; collisions retried).
std::string new_order_public_id();
// Sums the lines into the order's subtotal/tax/total/fee/net; invalid_input
// `amount_overflow` if any sum leaves int64.
Result<void> total_up(Order& order);

// --- store (SQL) ---
// The store's customer record for an account, created on the first purchase.
Result<Customer> upsert_customer(db::Tx& tx, int64_t store_id, int64_t user_id,
                                 const std::string& name, const std::string& email);
// Inserts the order and its lines; fills ids and public ids.
Result<Order> insert_order(db::Tx& tx, Order order);
// An order of the store by public id; not_found `order_not_found` otherwise.
Result<Order> get_order(db::Tx& tx, int64_t store_id, std::string_view public_id);
// The order paid by a provider charge, if any (a charge pays at most one order).
Result<std::optional<Order>> find_by_charge(db::Tx& tx, std::string_view provider_charge_id);
// An order of the buyer by public id; not_found `order_not_found` otherwise.
Result<Order> get_buyer_order(db::Tx& tx, int64_t buyer_user_id, std::string_view public_id);

}  // namespace sd::orders
