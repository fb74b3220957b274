// Disputes (R-DISP-1): what Shopdesk does when the payment provider reports a chargeback.
//
// `handle_dispute_notice` is what a provider's webhook calls (the test provider's notices go
// through it too). Each notice is handled in one write transaction that locks the order row
// and the store row (as refunds do), and is idempotent per provider dispute id: a repeated
// notice finds its dispute already in that state and changes nothing.
//  - open: the dispute row; a ledger entry debiting the whole disputed amount from the
//    seller's available funds (it may go negative; see docs/GLOSSARY.md); every entitlement of
//    the order revoked with reason "dispute" (links already issued stop working); the order's
//    sales rows "disputed"; an email to the store.
//  - won: the reverse entry (funds back, available at once); the entitlements the dispute
//    revoked restored (a line refunded before the dispute stays revoked); sales rows back to
//    the status their refunds give them; an email.
//  - lost: the dispute is closed as lost; funds and access stay withdrawn; sales rows stay
//    "disputed" (final); an email.
// A resolution without its open notice first (a lost webhook) opens the dispute, then
// resolves it, in the same transaction. While a dispute is open or lost, refunds of the order
// are refused (`order_disputed`, flows/refund.cpp): the buyer must not get the money twice.
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/disputes/disputes.hpp"
#include "platform/db/database.hpp"
#include "platform/payments/payments.hpp"

namespace sd::flows {

struct DisputeDeps {
  db::Database& db;
  const Clock& clock;
  payments::Provider& provider;
};

struct DisputeResult {
  disputes::Dispute dispute;
  std::string order_public_id;
  bool applied = false;  // false when the notice repeated one already handled
};

// not_found `charge_unknown` when no order owns the charge; conflict `dispute_exists` (another
// dispute on the order), `dispute_resolved` (a resolution contradicting an earlier one);
// the amount rules of disputes::dispute_amount.
Result<DisputeResult> handle_dispute_notice(DisputeDeps& deps, const payments::DisputeNotice& notice);

// --- test mode: the test provider acting on a store's own order, then notifying ----------
// The test provider opens a dispute on the order's charge (amount 0: what was not refunded).
Result<DisputeResult> simulate_dispute_open(DisputeDeps& deps, int64_t store_id,
                                            const std::string& order_public_id,
                                            int64_t amount_minor, const std::string& reason);
// The test provider resolves the store's dispute (by Shopdesk's public id).
Result<DisputeResult> simulate_dispute_resolve(DisputeDeps& deps, int64_t store_id,
                                               const std::string& dispute_public_id, bool won);
// The test provider sends its latest notice of the store's dispute again (a webhook retry).
Result<DisputeResult> simulate_dispute_redelivery(DisputeDeps& deps, int64_t store_id,
                                                  const std::string& dispute_public_id);

}  // namespace sd::flows
