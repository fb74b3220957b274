// The ledger (R-LED-1..3): balanced, append-only double-entry postings. Balances are derived
// from postings, never stored: "available" is creator funds whose hold has passed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::ledger {

// Accounts per store. Sign convention: debit positive, credit negative.
// buyer_payments: cash received from buyers (debit-normal)
// creator: what the store owner is owed (credit-normal; pending until available_at)
// platform_fees, tax_payable: owed to the platform / the tax authority (credit-normal)
// refunds: cash returned to buyers (credit-normal on the cash side)
// payouts: cash paid out to the creator (credit-normal)
enum class Account { buyer_payments, creator, platform_fees, tax_payable, refunds, payouts };
const char* account_name(Account a);

struct Posting {
  Account account = Account::buyer_payments;
  int64_t amount_minor = 0;  // debit > 0, credit < 0, never 0
  Micros available_at = 0;   // creator funds: end of the hold; others: the entry's time
};

struct Entry {
  int64_t store_id = 0;
  std::string kind;  // sale, payout, …
  std::optional<int64_t> order_id;
  std::string memo;
  std::string currency;
  Micros created_at = 0;
  std::vector<Posting> postings;
};

// --- rules (pure) ---
// The entry a sale makes: buyer pays `total`; tax and the platform fee are owed onwards; the
// rest is the creator's, pending until `available_at`.
Entry sale_entry(int64_t store_id, int64_t order_id, const std::string& currency,
                 int64_t subtotal_minor, int64_t tax_minor, int64_t fee_minor, Micros now,
                 Micros available_at, std::string memo);
// The entry a refund makes (R-REF-6): `amount` goes back to the buyer (refunds account); the
// tax authority gives back `tax`, the platform its `fee` share, and the seller's share is
// debited from the creator's available funds at once (available_at = now).
Entry refund_entry(int64_t store_id, int64_t order_id, const std::string& currency,
                   int64_t amount_minor, int64_t tax_minor, int64_t fee_minor, Micros now,
                   std::string memo);
// The entry a dispute makes when it opens (R-DISP-1): the provider takes `amount` back from
// the charge for the buyer (the refunds account: cash returned to buyers; the entry's kind
// "dispute" tells it from a refund) and the whole of it is debited from the creator's funds
// at once (available_at = now), so it comes out of the available balance, which may go
// negative; pending funds cover it as they are released. Tax and the platform fee are not
// returned, and there is no dispute fee (the test provider charges none).
Entry dispute_entry(int64_t store_id, int64_t order_id, const std::string& currency,
                    int64_t amount_minor, Micros now, std::string memo);
// The entry a won dispute makes: the exact reverse of dispute_entry, available at once.
Entry dispute_won_entry(int64_t store_id, int64_t order_id, const std::string& currency,
                        int64_t amount_minor, Micros now, std::string memo);
// When funds become available: pending creator funds as (available_at, amount), any order.
struct Pending {
  Micros available_at = 0;
  int64_t amount_minor = 0;
};
// The first time at which `available_now` plus the pending funds released by then reach
// `needed`; nullopt when even all of them do not (or nothing is needed: then now suffices and
// the caller does not ask).
std::optional<Micros> covered_at(int64_t available_now, std::vector<Pending> pending,
                                 int64_t needed);
// Platform fee on a sale: percent (basis points) of the subtotal, half-up, plus the fixed fee,
// capped at the subtotal (a free or tiny sale never owes more than it brought in).
int64_t platform_fee(int64_t subtotal_minor, int64_t fee_percent_bp, int64_t fee_fixed_minor);
// Splits `total` across weights (line subtotals) exactly: largest remainder, ties to the
// earlier line. Used to give each line its share of the order's fee.
std::vector<int64_t> allocate(int64_t total, const std::vector<int64_t>& weights);
// internal `entry_unbalanced` if postings do not sum to zero or any is 0.
Result<void> check_balanced(const Entry& e);

// --- store (SQL) ---
// Appends a balanced entry and its postings; returns the entry id.
Result<int64_t> post(db::Tx& tx, const Entry& entry);
// Generators (seed-demo): appends many balanced entries and their postings in few statements
// (internal `entry_unbalanced` before writing anything if one is not balanced).
Result<void> post_many(db::Tx& tx, const std::vector<Entry>& entries);

struct Balance {
  int64_t pending_minor = 0;
  int64_t available_minor = 0;
  int64_t paid_out_minor = 0;
  std::optional<Micros> next_available_at;  // when the next pending funds become available
};
Result<Balance> balance(db::Tx& tx, int64_t store_id, Micros now);

// Moves `amount` of available funds out. conflict `available_balance_insufficient` when it
// exceeds what is available (message says how much is). Locks the store row first, so
// concurrent payouts never spend the same funds twice.
Result<int64_t> payout(db::Tx& tx, int64_t store_id, const std::string& currency,
                       int64_t amount_minor, Micros now);

// The store's pending creator funds by release time, soonest first.
Result<std::vector<Pending>> pending_funds(db::Tx& tx, int64_t store_id, Micros now);

struct PostingRow {
  int64_t id = 0;
  int64_t entry_id = 0;
  std::string kind;
  std::string memo;
  std::optional<std::string> order_public_id;
  std::string account;
  std::string currency;
  int64_t amount_minor = 0;
  Micros available_at = 0;
  Micros created_at = 0;
};
// The postings of the store's creator account (the seller's money: sales in, payouts out),
// newest first, before `before_id`.
Result<std::vector<PostingRow>> creator_postings(db::Tx& tx, int64_t store_id,
                                                 std::optional<int64_t> before_id, int limit);

}  // namespace sd::ledger
