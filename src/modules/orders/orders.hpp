// Orders: customers of a store, orders and their lines, as paid (R-CHK-1, R-ID-1).
// An order snapshots titles, tiers, prices, terms, tax and fees: later catalog edits never
// change what a buyer bought.
#pragma once

#include <cstdint>
#include <functional>
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

// A customer of the store with the sums of their orders (R-SALES-5).
struct CustomerSummary {
  Customer customer;
  Micros created_at = 0;
  std::string country;  // of the latest order ("" before any)
  std::string currency;  // of the latest order ("" before any)
  int64_t orders_count = 0;
  int64_t total_spent_minor = 0;  // sum of the orders' totals, as paid
  int64_t refunded_minor = 0;     // sum of what was refunded from them
  std::optional<Micros> first_order_at;
  std::optional<Micros> last_order_at;
};

// A position in a newest-first list: rows strictly after it come before (at, public_id) in
// the order created_at DESC, public_id DESC. `public_id` = nullopt means "every row at `at`
// too" (the cursor sat on another kind of row at that instant).
struct Keyset {
  Micros at = 0;
  std::optional<std::string> public_id;
};

// One order as a line of a customer's transaction history.
struct PurchaseRow {
  std::string order_public_id;
  Micros created_at = 0;
  std::string description;  // the product titles, in line order
  int64_t total_minor = 0;
  int64_t refunded_minor = 0;
  std::string currency;
};

// One entry of an order's status history.
struct HistoryEvent {
  std::string status;  // paid | funds_available | access_revoked | (issue 5: refund_…)
  Micros at = 0;
  std::string note;
};

// --- rules (pure) ---
// "SD-" + 4 + "-" + 4 Crockford base32 characters: the first three are `at`'s second modulo
// 2^15 (about nine hours), the other five random, so that orders made close in time sort together
// in the orders' unique index (40 bits in all, as when it was all random; collisions retried).
std::string new_order_public_id(Micros at);
// Sums the lines into the order's subtotal/tax/total/fee/net; invalid_input
// `amount_overflow` if any sum leaves int64.
Result<void> total_up(Order& order);
// complete | partially_refunded | refunded, from what was paid and what was refunded.
std::string payment_status(int64_t total_minor, int64_t refunded_minor);
// The order's history, oldest first: paid at created_at, funds available once `now` reached
// available_at, then `recorded` events (access changes, refunds…) placed by time; events at
// the same instant keep that order.
std::vector<HistoryEvent> status_history(const Order& order, Micros now,
                                         std::vector<HistoryEvent> recorded);

// --- store (SQL) ---
// The store's customer record for an account, created on the first purchase (at `now`).
Result<Customer> upsert_customer(db::Tx& tx, int64_t store_id, int64_t user_id,
                                 const std::string& name, const std::string& email, Micros now);
// Inserts the order and its lines; fills ids and the public ids left empty. A given order
// public id is kept unless it is taken (then another is drawn).
Result<Order> insert_order(db::Tx& tx, Order order);
// Generators (seed-demo): appends orders and their lines with the ids and public ids they carry
// (db::reserve_ids; public ids unused), in few statements.
Result<void> append_orders(db::Tx& tx, const std::vector<Order>& orders);
// Every order public id in use (any store), streamed: generators avoid them.
Result<void> each_public_id(db::Tx& tx, const std::function<void(std::string_view)>& on_id);
// An order of the store by public id; not_found `not_found` otherwise.
Result<Order> get_order(db::Tx& tx, int64_t store_id, std::string_view public_id);
// The order paid by a provider charge, if any (a charge pays at most one order).
Result<std::optional<Order>> find_by_charge(db::Tx& tx, std::string_view provider_charge_id);
// The store's customer (by internal id); not_found `not_found` otherwise.
Result<Customer> get_customer(db::Tx& tx, int64_t store_id, int64_t customer_id);
// The store's customer by public id with their sums; not_found `not_found` for
// another store's or an unknown id.
Result<CustomerSummary> customer_summary(db::Tx& tx, int64_t store_id, std::string_view public_id);
// The customer's orders newest first (created_at DESC, public_id DESC), strictly after
// `after` when given, at most `limit`.
Result<std::vector<PurchaseRow>> customer_purchases(db::Tx& tx, int64_t store_id,
                                                    int64_t customer_id,
                                                    const std::optional<Keyset>& after, int limit);
// The store's customer by public id; not_found `not_found` (param `id`) otherwise.
Result<Customer> get_customer_by_public_id(db::Tx& tx, int64_t store_id,
                                           std::string_view public_id);
// The store's customer record of an account, if the account ever bought there.
Result<std::optional<Customer>> find_customer_by_user(db::Tx& tx, int64_t store_id,
                                                      int64_t user_id);
// The payment-method fingerprints an account paid this store with (distinct; free orders'
// empty fingerprint left out). Blocking walks these links.
Result<std::vector<std::string>> payment_fingerprints_of(db::Tx& tx, int64_t store_id,
                                                         int64_t user_id);
// The accounts that paid this store with a fingerprint (distinct, ascending).
Result<std::vector<int64_t>> buyers_with_fingerprint(db::Tx& tx, int64_t store_id,
                                                     std::string_view fingerprint);
// An order of the buyer by public id; not_found `not_found` otherwise.
Result<Order> get_buyer_order(db::Tx& tx, int64_t buyer_user_id, std::string_view public_id);

// --- refunds (issue 5) ---
// Adds `amount` to a line's refunded_minor; the database CHECK refuses more than was paid
// (conflict `check_violation`).
// An order of the store by internal id; not_found otherwise.
Result<Order> get_order_by_id(db::Tx& tx, int64_t store_id, int64_t order_id);
Result<void> add_refunded(db::Tx& tx, int64_t order_line_id, int64_t amount_minor);
// The customer's order lines bought in [from, to], for refund evidence (R-REF-8).
struct BoughtLine {
  int64_t order_id = 0;
  std::string order_public_id;
  Micros created_at = 0;
  int64_t product_id = 0;
  std::string product_title;
  int64_t quantity = 1;
};
Result<std::vector<BoughtLine>> customer_lines(db::Tx& tx, int64_t customer_id, Micros from,
                                               Micros to);

}  // namespace sd::orders
