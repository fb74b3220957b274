#include "flows/dispute.hpp"

#include <map>

#include "core/money.hpp"
#include "core/time.hpp"
#include "modules/entitlements/entitlements.hpp"
#include "modules/ledger/ledger.hpp"
#include "modules/licenses/licenses.hpp"
#include "modules/orders/orders.hpp"
#include "modules/outbox/outbox.hpp"
#include "modules/refunds/refunds.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"

namespace sd::flows {
namespace {

constexpr const char* kRevokeReason = "dispute";

std::string money_text(int64_t minor, const std::string& currency) {
  const auto cur = currency_from_code(currency);
  return cur ? format_decimal(Money{minor, *cur}) + " " + currency : std::to_string(minor);
}

outbox::OutgoingEmail seller_email(const stores::Store& s, const orders::Order& o,
                                   const disputes::Dispute& d) {
  const std::string amount = money_text(d.amount_minor, d.currency);
  std::string subject, body;
  if (d.status == "open") {
    subject = "A payment was disputed: order " + o.public_id;
    body = o.name + " (" + o.email + ")'s bank disputed the payment of order " + o.public_id +
           " (reason: " + d.reason + ").\n\n" + amount +
           " was taken from your available balance and the buyer's access to the order is "
           "suspended while the dispute is open. The order cannot be refunded meanwhile.\n";
  } else if (d.status == "won") {
    subject = "Dispute won: order " + o.public_id;
    body = "The dispute of order " + o.public_id + " was decided in your favour.\n\n" + amount +
           " is back in your available balance and the buyer's access is restored.\n";
  } else {
    subject = "Dispute lost: order " + o.public_id;
    body = "The dispute of order " + o.public_id + " was decided for the buyer.\n\n" + amount +
           " stays with the buyer and their access stays revoked. This is final.\n";
  }
  body += "\nDispute " + d.public_id + ".\n";
  return outbox::OutgoingEmail{"dispute_" + d.status, "Shopdesk", s.name, s.support_email,
                               s.support_email, subject, body,
                               {{"X-Shopdesk-Order", o.public_id},
                                {"X-Shopdesk-Dispute", d.public_id}}};
}

Result<disputes::Dispute> open(db::Tx& tx, const stores::Store& s, const orders::Order& o,
                               const payments::DisputeNotice& n, Micros now) {
  if (!SD_TRY(disputes::list_for_order(tx, o.id)).empty())
    return fail(ErrorKind::conflict, "dispute_exists", "this order is already disputed");
  int64_t refunded = 0;
  for (const auto& l : o.lines) refunded += l.refunded_minor;
  disputes::Dispute d;
  d.store_id = o.store_id;
  d.order_id = o.id;
  d.provider_dispute_id = n.dispute_id;
  d.currency = o.currency;
  d.amount_minor = SD_TRY(disputes::dispute_amount(o.total_minor, refunded, n.amount_minor));
  d.reason = n.reason.empty() ? "unspecified" : n.reason;
  d.opened_at = now;
  d = SD_TRY(disputes::insert(tx, d));
  SD_TRY(ledger::post(tx, ledger::dispute_entry(o.store_id, o.id, o.currency, d.amount_minor, now,
                                                "dispute " + d.public_id + " of order " +
                                                    o.public_id)));
  for (const auto& e : SD_TRY(entitlements::list_for_order(tx, o.store_id, o.id)))
    SD_TRY(entitlements::revoke(tx, e.id, kRevokeReason, now));
  for (const auto& l : o.lines) {
    SD_TRY_VOID(licenses::disable_for_line(tx, l.id, kRevokeReason, now));  // keys too
    SD_TRY_VOID(sales::set_status(tx, l.id, disputes::kSaleStatus));
  }
  SD_TRY_VOID(outbox::enqueue(tx, o.store_id, seller_email(s, o, d), now));
  return d;
}

Result<void> restore_after_win(db::Tx& tx, const orders::Order& o, const disputes::Dispute& d,
                               Micros now) {
  SD_TRY(ledger::post(tx, ledger::dispute_won_entry(o.store_id, o.id, o.currency, d.amount_minor,
                                                    now, "dispute " + d.public_id +
                                                             " won, order " + o.public_id)));
  // Only what the dispute revoked comes back: a line refunded in full before the dispute keeps
  // its "refunded" revocation (refunds are refused while the dispute is open).
  for (const auto& e : SD_TRY(entitlements::list_for_order(tx, o.store_id, o.id)))
    if (e.revoked_at && e.revoked_reason == kRevokeReason) SD_TRY(entitlements::restore(tx, e.id));
  for (const auto& l : o.lines) SD_TRY_VOID(licenses::enable_for_line(tx, l.id, kRevokeReason));
  std::map<int64_t, bool> processing;
  for (const auto& r : SD_TRY(refunds::refunded_by_line(tx, o.id)))
    processing[r.order_line_id] = r.processing;
  for (const auto& l : o.lines)
    SD_TRY_VOID(sales::set_status(
        tx, l.id, refunds::line_status(l.total_minor, l.refunded_minor, processing[l.id])));
  return {};
}

}  // namespace

Result<DisputeResult> handle_dispute_notice(DisputeDeps& deps, const payments::DisputeNotice& n) {
  std::optional<std::string> outcome;
  if (n.status != "open") outcome = SD_TRY(disputes::parse_outcome(n.status));
  return deps.db.write<DisputeResult>([&](db::Tx& tx) -> Result<DisputeResult> {
    const auto now = deps.clock.now();
    const auto found = SD_TRY(orders::find_by_charge(tx, n.charge_id));
    if (!found)
      return fail(ErrorKind::not_found, "charge_unknown", "no order was paid by this charge");
    // Notices of one order queue here, as refunds do; the store row guards the balance.
    SD_TRY_VOID(tx.lock_row("orders", found->id));
    SD_TRY_VOID(tx.lock_row("stores", found->store_id));
    const auto o = SD_TRY(orders::get_order_by_id(tx, found->store_id, found->id));
    const auto s = SD_TRY(stores::get_store(tx, o.store_id));
    DisputeResult out{{}, o.public_id, false};
    auto existing = SD_TRY(disputes::find_by_provider_id(tx, n.dispute_id));
    if (!existing) {
      out.dispute = SD_TRY(open(tx, s, o, n, now));
      out.applied = true;
    } else {
      out.dispute = *existing;
    }
    if (!outcome || out.dispute.status == *outcome) return out;
    if (out.dispute.status != "open")
      return fail(ErrorKind::conflict, "dispute_resolved",
                  "this dispute was already " + out.dispute.status);
    if (!SD_TRY(disputes::resolve(tx, out.dispute.id, *outcome, now)))
      return fail(ErrorKind::conflict, "dispute_resolved", "this dispute was already resolved");
    out.dispute.status = *outcome;
    out.dispute.resolved_at = now;
    if (*outcome == "won") SD_TRY_VOID(restore_after_win(tx, o, out.dispute, now));
    SD_TRY_VOID(outbox::enqueue(tx, o.store_id, seller_email(s, o, out.dispute), now));
    out.applied = true;
    return out;
  });
}

namespace {

Result<payments::TestProviderControl*> control_of(DisputeDeps& deps) {
  auto* control = payments::test_control(deps.provider);
  if (control == nullptr)
    return fail(ErrorKind::not_found, "not_found", "disputes are simulated by the test provider only");
  return control;
}

Result<disputes::Dispute> store_dispute(DisputeDeps& deps, int64_t store_id,
                                        const std::string& public_id) {
  return deps.db.read<disputes::Dispute>(
      [&](db::Tx& tx) { return disputes::get(tx, store_id, public_id); });
}

}  // namespace

Result<DisputeResult> simulate_dispute_open(DisputeDeps& deps, int64_t store_id,
                                            const std::string& order_public_id,
                                            int64_t amount_minor, const std::string& reason) {
  auto* control = SD_TRY(control_of(deps));
  const auto order = SD_TRY(deps.db.read<orders::Order>(
      [&](db::Tx& tx) { return orders::get_order(tx, store_id, order_public_id); }));
  if (order.provider_charge_id.empty())
    return fail(ErrorKind::conflict, "nothing_to_dispute", "this order was free: nothing was charged");
  const auto notice = SD_TRY(control->open_dispute(order.provider_charge_id, amount_minor, reason));
  return handle_dispute_notice(deps, notice);
}

Result<DisputeResult> simulate_dispute_resolve(DisputeDeps& deps, int64_t store_id,
                                               const std::string& dispute_public_id, bool won) {
  auto* control = SD_TRY(control_of(deps));
  const auto d = SD_TRY(store_dispute(deps, store_id, dispute_public_id));
  const auto notice = SD_TRY(control->resolve_dispute(d.provider_dispute_id, won));
  return handle_dispute_notice(deps, notice);
}

Result<DisputeResult> simulate_dispute_redelivery(DisputeDeps& deps, int64_t store_id,
                                                  const std::string& dispute_public_id) {
  auto* control = SD_TRY(control_of(deps));
  const auto d = SD_TRY(store_dispute(deps, store_id, dispute_public_id));
  const auto notice = SD_TRY(control->dispute_notice(d.provider_dispute_id));
  return handle_dispute_notice(deps, notice);
}

}  // namespace sd::flows
