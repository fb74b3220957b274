#include "flows/refund.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/limits.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "modules/catalog/catalog.hpp"
#include "modules/disputes/disputes.hpp"
#include "modules/entitlements/entitlements.hpp"
#include "modules/ledger/ledger.hpp"
#include "modules/licenses/licenses.hpp"
#include "modules/outbox/outbox.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"
#include "platform/observability/log.hpp"

namespace sd::flows {
namespace {

// What a refund would do, computed inside a transaction (the write one for the real refund).
struct Plan {
  stores::Store store;
  orders::Order order;
  refunds::Refund refund;
  std::vector<const orders::Line*> lines;  // parallel to refund.lines
  ledger::Balance balance;
};

Result<void> validate_input(const RefundInput& in) {
  if (in.reason.empty())
    return fail(ErrorKind::invalid_input, "required", "reason is required", "reason");
  if (in.reason.size() > limits::refund_reason_bytes_max)
    return fail(ErrorKind::invalid_input, "reason_too_long",
                "reason must be at most " + std::to_string(limits::refund_reason_bytes_max) +
                    " bytes",
                "reason");
  if (!in.lines.empty() && in.amount_minor)
    return fail(ErrorKind::invalid_input, "amount_with_lines",
                "give either lines (with their amounts) or amount_minor, not both",
                "amount_minor");
  if (in.lines.size() > limits::refund_lines_max)
    return fail(ErrorKind::invalid_input, "out_of_range", "too many lines", "lines");
  if (in.amount_minor && *in.amount_minor <= 0)
    return fail(ErrorKind::invalid_input, "out_of_range", "amount_minor must be positive",
                "amount_minor");
  for (size_t i = 0; i < in.lines.size(); ++i) {
    const auto& l = in.lines[i];
    if (l.amount_minor && *l.amount_minor <= 0)
      return fail(ErrorKind::invalid_input, "out_of_range", "amount_minor must be positive",
                  "lines[" + std::to_string(i) + "].amount_minor");
  }
  return {};
}

std::string money_text(int64_t minor, const std::string& currency) {
  const auto cur = currency_from_code(currency);
  return cur ? format_decimal(Money{minor, *cur}) + " " + currency : std::to_string(minor);
}

// The amount of each line (by index into order.lines) this refund asks for.
Result<std::vector<int64_t>> amounts_per_line(const orders::Order& o, const RefundInput& in) {
  std::vector<int64_t> want(o.lines.size(), 0);
  std::vector<int64_t> left;
  int64_t left_total = 0;
  for (const auto& l : o.lines) {
    left.push_back(l.total_minor - l.refunded_minor);
    left_total += left.back();
  }
  if (!in.lines.empty()) {
    for (size_t i = 0; i < in.lines.size(); ++i) {
      const auto param = "lines[" + std::to_string(i) + "]";
      size_t k = 0;
      while (k < o.lines.size() && o.lines[k].public_id != in.lines[i].line_id) ++k;
      if (k == o.lines.size())
        return fail(ErrorKind::invalid_input, "line_not_in_order",
                    "this order has no line " + in.lines[i].line_id, param + ".line_id");
      if (want[k] != 0)
        return fail(ErrorKind::invalid_input, "duplicate_line", "a line may be named once",
                    param + ".line_id");
      if (left[k] == 0)
        return fail(ErrorKind::conflict, "line_fully_refunded", "this line is already fully refunded",
                    param + ".line_id");
      const int64_t amount = in.lines[i].amount_minor.value_or(left[k]);
      if (amount > left[k])
        return fail(ErrorKind::conflict, "refund_exceeds_remaining",
                    "only " + money_text(left[k], o.currency) + " of this line remains to refund",
                    param + ".amount_minor");
      want[k] = amount;
    }
    return want;
  }
  const int64_t amount = in.amount_minor.value_or(left_total);
  if (amount > left_total)
    return fail(ErrorKind::conflict, "refund_exceeds_remaining",
                "only " + money_text(left_total, o.currency) + " of this order remains to refund",
                "amount_minor");
  // Spread over the lines in proportion to what remains of each (exact: largest remainder).
  return ledger::allocate(amount, left);
}

Error balance_error(const Plan& p, const std::vector<ledger::Pending>& pending) {
  const int64_t need = p.refund.seller_share_minor;
  const int64_t missing = need - p.balance.available_minor;
  const auto at = ledger::covered_at(p.balance.available_minor, pending, need);
  std::string msg = "the store's available balance (" +
                    money_text(p.balance.available_minor, p.order.currency) +
                    ") does not cover the seller's share of this refund (" +
                    money_text(need, p.order.currency) + "): " +
                    money_text(missing, p.order.currency) + " missing; ";
  msg += at ? "enough pending funds become available at " + format_rfc3339(*at)
            : "pending funds will not cover it";
  Error e{ErrorKind::conflict, "available_balance_insufficient", msg, "", 0, {}};
  e.details.push_back({"missing_minor", missing});
  e.details.push_back({"needed_minor", need});
  e.details.push_back({"available_minor", p.balance.available_minor});
  e.details.push_back({"currency", p.order.currency});
  if (at) e.details.push_back({"covered_at", format_rfc3339(*at)});
  return e;
}

// Double-loss protection (R-DISP-1): while a dispute is open, or once it is lost, the buyer's
// bank is returning (or has returned) the money; a refund on top would pay the buyer twice.
Result<void> ensure_not_disputed(db::Tx& tx, int64_t order_id) {
  if (SD_TRY(disputes::order_blocked(tx, order_id)))
    return fail(ErrorKind::conflict, "order_disputed",
                "this order's payment is disputed: it cannot be refunded while the dispute is "
                "open, nor after it was lost (the buyer's bank returned the money)");
  return {};
}

Result<void> plan_amounts(db::Tx& tx, Plan& p, const RefundInput& in, Micros now);

Result<Plan> make_plan(db::Tx& tx, int64_t store_id, const RefundInput& in, Micros now,
                       bool lock) {
  Plan p;
  p.order = SD_TRY(orders::get_order(tx, store_id, in.order_public_id));
  if (lock) {
    // Concurrent refunds of one order queue here (PostgreSQL FOR UPDATE; SQLite has one
    // writer); the order is read again after the lock so its refunded amounts are current.
    // The store row guards the available balance, as payouts do.
    SD_TRY_VOID(tx.lock_row("orders", p.order.id));
    SD_TRY_VOID(tx.lock_row("stores", store_id));
    p.order = SD_TRY(orders::get_order(tx, store_id, in.order_public_id));
  }
  p.store = SD_TRY(stores::get_store(tx, store_id));
  SD_TRY_VOID(plan_amounts(tx, p, in, now));
  p.balance = SD_TRY(ledger::balance(tx, store_id, now));
  if (p.refund.seller_share_minor > p.balance.available_minor)
    return fail(balance_error(p, SD_TRY(ledger::pending_funds(tx, store_id, now))));
  return p;
}

// The refund's amounts once p.order and p.store are known: the rules (not disputed, something
// left, inside the window, what each line gives back), without the balance check.
Result<void> plan_amounts(db::Tx& tx, Plan& p, const RefundInput& in, Micros now) {
  const auto& o = p.order;
  const int64_t store_id = p.store.id;
  SD_TRY_VOID(ensure_not_disputed(tx, o.id));
  if (o.total_minor == 0)
    return fail(ErrorKind::conflict, "nothing_to_refund", "this order was free: nothing to refund");
  int64_t refunded = 0;
  for (const auto& l : o.lines) refunded += l.refunded_minor;
  if (refunded >= o.total_minor)
    return fail(ErrorKind::conflict, "order_fully_refunded", "this order is already fully refunded");
  SD_TRY_VOID(refunds::check_window(o.created_at, p.store.refund_window_days, now));
  const auto want = SD_TRY(amounts_per_line(o, in));

  std::map<int64_t, refunds::LineRefunded> before;
  for (const auto& r : SD_TRY(refunds::refunded_by_line(tx, o.id))) before[r.order_line_id] = r;
  auto& rf = p.refund;
  rf.store_id = store_id;
  rf.order_id = o.id;
  rf.currency = o.currency;
  rf.reason = in.reason;
  rf.created_at = now;
  rf.settles_at = payments::add_business_days(now, refunds::kSettlementBusinessDays);
  rf.status = "processing";
  for (size_t k = 0; k < o.lines.size(); ++k) {
    if (want[k] == 0) continue;
    const auto& l = o.lines[k];
    const auto& b = before[l.id];
    const auto part = refunds::prorate(
        {l.total_minor, l.tax_minor, l.fee_minor, l.refunded_minor, b.tax_minor, b.fee_minor},
        want[k]);
    rf.lines.push_back({l.id, l.public_id, part.amount_minor, part.tax_minor, part.fee_minor,
                        part.full_line});
    p.lines.push_back(&l);
    rf.amount_minor += part.amount_minor;
    rf.tax_minor += part.tax_minor;
    rf.fee_minor += part.fee_minor;
    rf.seller_share_minor += part.seller_share_minor;
  }
  return {};
}

outbox::OutgoingEmail refund_email(const Plan& p, const refunds::Refund& r, bool succeeded) {
  const auto& o = p.order;
  std::string body = "Hi " + o.name + ",\n\n";
  if (succeeded) {
    body += p.store.name + "'s refund of " + money_text(r.amount_minor, r.currency) +
            " for order " + o.public_id + " has been completed. It is back on your " +
            o.payment_brand + " card ending " + o.payment_last4 + ".\n";
  } else {
    body += p.store.name + " has refunded " + money_text(r.amount_minor, r.currency) +
            " of order " + o.public_id + " to your " + o.payment_brand + " card ending " +
            o.payment_last4 + ".\nThe refund is processing; banks usually show it within 5 " +
            "business days (expected by " + format_rfc3339(r.settles_at).substr(0, 10) + ").\n";
  }
  body += "\nRefunded:\n";
  for (const auto& l : r.lines) {
    std::string title = l.line_public_id;
    for (const auto& ol : o.lines)
      if (ol.id == l.order_line_id) title = ol.product_title + " (" + ol.tier_name + ")";
    body += "- " + title + ": " + money_text(l.amount_minor, r.currency) +
            (l.full_line ? " (this item is no longer in your library)" : "") + "\n";
  }
  if (r.tax_minor > 0) body += "Of which tax: " + money_text(r.tax_minor, r.currency) + "\n";
  body += "\nRefund " + r.public_id + ". Questions? Write to " + p.store.support_email +
          " and mention order " + o.public_id + ".\n";
  const std::string subject =
      succeeded ? "Your refund from " + p.store.name + " is complete (" + o.public_id + ")"
                : "Your refund from " + p.store.name + " is on its way (" + o.public_id + ")";
  return outbox::OutgoingEmail{succeeded ? "refund_succeeded" : "refund_processing",
                               p.store.name,
                               o.name,
                               o.email,
                               p.store.support_email,
                               subject,
                               body,
                               {{"X-Shopdesk-Order", o.public_id},
                                {"X-Shopdesk-Refund", r.public_id}}};
}

// Sales rows of the refund's lines, from the order lines and every refund of the order.
Result<void> update_sales_rows(db::Tx& tx, const orders::Order& o,
                               const std::vector<int64_t>& line_ids) {
  std::map<int64_t, bool> processing;
  for (const auto& r : SD_TRY(refunds::refunded_by_line(tx, o.id)))
    processing[r.order_line_id] = r.processing;
  // A refund that settles while its order is disputed leaves the rows "disputed".
  const bool disputed = SD_TRY(disputes::order_blocked(tx, o.id));
  for (const auto& l : o.lines) {
    if (std::find(line_ids.begin(), line_ids.end(), l.id) == line_ids.end()) continue;
    SD_TRY_VOID(sales::set_status(
        tx, l.id,
        disputed ? std::string(disputes::kSaleStatus)
                 : refunds::line_status(l.total_minor, l.refunded_minor, processing[l.id]),
        l.refunded_minor));
  }
  return {};
}

Result<std::vector<Revocation>> revocations(db::Tx& tx, const Plan& p) {
  std::vector<Revocation> out;
  std::vector<entitlements::Entitlement> ents;
  for (size_t i = 0; i < p.refund.lines.size(); ++i) {
    const auto& part = p.refund.lines[i];
    if (!part.full_line) continue;
    if (ents.empty()) ents = SD_TRY(entitlements::list_for_order(tx, p.order.store_id, p.order.id));
    Revocation r{part.line_public_id, p.lines[i]->product_title, {}, {}};
    for (const auto& e : ents)
      if (e.order_line_id == part.order_line_id && !e.revoked_at) r.entitlement_ids.push_back(e.public_id);
    if (auto key = SD_TRY(licenses::key_for_line(tx, part.order_line_id))) r.license_keys.push_back(*key);
    out.push_back(std::move(r));
  }
  return out;
}

Result<RefundEvidence> evidence(db::Tx& tx, const Plan& p, Micros now) {
  RefundEvidence ev;
  const auto& o = p.order;
  ev.days_since_purchase = (now - o.created_at) / kMicrosPerDay;
  for (const auto& e : SD_TRY(entitlements::list_for_order(tx, o.store_id, o.id)))
    for (const auto& [file, n] : SD_TRY(entitlements::download_counts(tx, e.id))) ev.downloads += n;
  // Every purchase of the customer (bundles may be bought long after their items).
  const auto bought = SD_TRY(orders::customer_lines(tx, o.customer_id, 0, now));
  std::map<int64_t, std::vector<int64_t>> contents;  // bundle product → its items
  auto items_of = [&](int64_t product_id) -> Result<const std::vector<int64_t>*> {
    auto it = contents.find(product_id);
    if (it == contents.end()) {
      std::vector<int64_t> ids;
      for (const auto& b : SD_TRY(catalog::get_product_by_id(tx, product_id)).bundle_items)
        ids.push_back(b.product_id);
      it = contents.emplace(product_id, std::move(ids)).first;
    }
    return &it->second;
  };
  const Micros repeat = limits::refund_evidence_repeat_days * kMicrosPerDay;
  for (const auto& l : o.lines) {
    if (l.quantity > 1)
      ev.items.push_back({"quantity_above_one", l.public_id, l.product_title, std::nullopt,
                          std::nullopt,
                          "bought " + std::to_string(l.quantity) + " copies in this order"});
    const auto* mine = SD_TRY(items_of(l.product_id));
    for (const auto& b : bought) {
      if (b.order_id == o.id) continue;
      const bool near = b.created_at >= o.created_at - repeat && b.created_at <= o.created_at + repeat;
      if (b.product_id == l.product_id && near)
        ev.items.push_back({"repeat_purchase", l.public_id, l.product_title, b.order_public_id,
                            b.created_at, "the same product in another order within 30 days"});
      const auto* theirs = SD_TRY(items_of(b.product_id));
      if (std::find(theirs->begin(), theirs->end(), l.product_id) != theirs->end())
        ev.items.push_back({b.created_at > o.created_at ? "bundle_after_item" : "bundle_before_item",
                            l.public_id, l.product_title, b.order_public_id, b.created_at,
                            "bundle " + b.product_title + " contains this product"});
      if (std::find(mine->begin(), mine->end(), b.product_id) != mine->end())
        ev.items.push_back({b.created_at < o.created_at ? "item_before_bundle" : "item_after_bundle",
                            l.public_id, l.product_title, b.order_public_id, b.created_at,
                            b.product_title + " is part of this bundle"});
    }
  }
  std::set<int64_t> seen;
  const Micros from = now - limits::refund_rate_window_days * kMicrosPerDay;
  for (const auto& l : o.lines) {
    if (!seen.insert(l.product_id).second) continue;
    const auto [refunded, sold] =
        SD_TRY(refunds::product_refund_counts(tx, o.store_id, l.product_id, from, now + 1));
    ev.refund_rates.push_back({l.product_public_id, l.product_title, sold, refunded,
                               sold == 0 ? 0 : (refunded * 10000 * 2 + sold) / (sold * 2)});
  }
  return ev;
}

// How write_refund runs for a generator: no email, and the order's entitlements already known.
struct WriteOptions {
  bool email = true;
  const std::vector<entitlements::Entitlement>* entitlements = nullptr;  // else read
};

Result<void> write_refund(db::Tx& tx, std::atomic<int>* fail_next_commits, Plan& p, Micros now,
                          const std::string& request_id, const WriteOptions& opt = {}) {
  auto& o = p.order;
  p.refund = SD_TRY(refunds::insert(tx, p.refund));
  const auto& r = p.refund;
  SD_TRY(ledger::post(tx, ledger::refund_entry(o.store_id, o.id, o.currency, r.amount_minor,
                                               r.tax_minor, r.fee_minor, now,
                                               "refund " + r.public_id + " of order " +
                                                   o.public_id)));
  std::vector<int64_t> touched;
  std::vector<entitlements::Entitlement> ents;
  for (const auto& part : r.lines) {
    SD_TRY_VOID(orders::add_refunded(tx, part.order_line_id, part.amount_minor));
    for (auto& l : o.lines)
      if (l.id == part.order_line_id) l.refunded_minor += part.amount_minor;
    touched.push_back(part.order_line_id);
    if (!part.full_line) continue;
    // R-REF-5: a fully refunded line loses its access (links already issued stop working, as
    // every download re-checks the entitlement) and its license key at once.
    if (opt.entitlements != nullptr) ents = *opt.entitlements;
    if (ents.empty()) ents = SD_TRY(entitlements::list_for_order(tx, o.store_id, o.id));
    for (const auto& e : ents)
      if (e.order_line_id == part.order_line_id)
        SD_TRY(entitlements::revoke(tx, e.id, "refunded", now));
    SD_TRY_VOID(licenses::disable_for_line(tx, part.order_line_id, "refunded", now));
  }
  SD_TRY_VOID(update_sales_rows(tx, o, touched));
  if (opt.email) SD_TRY_VOID(outbox::enqueue(tx, o.store_id, refund_email(p, r, false), now));
  if (!request_id.empty()) {
    const auto req = SD_TRY(refunds::get_request(tx, o.store_id, request_id));
    if (req.order_id != o.id || !SD_TRY(refunds::decide_request(tx, req.id, "granted", r.id, "", now)))
      return fail(ErrorKind::conflict, "refund_request_closed", "this refund request was already answered");
    SD_TRY_VOID(sales::set_refund_request(tx, o.id, std::nullopt));
  }
  if (fail_next_commits != nullptr && fail_next_commits->load() > 0) {
    fail_next_commits->fetch_sub(1);
    return fail(ErrorKind::unavailable, "injected_fault", "test-mode fault before the refund commit");
  }
  return {};
}

// processing → succeeded, with the sales rows and (unless a generator's) the buyer's email;
// false when another instance (or an earlier run) already did it.
Result<bool> settle(db::Tx& tx, int64_t refund_id, Micros now, bool email) {
  if (!SD_TRY(refunds::mark_succeeded(tx, refund_id, now))) return false;
  const auto r = SD_TRY(refunds::get(tx, refund_id));
  Plan p;
  p.order = SD_TRY(orders::get_order_by_id(tx, r.store_id, r.order_id));
  p.store = SD_TRY(stores::get_store(tx, r.store_id));
  std::vector<int64_t> touched;
  for (const auto& l : r.lines) touched.push_back(l.order_line_id);
  SD_TRY_VOID(update_sales_rows(tx, p.order, touched));
  if (email) SD_TRY_VOID(outbox::enqueue(tx, r.store_id, refund_email(p, r, true), now));
  return true;
}

// Step 2 and 3 of the header's protocol for one recorded refund.
bool submit(RefundDeps& deps, const refunds::Refund& r, const std::string& charge_id) {
  auto done = deps.provider.refund(payments::RefundRequest{charge_id, r.amount_minor, r.provider_key});
  const auto now = deps.clock.now();
  if (!done) {
    log::warn("refund provider call failed; the refund job will retry",
              {{"refund_id", r.public_id}, {"error", done.error().code}});
    (void)deps.db.write<void>([&](db::Tx& tx) {
      return refunds::mark_submit_failed(
          tx, r.id, now + limits::refund_submit_grace_seconds * kMicrosPerSecond);
    });
    return false;
  }
  auto marked = deps.db.write<void>([&](db::Tx& tx) {
    return refunds::mark_submitted(tx, r.id, done->refund_id, done->settles_at);
  });
  if (!marked) {
    log::warn("refund accepted by the provider but not marked; the job will repeat the call",
              {{"refund_id", r.public_id}, {"error", marked.error().code}});
    return false;
  }
  return true;
}

}  // namespace

Result<RefundPreview> preview_refund(RefundDeps& deps, int64_t store_id, const RefundInput& in) {
  SD_TRY_VOID(validate_input(in));
  const auto now = deps.clock.now();
  return deps.db.read<RefundPreview>([&](db::Tx& tx) -> Result<RefundPreview> {
    auto p = SD_TRY(make_plan(tx, store_id, in, now, false));
    RefundPreview out;
    out.available_before_minor = p.balance.available_minor;
    out.available_after_minor = p.balance.available_minor - p.refund.seller_share_minor;
    out.pending_minor = p.balance.pending_minor;
    int64_t left = 0;
    for (const auto& l : p.order.lines) left += l.total_minor - l.refunded_minor;
    out.order_remaining_after_minor = left - p.refund.amount_minor;
    out.revocations = SD_TRY(revocations(tx, p));
    out.evidence = SD_TRY(evidence(tx, p, now));
    out.refund = std::move(p.refund);
    return out;
  });
}

Result<RefundResult> create_refund(RefundDeps& deps, int64_t store_id, const RefundInput& in) {
  SD_TRY_VOID(validate_input(in));
  struct Written {
    refunds::Refund refund;
    std::string charge_id;
    std::string order_public_id;
  };
  // Step 1: record (see the header).
  const auto w = SD_TRY(deps.db.write<Written>([&](db::Tx& tx) -> Result<Written> {
    const auto now = deps.clock.now();
    auto p = SD_TRY(make_plan(tx, store_id, in, now, true));
    SD_TRY_VOID(write_refund(tx, deps.fail_next_commits, p, now, in.request_public_id));
    return Written{p.refund, p.order.provider_charge_id, p.order.public_id};
  }));
  // Steps 2 and 3; a failure leaves the refund processing with its provider call owed.
  submit(deps, w.refund, w.charge_id);
  auto r = deps.db.read<refunds::Refund>([&](db::Tx& tx) { return refunds::get(tx, w.refund.id); });
  return RefundResult{r ? *r : w.refund, w.order_public_id};
}

Result<refunds::Refund> write_generated_refund(db::Tx& tx, const GeneratedRefund& g) {
  SD_TRY_VOID(validate_input(g.input));
  Plan p;
  p.store = g.store;
  p.order = g.order;
  SD_TRY_VOID(plan_amounts(tx, p, g.input, g.at));
  p.balance.available_minor = g.available_minor;
  if (p.refund.seller_share_minor > p.balance.available_minor)
    return fail(balance_error(p, {}));
  SD_TRY_VOID(write_refund(tx, nullptr, p, g.at, "", WriteOptions{false, &g.entitlements}));
  // The provider accepted at once (its reference, its settlement date: the one planned).
  SD_TRY_VOID(refunds::mark_submitted(tx, p.refund.id, g.provider_refund_id, p.refund.settles_at));
  if (p.refund.settles_at <= g.settled_by)
    SD_TRY(settle(tx, p.refund.id, p.refund.settles_at, false));
  return refunds::get(tx, p.refund.id);
}

int submit_due_refunds(RefundDeps& deps, int limit) {
  struct Due {
    refunds::Refund refund;
    std::string charge_id;
  };
  auto due = deps.db.read<std::vector<Due>>([&](db::Tx& tx) -> Result<std::vector<Due>> {
    std::vector<Due> out;
    for (auto& r : SD_TRY(refunds::due_for_submission(tx, deps.clock.now(), limit))) {
      const auto o = SD_TRY(orders::get_order_by_id(tx, r.store_id, r.order_id));
      out.push_back({std::move(r), o.provider_charge_id});
    }
    return out;
  });
  if (!due) return 0;
  int n = 0;
  for (const auto& d : *due)
    if (submit(deps, d.refund, d.charge_id)) ++n;
  return n;
}

int settle_due_refunds(RefundDeps& deps, int limit) {
  auto ids = deps.db.read<std::vector<int64_t>>(
      [&](db::Tx& tx) { return refunds::due_for_settlement(tx, deps.clock.now(), limit); });
  if (!ids) return 0;
  int n = 0;
  for (const auto id : *ids) {
    // Several instances may race here: exactly one changes the row and sends the email.
    auto settled = deps.db.write<bool>(
        [&](db::Tx& tx) { return settle(tx, id, deps.clock.now(), true); });
    if (!settled) {
      log::warn("refund settlement failed", {{"refund_id", id}, {"error", settled.error().code}});
    } else if (*settled) {
      ++n;
    }
  }
  return n;
}

namespace {

outbox::OutgoingEmail request_email(const stores::Store& s, const orders::Order& o,
                                    const refunds::Request& r) {
  const std::string body =
      o.name + " (" + o.email + ") asks for a refund of order " + o.public_id + " (" +
      money_text(o.total_minor, o.currency) + ").\n\nReason: " + r.reason +
      "\n\nPlease answer by " + format_rfc3339(r.reply_by) +
      ": grant it (a refund) or decline it with a message, from the order in your Sales view.\n";
  return outbox::OutgoingEmail{"refund_request", "Shopdesk", s.name, s.support_email, o.email,
                               "Refund request for order " + o.public_id, body,
                               {{"X-Shopdesk-Order", o.public_id},
                                {"X-Shopdesk-Refund-Request", r.public_id}}};
}

outbox::OutgoingEmail declined_email(const stores::Store& s, const orders::Order& o,
                                     const std::string& message) {
  const std::string body = "Hi " + o.name + ",\n\n" + s.name +
                           " has answered your refund request for order " + o.public_id +
                           ": it was declined.\n\n" + message + "\n\nQuestions? Write to " +
                           s.support_email + " and mention order " + o.public_id + ".\n";
  return outbox::OutgoingEmail{"refund_request_declined", s.name, o.name, o.email,
                               s.support_email,
                               "About your refund request (" + o.public_id + ")", body,
                               {{"X-Shopdesk-Order", o.public_id}}};
}

}  // namespace

Result<refunds::Request> request_refund(RefundDeps& deps, int64_t buyer_user_id,
                                        std::string_view order_public_id,
                                        const std::string& reason) {
  if (reason.empty()) return fail(ErrorKind::invalid_input, "required", "reason is required", "reason");
  return deps.db.write<refunds::Request>([&](db::Tx& tx) -> Result<refunds::Request> {
    const auto now = deps.clock.now();
    const auto found = SD_TRY(orders::get_buyer_order(tx, buyer_user_id, order_public_id));
    SD_TRY_VOID(tx.lock_row("orders", found.id));
    const auto o = SD_TRY(orders::get_buyer_order(tx, buyer_user_id, order_public_id));
    SD_TRY_VOID(ensure_not_disputed(tx, o.id));
    int64_t refunded = 0;
    for (const auto& l : o.lines) refunded += l.refunded_minor;
    if (o.total_minor == 0 || refunded >= o.total_minor)
      return fail(ErrorKind::conflict, "order_fully_refunded", "there is nothing left to refund");
    SD_TRY_VOID(refunds::check_request_window(o.created_at, limits::refund_request_window_days, now));
    refunds::Request r;
    r.store_id = o.store_id;
    r.order_id = o.id;
    r.order_public_id = o.public_id;
    r.reason = reason;
    r.created_at = now;
    r.reply_by = now + limits::refund_request_reply_hours * kMicrosPerHour;
    r = SD_TRY(refunds::insert_request(tx, std::move(r)));
    SD_TRY_VOID(sales::set_refund_request(tx, o.id, r.reply_by));
    const auto s = SD_TRY(stores::get_store(tx, o.store_id));
    SD_TRY_VOID(outbox::enqueue(tx, o.store_id, request_email(s, o, r), now));
    return r;
  });
}

Result<RefundResult> grant_refund_request(RefundDeps& deps, int64_t store_id,
                                          std::string_view request_public_id, RefundInput in) {
  const auto req = SD_TRY(deps.db.read<refunds::Request>(
      [&](db::Tx& tx) { return refunds::get_request(tx, store_id, request_public_id); }));
  if (req.status != "open")
    return fail(ErrorKind::conflict, "refund_request_closed", "this refund request was already answered");
  in.order_public_id = req.order_public_id;
  in.request_public_id = req.public_id;
  if (in.reason.empty()) in.reason = req.reason;
  return create_refund(deps, store_id, in);
}

Result<refunds::Request> decline_refund_request(RefundDeps& deps, int64_t store_id,
                                                std::string_view request_public_id,
                                                const std::string& message) {
  if (message.empty())
    return fail(ErrorKind::invalid_input, "required", "message is required", "message");
  return deps.db.write<refunds::Request>([&](db::Tx& tx) -> Result<refunds::Request> {
    const auto now = deps.clock.now();
    const auto req = SD_TRY(refunds::get_request(tx, store_id, request_public_id));
    if (!SD_TRY(refunds::decide_request(tx, req.id, "declined", std::nullopt, message, now)))
      return fail(ErrorKind::conflict, "refund_request_closed", "this refund request was already answered");
    SD_TRY_VOID(sales::set_refund_request(tx, req.order_id, std::nullopt));
    const auto o = SD_TRY(orders::get_order_by_id(tx, store_id, req.order_id));
    const auto s = SD_TRY(stores::get_store(tx, store_id));
    SD_TRY_VOID(outbox::enqueue(tx, store_id, declined_email(s, o, message), now));
    return refunds::get_request(tx, store_id, request_public_id);
  });
}

}  // namespace sd::flows
