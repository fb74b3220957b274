#include "flows/checkout.hpp"

#include <nlohmann/json.hpp>

#include "core/ids.hpp"
#include "core/limits.hpp"
#include "core/money.hpp"
#include "core/validation.hpp"
#include "modules/blocks/blocks.hpp"
#include "modules/catalog/catalog.hpp"
#include "modules/entitlements/entitlements.hpp"
#include "modules/ledger/ledger.hpp"
#include "modules/licenses/licenses.hpp"
#include "modules/outbox/outbox.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"
#include "platform/observability/log.hpp"

namespace sd::flows {
namespace {

constexpr std::string_view kReceipt = "receipt";

// What the buyer will pay, computed before charging and verified again when writing.
struct Quote {
  stores::Store store;
  std::vector<catalog::Purchasable> items;
  std::vector<int64_t> quantities;
  tax::Decision tax;
  orders::Order order;  // lines and totals filled; ids empty
  // Read once, outside the writer: what the bundle grants need.
  std::vector<std::vector<std::string>> bundle_public_ids;  // per item
  bool new_buyer = false;  // no account had the email (nor was one signed in) when quoted
};

// What the write will use that is random or time-dependent, drawn before it: with them, the
// result the write is expected to produce (and an answer made from it) is known outside the
// writer.
struct Drawn {
  Micros now = 0;
  std::string order_public_id;
  std::vector<std::string> line_public_ids;
  std::vector<std::vector<std::string>> keys;  // per line: one per grant that issues keys
  accounts::StartedSession session;            // for a new buyer
  // The sales rows' search texts of the predicted result (normalising text is not cheap),
  // used when the written row has the same searchable fields.
  std::vector<sales::SaleRow> sale_rows;
  std::vector<std::string> search_texts;
};

// Bundle contents' public ids. Informational, so they are read with the quote and not
// re-verified inside the write transaction.
void add_bundle_ids(Quote& q) {
  for (const auto& item : q.items) {
    std::vector<std::string> ids;
    for (const auto& b : item.bundle_items) ids.push_back(b.public_id);
    q.bundle_public_ids.push_back(std::move(ids));
  }
}

std::string item_param(size_t i, const char* field) {
  return "items[" + std::to_string(i) + "]." + field;
}

Result<void> validate(const CheckoutInput& in) {
  if (in.items.empty() || in.items.size() > limits::checkout_items_max) {
    return fail(ErrorKind::invalid_input, "items_invalid",
                "items must hold 1 to " + std::to_string(limits::checkout_items_max) + " entries",
                "items");
  }
  for (size_t i = 0; i < in.items.size(); ++i) {
    if (in.items[i].quantity < 1 || in.items[i].quantity > limits::checkout_quantity_max) {
      return fail(ErrorKind::invalid_input, "out_of_range",
                  "quantity must be between 1 and " + std::to_string(limits::checkout_quantity_max),
                  item_param(i, "quantity"));
    }
  }
  if (!is_valid_email(in.email)) {
    return fail(ErrorKind::invalid_input, "invalid_email", "email is not a valid email address",
                "email");
  }
  if (in.name.empty()) return fail(ErrorKind::invalid_input, "required", "name is required", "name");
  return {};
}

// Lines priced, taxed half-up per line, and the platform fee shared across lines.
Result<void> price(Quote& q) {
  const auto& s = q.store;
  std::vector<int64_t> subtotals;
  for (size_t i = 0; i < q.items.size(); ++i) {
    const auto& it = q.items[i];
    orders::Line l;
    l.product_id = it.product_id;
    l.product_public_id = it.product_public_id;
    l.tier_id = it.tier.id;
    l.tier_public_id = it.tier.public_id;
    l.product_title = it.title;
    l.tier_name = it.tier.name;
    l.terms = it.tier.terms;
    l.quantity = q.quantities[i];
    l.unit_price_minor = it.tier.price_minor;
    if (__builtin_mul_overflow(l.unit_price_minor, l.quantity, &l.subtotal_minor)) {
      return fail(ErrorKind::invalid_input, "amount_overflow", "the order total is too large",
                  item_param(i, "quantity"));
    }
    l.tax_minor = tax::tax_for(l.subtotal_minor, q.tax.rate_ppm);
    l.total_minor = l.subtotal_minor + l.tax_minor;
    subtotals.push_back(l.subtotal_minor);
    q.order.lines.push_back(std::move(l));
  }
  int64_t subtotal = 0;
  for (auto v : subtotals) subtotal += v;
  const auto fees = ledger::allocate(
      ledger::platform_fee(subtotal, s.fee_percent_bp, s.fee_fixed_minor), subtotals);
  for (size_t i = 0; i < fees.size(); ++i) q.order.lines[i].fee_minor = fees[i];
  return orders::total_up(q.order);
}

// The quote once the store and the items are known: tax decided, lines priced.
Result<void> price_quote(Quote& q, const tax::RateTable& taxes, const CheckoutInput& in,
                         const payments::PaymentMethod& pm, Micros now) {
  tax::Evidence ev{in.country, in.region, in.postal_code, pm.card_country, in.ip_country};
  q.tax = SD_TRY(tax::decide(taxes, ev, now));
  if (q.tax.requires_consent && !in.consent_immediate_delivery) {
    return fail(ErrorKind::invalid_input, "consent_required",
                "buyers in the EU must agree to immediate delivery and the loss of the "
                "withdrawal right",
                "consent_immediate_delivery");
  }
  q.order.store_id = q.store.id;
  q.order.currency = q.store.currency;
  q.order.email = in.email;
  q.order.name = in.name;
  return price(q);
}

Result<Quote> quote(db::Tx& tx, const CheckoutDeps& deps, const CheckoutInput& in,
                    const payments::PaymentMethod& pm, Micros now) {
  Quote q;
  q.store = SD_TRY(stores::get_store_by_slug(tx, in.store_slug));
  for (size_t i = 0; i < in.items.size(); ++i) {
    auto p = catalog::find_purchasable(tx, q.store.id, in.items[i].product_id, in.items[i].tier_id);
    if (!p) {
      auto e = p.error();
      e.param = item_param(i, e.code == "tier_not_found" ? "tier_id" : "product_id");
      return fail(std::move(e));
    }
    q.items.push_back(std::move(*p));
    q.quantities.push_back(in.items[i].quantity);
  }
  SD_TRY_VOID(price_quote(q, deps.taxes, in, pm, now));
  return q;
}

// The order row as paid: the quote's order with the tax decision, evidence, payment and hold.
orders::Order paid_order(const Quote& q, const CheckoutInput& in, const payments::PaymentMethod& pm,
                         const payments::Charge& ch, Micros now);

// The same quote again inside the write transaction: a tier repriced or a product unpublished
// between quote and charge must not produce an order at the old terms. While the store's
// catalog_version is the quote's, the catalog rows are the quote's too, so the quote is priced
// again from them at `now` (the tax rate in force may have changed); otherwise it is read again.
Result<void> reverify(db::Tx& tx, const CheckoutDeps& deps, const CheckoutInput& in,
                      const payments::PaymentMethod& pm, const Quote& charged, Micros now) {
  Quote again;
  if (SD_TRY(stores::catalog_version(tx, charged.store.id)) == charged.store.catalog_version) {
    again.store = charged.store;
    again.items = charged.items;
    again.quantities = charged.quantities;
    SD_TRY_VOID(price_quote(again, deps.taxes, in, pm, now));
  } else {
    again = SD_TRY(quote(tx, deps, in, pm, now));
  }
  if (again.order.total_minor != charged.order.total_minor ||
      again.order.fee_minor != charged.order.fee_minor) {
    return fail(ErrorKind::conflict, "catalog_changed",
                "prices changed while you were paying; you were not charged, please try again");
  }
  return {};
}

std::string evidence_json(const CheckoutInput& in, const payments::PaymentMethod& pm,
                          const tax::Decision& d) {
  return nlohmann::json{{"declared_country", in.country}, {"declared_region", in.region},
                        {"postal_code", in.postal_code},  {"card_country", pm.card_country},
                        {"ip_country", in.ip_country},    {"rule", d.evidence_rule}}
      .dump();
}

orders::Order paid_order(const Quote& q, const CheckoutInput& in, const payments::PaymentMethod& pm,
                         const payments::Charge& ch, Micros now) {
  orders::Order o = q.order;
  o.tax_country = q.tax.country;
  o.tax_region = q.tax.region;
  o.tax_rate_ppm = q.tax.rate_ppm;
  o.tax_label = q.tax.label;
  o.evidence = evidence_json(in, pm, q.tax);
  o.payment_brand = ch.brand;
  o.payment_last4 = ch.last4;
  o.payment_fingerprint = ch.fingerprint;
  o.provider_charge_id = ch.charge_id;
  if (q.tax.requires_consent) o.consent_at = now;
  o.created_at = now;
  o.available_at = now + q.store.hold_period_days * kMicrosPerDay;
  return o;
}

outbox::OutgoingEmail receipt(const std::string& public_url, const CheckoutResult& r,
                              const std::vector<catalog::SupportMaterial>& support) {
  const auto cur = currency_from_code(r.order.currency).value_or(Currency{});
  auto money = [&](int64_t v) { return format_decimal(Money{v, cur}) + " " + r.order.currency; };
  std::string body = "Hi " + r.order.name + ",\n\nThank you for your purchase from " +
                     r.store_name + ".\n\nOrder " + r.order.public_id + "\n\n";
  for (size_t i = 0; i < r.order.lines.size(); ++i) {
    const auto& l = r.order.lines[i];
    body += "- " + l.product_title + " (" + l.tier_name + ") x" + std::to_string(l.quantity) +
            ": " + money(l.subtotal_minor) + "\n  License terms: " + l.terms + "\n";
    if (!r.license_keys[i].empty()) body += "  License key: " + r.license_keys[i] + "\n";
  }
  body += "\nSubtotal: " + money(r.order.subtotal_minor) + "\n";
  if (r.order.tax_minor > 0) {
    body += r.order.tax_label + " (" + r.order.tax_country +
            (r.order.tax_region.empty() ? "" : "-" + r.order.tax_region) +
            "): " + money(r.order.tax_minor) + "\n";
  }
  body += "Total paid: " + money(r.order.total_minor) + " (" + r.order.payment_brand + " ending " +
          r.order.payment_last4 + ")\n\n";
  body += "Your downloads are in your library: " + public_url + "/library\n";
  std::string materials;
  for (const auto& m : support) materials += "- " + m.title + (m.url.empty() ? "" : ": " + m.url) + "\n";
  if (!materials.empty()) body += "\nHelp with your purchase:\n" + materials;
  body += "\nQuestions? Write to " + r.support_email + " and mention order " + r.order.public_id +
          ".\n";
  return outbox::OutgoingEmail{"receipt", r.store_name, r.order.name, r.order.email,
                               r.support_email, "Your receipt from " + r.store_name + " (" +
                                                    r.order.public_id + ")",
                               body, {{"X-Shopdesk-Order", r.order.public_id}}};
}

// Entitlements for a line: the product itself, and each product a bundle contains.
// `keys` are the line's drawn license keys, one per grant that issues them, in order.
Result<std::string> grant_line(db::Tx& tx, const catalog::Purchasable& item,
                               const std::vector<std::string>& bundle_public_ids,
                               const orders::Order& o, const orders::Line& l, Micros now,
                               const std::vector<std::string>& keys) {
  std::string first_key;
  size_t next = 0;
  for (const auto& g : grants_of(item, bundle_public_ids)) {
    SD_TRY(entitlements::grant(tx, o.store_id, o.buyer_user_id, o.id, l.id, g.product_id, now));
    if (g.license_key) {
      auto key = SD_TRY(licenses::issue(tx, o.store_id, g.product_id, g.product_public_id, l.id,
                                        now, keys.at(next++)));
      if (first_key.empty()) first_key = key;
    }
  }
  return first_key;
}

Drawn draw(const Quote& q, Micros now) {
  Drawn d;
  d.now = now;
  d.order_public_id = orders::new_order_public_id(now);
  for (size_t i = 0; i < q.items.size(); ++i) {
    d.line_public_ids.push_back(new_public_id("li"));
    std::vector<std::string> keys;
    for (const auto& g : grants_of(q.items[i], q.bundle_public_ids[i]))
      if (g.license_key) keys.push_back(licenses::new_license_key());
    d.keys.push_back(std::move(keys));
  }
  if (q.new_buyer) d.session = accounts::new_session(now);
  return d;
}

// The result write_order produces when nothing changed since the quote (row ids left 0).
CheckoutResult predicted(const Quote& q, const CheckoutInput& in,
                         const payments::PaymentMethod& pm, const payments::Charge& ch,
                         const Drawn& d) {
  CheckoutResult r{paid_order(q, in, pm, ch, d.now), q.store.name, q.store.slug,
                   q.store.support_email, {}, std::nullopt};
  r.order.public_id = d.order_public_id;
  for (size_t i = 0; i < r.order.lines.size(); ++i) {
    r.order.lines[i].public_id = d.line_public_ids[i];
    r.license_keys.push_back(d.keys[i].empty() ? "" : d.keys[i][0]);
  }
  if (q.new_buyer) r.session = d.session;
  return r;
}

// The answer for a charge that already paid an order: the same request came again (a retry
// under another session, or a lost answer), so it gets that order, never a second one.
Result<CheckoutResult> existing_result(db::Tx& tx, const Quote& q, orders::Order o) {
  CheckoutResult r{std::move(o), q.store.name, q.store.slug, q.store.support_email, {}, std::nullopt};
  for (const auto& l : r.order.lines)
    r.license_keys.push_back(SD_TRY(licenses::key_for_line(tx, l.id)).value_or(""));
  return r;
}

Result<CheckoutResult> write_order(db::Tx& tx, CheckoutDeps& deps, const CheckoutInput& in,
                                   const payments::PaymentMethod& pm, const payments::Charge& ch,
                                   const Quote& q, const Drawn& d) {
  const Micros now = d.now;
  if (auto paid = SD_TRY(orders::find_by_charge(tx, ch.charge_id))) {
    auto r = SD_TRY(existing_result(tx, q, std::move(*paid)));
    if (deps.on_written) SD_TRY_VOID(deps.on_written(tx, r, false));
    return r;
  }
  SD_TRY_VOID(reverify(tx, deps, in, pm, q, now));
  bool created = false;
  const auto user = in.buyer_user_id
                        ? SD_TRY(accounts::get_user(tx, *in.buyer_user_id))
                        : SD_TRY(accounts::find_or_create_buyer(tx, in.email, in.name, now, &created));
  SD_TRY_VOID(ensure_may_buy(tx, q.store.id, user.id, canonical_email(in.email), pm.fingerprint));
  const auto customer =
      SD_TRY(orders::upsert_customer(tx, q.store.id, user.id, in.name, in.email, now));

  orders::Order o = paid_order(q, in, pm, ch, now);
  o.customer_id = customer.id;
  o.buyer_user_id = user.id;
  o.public_id = d.order_public_id;
  for (size_t i = 0; i < o.lines.size(); ++i) o.lines[i].public_id = d.line_public_ids[i];
  o = SD_TRY(orders::insert_order(tx, std::move(o)));
  // What predicted() assumed: the drawn order id was free, and the buyer's account was new
  // exactly when the quote found none.
  const bool as_predicted = o.public_id == d.order_public_id && created == q.new_buyer;

  SD_TRY(ledger::post(tx, ledger::sale_entry(o.store_id, o.id, o.currency, o.subtotal_minor,
                                             o.tax_minor, o.fee_minor, now, o.available_at,
                                             "order " + o.public_id)));
  CheckoutResult r{o, q.store.name, q.store.slug, q.store.support_email, {}, std::nullopt};
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const auto& l = o.lines[i];
    r.license_keys.push_back(
        SD_TRY(grant_line(tx, q.items[i], q.bundle_public_ids[i], o, l, now, d.keys[i])));
    auto row = sale_row_of(o, l, customer, r.license_keys[i]);
    if (i < d.sale_rows.size() && sales::same_search_text(row, d.sale_rows[i])) {
      SD_TRY_VOID(sales::record(tx, row, d.search_texts[i]));
    } else {
      SD_TRY_VOID(sales::record(tx, row));
    }
  }
  // The receipt is rendered when it is sent (receipt_email), from the rows written here.
  SD_TRY_VOID(outbox::enqueue_reference(tx, {std::string(kReceipt), o.store_id, o.id}, now));
  if (created) {
    r.session = SD_TRY(accounts::start_session(
        tx, user.id, now, q.new_buyer ? d.session : accounts::new_session(now)));
  }
  if (deps.fail_next_commits != nullptr && deps.fail_next_commits->load() > 0) {
    deps.fail_next_commits->fetch_sub(1);
    return fail(ErrorKind::unavailable, "injected_fault", "test-mode fault after the charge");
  }
  if (deps.on_written) SD_TRY_VOID(deps.on_written(tx, r, as_predicted));
  return r;
}

// The payment: a provider charge, or none for a free order (nothing to take, nothing to
// refund; the order records a `free_` reference instead of a charge id).
Result<payments::Charge> charge_for(CheckoutDeps& deps, const CheckoutInput& in,
                                    const payments::PaymentMethod& pm, const Quote& q) {
  if (q.order.total_minor == 0) {
    return payments::Charge{"free_" + random_base32(20), pm.brand.empty() ? "none" : pm.brand,
                            pm.last4, pm.fingerprint, pm.card_country};
  }
  if (in.payment_token.empty()) {
    return fail(ErrorKind::invalid_input, "required", "payment_token is required",
                "payment_token");
  }
  return deps.provider.charge(payments::ChargeRequest{in.payment_token, q.order.total_minor,
                                                      q.order.currency,
                                                      "chk:" + in.idempotency_key, q.store.name});
}

}  // namespace

Result<void> ensure_may_buy(db::Tx& tx, int64_t store_id, int64_t user_id,
                            std::string_view email, std::string_view fingerprint) {
  // R-BLK-1: a blocked buyer is refused like a declined payment, with nothing that tells a
  // block from any other refusal (the buyer is not told they are blocked).
  if (SD_TRY(blocks::is_covered(tx, store_id, user_id, blocks::normalise_email(email),
                                fingerprint))) {
    return fail(ErrorKind::payment_failed, "purchase_not_allowed",
                "This purchase can't be completed. You have not been charged.");
  }
  return {};
}

Result<std::optional<outbox::OutgoingEmail>> receipt_email(db::Tx& tx,
                                                           const outbox::Reference& ref,
                                                           const std::string& public_url) {
  if (ref.kind != kReceipt) return std::optional<outbox::OutgoingEmail>();
  const auto store = SD_TRY(stores::get_store(tx, ref.store_id));
  CheckoutResult r{SD_TRY(orders::get_order_by_id(tx, ref.store_id, ref.id)), store.name,
                   store.slug, store.support_email, {}, std::nullopt};
  // The support material of each product bought, once each, in the order of the lines.
  std::vector<catalog::SupportMaterial> materials;
  for (const auto& l : r.order.lines) {
    r.license_keys.push_back(SD_TRY(licenses::key_for_line(tx, l.id)).value_or(""));
    for (const auto& m : SD_TRY(catalog::support_materials_of(tx, store.id, l.product_id))) {
      bool seen = false;
      for (const auto& have : materials) seen = seen || have.id == m.id;
      if (!seen) materials.push_back(m);
    }
  }
  return std::optional(receipt(public_url, r, materials));
}

Result<CheckoutResult> checkout(CheckoutDeps& deps, const CheckoutInput& in) {
  SD_TRY_VOID(validate(in));
  // Card details first (no charge): the card's country is tax evidence, and the fingerprint
  // lets a blocked buyer be refused before any money moves. A free order may come without one.
  payments::PaymentMethod pm;
  if (!in.payment_token.empty()) pm = SD_TRY(deps.provider.describe(in.payment_token));
  const auto now = deps.clock.now();
  const auto q = SD_TRY(deps.db.read<Quote>([&](db::Tx& tx) -> Result<Quote> {
    auto quoted = SD_TRY(quote(tx, deps, in, pm, now));
    add_bundle_ids(quoted);
    const auto existing = SD_TRY(accounts::find_login(tx, canonical_email(in.email)));
    // The signed-in buyer's account, else the account the email belongs to (a guest may be a
    // known buyer); the email and the card are checked as well.
    const int64_t user_id = in.buyer_user_id ? *in.buyer_user_id : existing ? existing->first.id : 0;
    quoted.new_buyer = user_id == 0;
    SD_TRY_VOID(ensure_may_buy(tx, quoted.store.id, user_id, canonical_email(in.email),
                               pm.fingerprint));
    return quoted;
  }));

  const auto charge = SD_TRY(charge_for(deps, in, pm, q));
  Drawn drawn = draw(q, deps.clock.now());
  const auto expected = predicted(q, in, pm, charge, drawn);
  orders::Customer buyer;
  buyer.name = in.name;
  buyer.email = in.email;
  for (size_t i = 0; i < expected.order.lines.size(); ++i) {
    drawn.sale_rows.push_back(
        sale_row_of(expected.order, expected.order.lines[i], buyer, expected.license_keys[i]));
    drawn.search_texts.push_back(sales::search_text(drawn.sale_rows.back()));
  }
  if (deps.on_predicted) deps.on_predicted(expected);
  auto write = [&] {
    return deps.db.write<CheckoutResult>(
        [&](db::Tx& tx) { return write_order(tx, deps, in, pm, charge, q, drawn); });
  };
  auto written = write();
  // A concurrent twin of this request (same charge, same new buyer) committed first and this
  // transaction met its unique rows (PostgreSQL): once more, it finds and answers that order.
  if (!written && written.error().code == "unique_violation") written = write();
  if (!written) {
    // The money moved but the order did not: give it back before answering — unless an order
    // does reference this charge (then refunding would take a standing order's money).
    auto owner = deps.db.read<bool>([&](db::Tx& tx) -> Result<bool> {
      return SD_TRY(orders::find_by_charge(tx, charge.charge_id)).has_value();
    });
    // Unknown counts as "do not refund"; a free order has nothing to refund.
    const bool paid_an_order = !owner || *owner || q.order.total_minor == 0;
    auto refunded = paid_an_order ? Result<payments::Refund>(tl::unexpected(Error{}))
                                  : deps.provider.refund(payments::RefundRequest{
                                        charge.charge_id, q.order.total_minor,
                                        "void:" + charge.charge_id});
    log::warn("checkout rolled back after charge",
              {{"charge_id", charge.charge_id},
               {"error", written.error().code},
               {"refunded", refunded ? 1 : 0},
               {"charge_has_order", paid_an_order ? 1 : 0}});
  }
  return written;
}

Result<orders::Order> generated_order(const stores::Store& store,
                                      const std::vector<catalog::Purchasable>& items,
                                      const CheckoutInput& in, const payments::PaymentMethod& pm,
                                      const payments::Charge& charge, const tax::RateTable& taxes,
                                      Micros at) {
  SD_TRY_VOID(validate(in));
  if (items.size() != in.items.size())
    return fail(ErrorKind::internal, "items_mismatch", "one purchasable per item");
  Quote q;
  q.store = store;
  q.items = items;
  for (const auto& i : in.items) q.quantities.push_back(i.quantity);
  SD_TRY_VOID(price_quote(q, taxes, in, pm, at));
  return paid_order(q, in, pm, charge, at);
}

std::vector<Grant> grants_of(const catalog::Purchasable& item,
                             const std::vector<std::string>& bundle_public_ids) {
  std::vector<Grant> out{{item.product_id, item.product_public_id, item.license_keys}};
  for (size_t i = 0; i < item.bundle_items.size(); ++i) {
    const auto& b = item.bundle_items[i];
    out.push_back({b.product_id, bundle_public_ids.at(i), b.license_keys});
  }
  return out;
}

sales::SaleRow sale_row_of(const orders::Order& o, const orders::Line& l,
                           const orders::Customer& customer, const std::string& license_key) {
  return sales::SaleRow{l.id, o.store_id, o.id, o.public_id, l.public_id, o.created_at,
                        l.product_id, l.product_public_id, l.product_title, l.tier_name,
                        l.quantity, customer.id, customer.public_id, customer.name,
                        customer.email, "complete", l.unit_price_minor, l.subtotal_minor,
                        l.tax_minor, o.tax_rate_ppm, l.total_minor, 0, o.currency,
                        o.tax_country, o.tax_region, o.payment_brand, o.payment_last4,
                        license_key, std::nullopt};
}

}  // namespace sd::flows
