// Refunds (R-REF-1..7): the pure rules (window, proration of tax and fee, settlement date) and
// the refunds / refund_lines tables. A refund is irreversible: rows are never deleted and
// their amounts never change (the database refuses it); only the status moves forward,
// processing → succeeded, and the provider's reference is filled in once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::refunds {

// --- rules (pure) ---------------------------------------------------------------------------

// What a line was paid and what earlier refunds already returned of it.
struct LineState {
  int64_t total_minor = 0;     // paid (subtotal + tax)
  int64_t tax_minor = 0;       // of which tax
  int64_t fee_minor = 0;       // the line's share of the platform fee
  int64_t refunded_minor = 0;  // returned so far (gross)
  int64_t refunded_tax_minor = 0;
  int64_t refunded_fee_minor = 0;
};

// One line's part of a refund.
struct LinePart {
  int64_t amount_minor = 0;        // gross, what the buyer gets back for this line
  int64_t tax_minor = 0;           // tax returned (the tax authority's share)
  int64_t fee_minor = 0;           // platform fee returned
  int64_t seller_share_minor = 0;  // amount - tax - fee: taken from the seller's balance
  bool full_line = false;          // the line is fully refunded after this part
};

// Splits `amount` of a line into tax, fee and the seller's share (R-REF-6).
// Tax: half-up of amount × tax / total; fee: half-up of (amount − tax) × fee / subtotal. Both
// are clamped so that what stays of the line stays consistent (never more tax or fee left than
// money left, never more returned than the line had), and the refund that empties a line
// returns exactly what remains of each, so the parts of all refunds sum to the line exactly.
// Precondition: 0 < amount ≤ total − refunded.
LinePart prorate(const LineState& line, int64_t amount_minor);

// R-REF-2: a refund is allowed until `paid_at + window_days` inclusive; conflict
// `refund_window_expired` after it.
Result<void> check_window(Micros paid_at, int64_t window_days, Micros now);

// The sales-view status of a line: refund_processing while one of its refunds is processing,
// else refunded / partially_refunded / complete from the amounts.
std::string line_status(int64_t total_minor, int64_t refunded_minor, bool processing);

// When a refund made at `now` settles with the test provider: 5 business days later.
inline constexpr int kSettlementBusinessDays = 5;

// --- store (SQL) ----------------------------------------------------------------------------

struct RefundLine {
  int64_t order_line_id = 0;
  std::string line_public_id;
  int64_t amount_minor = 0;
  int64_t tax_minor = 0;
  int64_t fee_minor = 0;
  bool full_line = false;
};

struct Refund {
  int64_t id = 0;
  std::string public_id;  // "re_…"
  int64_t store_id = 0;
  int64_t order_id = 0;
  std::string currency;
  int64_t amount_minor = 0;
  int64_t tax_minor = 0;
  int64_t fee_minor = 0;
  int64_t seller_share_minor = 0;
  std::string reason;
  std::string status;  // processing | succeeded
  std::string provider_key;
  std::optional<std::string> provider_refund_id;
  Micros created_at = 0;
  Micros settles_at = 0;
  std::optional<Micros> succeeded_at;
  std::vector<RefundLine> lines;
};

// Inserts a processing refund and its lines; fills id and public_id (and provider_key, which
// is derived from the public id so every retry of the provider call uses the same key).
Result<Refund> insert(db::Tx& tx, Refund r);
// Sums per order line of everything refunded so far: (line id → tax, fee).
struct LineRefunded {
  int64_t order_line_id = 0;
  int64_t tax_minor = 0;
  int64_t fee_minor = 0;
  bool processing = false;  // one of its refunds is still processing
};
Result<std::vector<LineRefunded>> refunded_by_line(db::Tx& tx, int64_t order_id);
// The order's refunds, oldest first, with their lines.
Result<std::vector<Refund>> list_for_order(db::Tx& tx, int64_t order_id);
Result<Refund> get(db::Tx& tx, int64_t refund_id);

// Records the provider's acceptance (once; a second call changes nothing).
Result<void> mark_submitted(db::Tx& tx, int64_t refund_id, const std::string& provider_refund_id,
                            Micros settles_at);
// Records a failed submission; it is tried again from `next_at`.
Result<void> mark_submit_failed(db::Tx& tx, int64_t refund_id, Micros next_at);
// Processing refunds whose provider call is still owed, due at `now` (at most `limit`).
Result<std::vector<Refund>> due_for_submission(db::Tx& tx, Micros now, int limit);
// Processing, submitted refunds whose settlement date has passed (at most `limit`).
Result<std::vector<int64_t>> due_for_settlement(db::Tx& tx, Micros now, int limit);
// processing → succeeded; false when another instance (or an earlier run) already did it.
Result<bool> mark_succeeded(db::Tx& tx, int64_t refund_id, Micros now);

// Whether a refund emptied this order line (its access and key then stay revoked for good).
Result<bool> line_fully_refunded(db::Tx& tx, int64_t order_line_id);

// A customer's refunds as transactions, newest first (created_at DESC, public_id DESC),
// strictly after (at, public_id) when given (public_id nullopt: every row at `at` too).
struct RefundRow {
  std::string public_id;
  std::string order_public_id;
  Micros created_at = 0;
  int64_t amount_minor = 0;
  std::string currency;
  std::string status;
  std::string reason;
};
Result<std::vector<RefundRow>> customer_refunds(db::Tx& tx, int64_t store_id, int64_t customer_id,
                                                std::optional<Micros> after_at,
                                                std::optional<std::string> after_id, int limit);

// The share of a product's lines sold in [from, to) that were refunded (any amount), as
// (refunded lines, lines) — R-REF-8's refund rate.
Result<std::pair<int64_t, int64_t>> product_refund_counts(db::Tx& tx, int64_t store_id,
                                                          int64_t product_id, Micros from,
                                                          Micros to);

// --- refund requests (R-REF-9) ---------------------------------------------------------------

struct Request {
  int64_t id = 0;
  std::string public_id;  // "rr_…"
  int64_t store_id = 0;
  int64_t order_id = 0;
  std::string order_public_id;
  std::string reason;
  std::string status;  // open | granted | declined
  Micros created_at = 0;
  Micros reply_by = 0;
  std::optional<Micros> decided_at;
  std::string decline_message;
  std::optional<std::string> refund_public_id;
};

// R-REF-9: a buyer may ask until `paid_at + window_days` inclusive; conflict
// `refund_request_window_expired` after it.
Result<void> check_request_window(Micros paid_at, int64_t window_days, Micros now);

// Inserts an open request; conflict `refund_request_exists` while another is open.
Result<Request> insert_request(db::Tx& tx, Request r);
// The store's request by public id (not_found otherwise). Decisions are conditional updates.
Result<Request> get_request(db::Tx& tx, int64_t store_id, std::string_view public_id);
// The store's requests with `status` ("" = any), newest first, at most `limit`.
Result<std::vector<Request>> list_requests(db::Tx& tx, int64_t store_id, std::string_view status,
                                           int limit);
Result<std::vector<Request>> requests_for_order(db::Tx& tx, int64_t order_id);
// open → granted (with the refund) or declined; false when it was no longer open.
Result<bool> decide_request(db::Tx& tx, int64_t request_id, std::string_view status,
                            std::optional<int64_t> refund_id, std::string_view message, Micros now);

}  // namespace sd::refunds
