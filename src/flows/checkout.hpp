// Checkout (R-CHK-1..6, R-TAX, R-LED-1..2): quote, charge, then write the order, its ledger
// entry, entitlements, license keys, sales rows and the receipt's outbox row in one
// transaction. A charge whose transaction then fails is refunded at the provider before the
// error is returned.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/accounts/accounts.hpp"
#include "modules/catalog/catalog.hpp"
#include "modules/orders/orders.hpp"
#include "modules/outbox/outbox.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"
#include "modules/tax/tax.hpp"
#include "platform/db/database.hpp"
#include "platform/payments/payments.hpp"

namespace sd::flows {

struct CheckoutItem {
  std::string product_id;  // public ids
  std::string tier_id;
  int64_t quantity = 1;
};

struct CheckoutInput {
  std::string store_slug;
  std::vector<CheckoutItem> items;
  std::string email;
  std::string name;
  std::string country;
  std::string region;
  std::string postal_code;
  std::string payment_token;
  bool consent_immediate_delivery = false;
  std::string ip_country;                 // when known (no GeoIP is bundled)
  std::optional<int64_t> buyer_user_id;   // a signed-in buyer buys as themselves
  std::string idempotency_key;            // the client's, passed to the provider
};


struct CheckoutResult {
  orders::Order order;
  std::string store_name;
  std::string store_slug;
  std::string support_email;
  std::vector<std::string> license_keys;  // per line, "" when none
  // A session for a buyer whose account this checkout created (the library opens at once).
  std::optional<accounts::StartedSession> session;
};

struct CheckoutDeps {
  db::Database& db;
  const Clock& clock;
  payments::Provider& provider;
  const tax::RateTable& taxes;
  std::string public_url;  // for links in the receipt, e.g. http://127.0.0.1:8080
  // Test-mode fault injection: while > 0, the order transaction fails after the charge.
  std::atomic<int>* fail_next_commits = nullptr;
  // Runs once after the charge, outside any transaction, with the result the write is expected
  // to produce: the same order and line ids, license keys, time and session (row ids are 0),
  // so the caller can make its answer outside the writer.
  std::function<void(const CheckoutResult&)> on_predicted;
  // Runs last inside the order's write transaction, for a new order and for a charge that had
  // already paid one (the API records its Idempotency-Key answer there). May run twice.
  // `as_predicted`: the written result is on_predicted's (false when the drawn order id was
  // taken, the buyer's account appeared or vanished since the quote, or the charge had
  // already paid an order).
  std::function<Result<void>(db::Tx&, const CheckoutResult&, bool as_predicted)> on_written;
};

Result<CheckoutResult> checkout(CheckoutDeps& deps, const CheckoutInput& input);

// The receipt of the order an outbox reference names (checkout enqueues one per order), as
// the mail job sends it: order id, items with their terms and license keys, totals, the
// library link under `public_url`, the products' support material and the store's support
// email. nullopt when `ref` is not a receipt.
Result<std::optional<outbox::OutgoingEmail>> receipt_email(db::Tx& tx,
                                                           const outbox::Reference& ref,
                                                           const std::string& public_url);

// --- generators (seed-demo) write many past orders at once with the checkout's own rules ---

// The order a checkout of `in` at `at`, paid with `charge`, writes (lines priced, taxed half-up
// per line, the platform fee shared; tax decision and its evidence; payment; hold), computed
// without the database. `items` are in.items' purchasables (catalog::find_purchasable), in
// order. Ids, public ids, customer and buyer are left to the caller. Errors as checkout's.
Result<orders::Order> generated_order(const stores::Store& store,
                                      const std::vector<catalog::Purchasable>& items,
                                      const CheckoutInput& in, const payments::PaymentMethod& pm,
                                      const payments::Charge& charge, const tax::RateTable& taxes,
                                      Micros at);

// What a paid line grants (R-CAT-4): the product itself, then each product its bundle
// contains (`bundle_public_ids` parallel to item.bundle_items), with a license key where the
// product issues them (the line's key is the first one).
struct Grant {
  int64_t product_id = 0;
  std::string product_public_id;
  bool license_key = false;
};
std::vector<Grant> grants_of(const catalog::Purchasable& item,
                             const std::vector<std::string>& bundle_public_ids);

// The Sales view's row of a written order line, as checkout records it.
sales::SaleRow sale_row_of(const orders::Order& order, const orders::Line& line,
                           const orders::Customer& customer, const std::string& license_key);

// The seam where blocking (R-BLK-1) refuses a buyer: by account (0 = none yet), email
// (compared normalised) and payment fingerprint ("" = none), against this store's blocks.
// A refusal is 402 `purchase_not_allowed` with a neutral message: the code the buyer sees
// must not tell a block from another refusal. Called before the charge and again inside the
// write transaction (a block made meanwhile refuses there, and the charge is given back).
Result<void> ensure_may_buy(db::Tx& tx, int64_t store_id, int64_t user_id,
                            std::string_view canonical_email, std::string_view fingerprint);

}  // namespace sd::flows
