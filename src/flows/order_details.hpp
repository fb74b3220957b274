// The seller's view of one order (R-SALES-4) and of one customer's history with the store
// (R-SALES-5): reads that gather orders, entitlements, download counts, license keys and
// (with issue 5) refunds, each from the module that owns it, in one read transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/disputes/disputes.hpp"
#include "modules/orders/orders.hpp"
#include "modules/refunds/refunds.hpp"
#include "platform/db/database.hpp"

namespace sd::flows {

struct FileDownloads {
  std::string file_public_id;
  std::string filename;
  int64_t count = 0;
};

struct LineDetails {
  orders::Line line;
  std::optional<std::string> license_key;
  // The entitlement to the line's own product (a bundle line also grants its contents; their
  // downloads are counted in `files` and revoking any of them shows in the history).
  std::string entitlement_public_id;
  bool revoked = false;
  int64_t downloads = 0;             // over every file of every entitlement of the line
  std::vector<FileDownloads> files;  // current files, plus deleted ones that were downloaded
};

struct OrderDetails {
  orders::Order order;
  orders::Customer customer;
  std::vector<LineDetails> lines;
  std::vector<orders::HistoryEvent> history;  // oldest first
  std::vector<refunds::Refund> refunds;       // oldest first
  std::vector<refunds::Request> refund_requests;  // the buyer's, oldest first
  std::vector<disputes::Dispute> disputes;        // the provider's chargebacks, oldest first
};

// One order of the store by public id; not_found `not_found` for another store's.
Result<OrderDetails> order_details(db::Database& db, int64_t store_id,
                                   std::string_view order_public_id, Micros now);

// --- a customer's transactions --------------------------------------------------------------

// A purchase (an order, as paid) or, with issue 5, a refund, as one row of the history.
struct Transaction {
  std::string type;  // purchase | refund
  std::string id;    // the order's public id for a purchase, the refund's for a refund
  std::string order_id;
  Micros created_at = 0;
  std::string description;
  int64_t amount_minor = 0;  // what the buyer paid (purchase) or got back (refund)
  std::string currency;
  std::string status;
};

// Where a page ended: the last row's time, kind and id. Newest first means created_at DESC,
// then kind rank DESC (a refund before a purchase of the same instant), then id DESC within
// a kind, in the database's own order.
struct TransactionCursor {
  Micros at = 0;
  int rank = 0;
  std::string id;
};

struct CustomerTotals {
  int64_t count = 0;
  int64_t purchases_minor = 0;
  int64_t refunds_minor = 0;
  int64_t net_minor = 0;
  std::string currency;
};

struct TransactionPage {
  std::vector<Transaction> data;
  bool has_more = false;
  std::optional<std::string> next_cursor;
  CustomerTotals totals;
};

// The store's customer with their sums; not_found `not_found` otherwise.
// The customer's summary and the store's block of them ("" when not blocked), in one read.
struct CustomerDetails {
  orders::CustomerSummary summary;
  std::string block_id;
};
Result<CustomerDetails> customer_details(db::Database& db, int64_t store_id,
                                         std::string_view customer_public_id);
Result<orders::CustomerSummary> customer_summary(db::Database& db, int64_t store_id,
                                                 std::string_view customer_public_id);
// A page of the customer's transactions, newest first, after `cursor` (from a previous page's
// next_cursor; invalid_input `invalid_cursor` when it is not one), with the totals of all.
Result<TransactionPage> customer_transactions(db::Database& db, int64_t store_id,
                                              std::string_view customer_public_id, int limit,
                                              const std::optional<std::string>& cursor);

// --- rules (pure) ---
// 0 for a purchase, 1 for a refund.
int transaction_rank(std::string_view type);
std::string encode_cursor(const TransactionCursor& c);
Result<TransactionCursor> decode_cursor(std::string_view text);
// Where a source of one kind (`rank`) resumes after `c` (see orders::Keyset).
orders::Keyset resume_after(const TransactionCursor& c, int rank);
// Merges sources, each newest first and of one kind, into one newest-first list of at most
// `limit` rows. Rows of one source keep their order.
std::vector<Transaction> merge_newest_first(std::vector<std::vector<Transaction>> sources,
                                            size_t limit);

}  // namespace sd::flows
