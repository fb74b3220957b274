// Refunds (R-REF-1..8): preview, refund, and the background steps that finish one (the
// provider call when it is still owed, and settlement: processing → succeeded).
//
// Crash safety — "record first, then call the provider, then mark":
//  1. One write transaction checks every rule with the order row (and the store row, which
//     guards the available balance) locked, and records the refund as `processing` with its
//     ledger entry, sales rows, order-line amounts, revocations and the buyer's email. Its
//     provider idempotency key is derived from the refund id ("rf:<id>").
//  2. Outside any transaction, the provider refunds the charge under that key.
//  3. A second transaction stores the provider's refund id and settlement date.
// A failed or crashed step 1 leaves nothing anywhere (the provider was never called). A failure
// in 2 or a crash between 1 and 3 leaves a recorded refund whose provider call is owed: the
// periodic job (`submit_due_refunds`) repeats it under the same key until the provider accepts,
// so money never leaves the provider without a ledger record, and a recorded refund is never
// left without its provider refund. A refund is irreversible: nothing undoes step 1.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/entitlements/entitlements.hpp"
#include "modules/orders/orders.hpp"
#include "modules/refunds/refunds.hpp"
#include "modules/stores/stores.hpp"
#include "platform/db/database.hpp"
#include "platform/payments/payments.hpp"

namespace sd::flows {

struct RefundLineInput {
  std::string line_id;                 // public id
  std::optional<int64_t> amount_minor;  // default: what remains of the line
};

struct RefundInput {
  std::string order_public_id;
  std::vector<RefundLineInput> lines;   // empty: by amount, or the whole remainder
  std::optional<int64_t> amount_minor;  // spread over the lines in proportion to what remains
  std::string reason;
  std::string request_public_id;  // set when granting a buyer's refund request
};

struct RefundDeps {
  db::Database& db;
  const Clock& clock;
  payments::Provider& provider;
  std::string public_url;
  // Test-mode fault injection: while > 0, the refund's transaction fails at its end.
  std::atomic<int>* fail_next_commits = nullptr;
};

struct Revocation {
  std::string line_id;
  std::string product_title;
  std::vector<std::string> entitlement_ids;
  std::vector<std::string> license_keys;
};

struct EvidenceItem {
  std::string kind;  // quantity_above_one | repeat_purchase | bundle_after_item | item_after_bundle
  std::string line_id;
  std::string product_title;
  std::optional<std::string> other_order_id;
  std::optional<Micros> other_order_at;
  std::string note;
};

struct ProductRefundRate {
  std::string product_id;
  std::string product_title;
  int64_t lines_sold = 0;
  int64_t lines_refunded = 0;
  int64_t rate_bp = 0;  // basis points, half-up
};

struct RefundEvidence {
  std::vector<EvidenceItem> items;
  int64_t days_since_purchase = 0;
  int64_t downloads = 0;
  std::vector<ProductRefundRate> refund_rates;  // over the last 90 days, per product
};

struct RefundPreview {
  refunds::Refund refund;  // what would be recorded (no id yet)
  int64_t available_before_minor = 0;
  int64_t available_after_minor = 0;
  int64_t pending_minor = 0;
  int64_t order_remaining_after_minor = 0;
  std::vector<Revocation> revocations;
  RefundEvidence evidence;
};

struct RefundResult {
  refunds::Refund refund;
  std::string order_public_id;
};

// Both answer the rule errors: not_found (another store's or unknown order), invalid_input
// `required` (reason), `reason_too_long`, `out_of_range`, `line_not_in_order`,
// `duplicate_line`, `amount_with_lines`; conflict `nothing_to_refund` (a free order),
// `order_fully_refunded`, `line_fully_refunded`, `refund_exceeds_remaining`,
// `refund_window_expired`, `order_disputed` (a dispute open or lost), `available_balance_insufficient` (with missing_minor,
// available_minor, needed_minor and covered_at).
Result<RefundPreview> preview_refund(RefundDeps& deps, int64_t store_id, const RefundInput& in);
Result<RefundResult> create_refund(RefundDeps& deps, int64_t store_id, const RefundInput& in);

// --- buyer refund requests (R-REF-9) ---
// The buyer asks (their own order only: not_found otherwise) within 14 days of the purchase:
// invalid_input `required` (reason); conflict `order_fully_refunded`,
// `refund_request_window_expired`, `refund_request_exists`. The seller is emailed; the reply
// is due within 48 hours.
Result<refunds::Request> request_refund(RefundDeps& deps, int64_t buyer_user_id,
                                        std::string_view order_public_id,
                                        const std::string& reason);
// The seller grants an open request by refunding (`in` as for create_refund; the reason
// defaults to the buyer's): the refund and the request's decision commit together. conflict
// `refund_request_closed` when it is no longer open.
Result<RefundResult> grant_refund_request(RefundDeps& deps, int64_t store_id,
                                          std::string_view request_public_id, RefundInput in);
// The seller declines with a message, emailed to the buyer.
Result<refunds::Request> decline_refund_request(RefundDeps& deps, int64_t store_id,
                                                std::string_view request_public_id,
                                                const std::string& message);

// A past refund for a generator (seed-demo), with the refund flow's rules and rows.
struct GeneratedRefund {
  stores::Store store;
  orders::Order order;  // as written: ids, lines and what was refunded of them
  std::vector<entitlements::Entitlement> entitlements;  // the ones the order granted
  RefundInput input;
  Micros at = 0;
  int64_t available_minor = 0;  // the store's available balance at `at` (the generator's count)
  std::string provider_refund_id;  // what the provider answered
  Micros settled_by = 0;           // settled (succeeded) when its settlement date is before it
};
// Records the refund as create_refund does at `at` (ledger entry, order lines, sales rows,
// revoked access and keys), accepted by the provider and settled at its settlement date if
// that is not after `settled_by`; no emails (generated orders have no receipts either). The
// rule errors of create_refund; available_balance_insufficient when `available_minor` does
// not cover the seller's share. Returns the refund as recorded.
Result<refunds::Refund> write_generated_refund(db::Tx& tx, const GeneratedRefund& g);

// The periodic job's steps; each returns how many refunds it moved. Safe to run in several
// instances at once.
int submit_due_refunds(RefundDeps& deps, int limit);
int settle_due_refunds(RefundDeps& deps, int limit);

}  // namespace sd::flows
