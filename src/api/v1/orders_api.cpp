// The seller's order details (R-SALES-4) and customers' transaction history (R-SALES-5).
// Shapes: /work/notes/contract.md. Ids are public ids; the payment method is brand and last 4
// only (the fingerprint never leaves the server).
#include <nlohmann/json.hpp>

#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/routes.hpp"
#include "core/time.hpp"
#include "flows/order_details.hpp"

namespace sd::api {
namespace {

nlohmann::json time_or_null(const std::optional<Micros>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json line_json(const flows::LineDetails& d) {
  const auto& l = d.line;
  auto files = nlohmann::json::array();
  for (const auto& f : d.files)
    files.push_back({{"file_id", f.file_public_id}, {"filename", f.filename}, {"count", f.count}});
  return {
      {"id", l.public_id},
      {"product", {{"id", l.product_public_id}, {"title", l.product_title}}},
      {"tier", l.tier_name},
      {"tier_id", l.tier_public_id},
      {"terms", l.terms},
      {"quantity", l.quantity},
      {"unit_price_minor", l.unit_price_minor},
      {"price_minor", l.subtotal_minor},
      {"tax_minor", l.tax_minor},
      {"total_minor", l.total_minor},
      {"fee_minor", l.fee_minor},
      {"refunded_minor", l.refunded_minor},
      {"status", orders::payment_status(l.total_minor, l.refunded_minor)},
      {"license_key", d.license_key ? nlohmann::json(*d.license_key) : nlohmann::json(nullptr)},
      {"access", d.revoked ? "revoked" : "active"},
      {"entitlement_id", d.entitlement_public_id.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(d.entitlement_public_id)},
      {"downloads", {{"count", d.downloads}, {"files", files}}}};
}

nlohmann::json evidence_json(const std::string& stored) {
  auto j = nlohmann::json::parse(stored, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

Result<http::Response> get_order(Ctx& ctx) {
  const auto d = SD_TRY(flows::order_details(*ctx.svc.db, ctx.store_id,
                                             ctx.req.path_param("order_id"), ctx.svc.clock->now()));
  const auto& o = d.order;
  int64_t refunded = 0;
  auto lines = nlohmann::json::array();
  for (const auto& l : d.lines) {
    refunded += l.line.refunded_minor;
    lines.push_back(line_json(l));
  }
  auto refunds = nlohmann::json::array();
  for (const auto& r : d.refunds) refunds.push_back(refund_json(r, o.public_id));
  auto requests = nlohmann::json::array();
  for (const auto& r : d.refund_requests) requests.push_back(request_json(r));
  auto disputes = nlohmann::json::array();
  for (const auto& x : d.disputes) disputes.push_back(dispute_json(x, o.public_id));
  auto history = nlohmann::json::array();
  for (const auto& h : d.history)
    history.push_back({{"status", h.status}, {"at", format_rfc3339(h.at)}, {"note", h.note}});
  return json_ok({{"id", o.public_id},
                  {"created_at", format_rfc3339(o.created_at)},
                  {"status", orders::payment_status(o.total_minor, refunded)},
                  {"currency", o.currency},
                  {"customer",
                   {{"id", d.customer.public_id},
                    {"name", d.customer.name},
                    {"email", d.customer.email},
                    {"country", o.tax_country}}},
                  {"lines", lines},
                  {"subtotal_minor", o.subtotal_minor},
                  {"tax_minor", o.tax_minor},
                  {"total_minor", o.total_minor},
                  {"fee_minor", o.fee_minor},
                  {"net_minor", o.net_minor},
                  {"refunded_minor", refunded},
                  {"tax",
                   {{"country", o.tax_country},
                    {"region", o.tax_region},
                    {"rate_ppm", o.tax_rate_ppm},
                    {"label", o.tax_label},
                    {"evidence", evidence_json(o.evidence)}}},
                  {"payment", {{"brand", o.payment_brand}, {"last4", o.payment_last4}}},
                  {"consent_at", time_or_null(o.consent_at)},
                  {"available_at", format_rfc3339(o.available_at)},
                  {"status_history", history},
                  {"refunds", refunds},
                  {"refund_requests", requests},
                  {"disputes", disputes}});
}

Result<http::Response> get_customer(Ctx& ctx) {
  const auto d =
      SD_TRY(flows::customer_details(*ctx.svc.db, ctx.store_id, ctx.req.path_param("id")));
  const auto& s = d.summary;
  return json_ok({{"id", s.customer.public_id},
                  {"name", s.customer.name},
                  {"email", s.customer.email},
                  {"country", s.country},
                  {"created_at", format_rfc3339(s.created_at)},
                  {"currency", s.currency},
                  {"orders_count", s.orders_count},
                  {"total_spent_minor", s.total_spent_minor},
                  {"refunded_minor", s.refunded_minor},
                  {"first_order_at", time_or_null(s.first_order_at)},
                  {"last_order_at", time_or_null(s.last_order_at)},
                  {"blocked", !d.block_id.empty()},
                  {"block_id", d.block_id.empty() ? nlohmann::json(nullptr)
                                                  : nlohmann::json(d.block_id)}});
}

Result<http::Response> get_transactions(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  const auto p = SD_TRY(flows::customer_transactions(
      *ctx.svc.db, ctx.store_id, ctx.req.path_param("id"), page.limit, page.cursor));
  auto data = nlohmann::json::array();
  for (const auto& t : p.data) {
    data.push_back({{"type", t.type},
                    {"id", t.id},
                    {"order_id", t.order_id},
                    {"created_at", format_rfc3339(t.created_at)},
                    {"description", t.description},
                    {"amount_minor", t.amount_minor},
                    {"currency", t.currency},
                    {"status", t.status}});
  }
  auto body = list_page(std::move(data), p.has_more, p.next_cursor);
  body["totals"] = {{"count", p.totals.count},
                    {"purchases_minor", p.totals.purchases_minor},
                    {"refunds_minor", p.totals.refunds_minor},
                    {"net_minor", p.totals.net_minor},
                    {"currency", p.totals.currency}};
  return json_ok(body);
}

}  // namespace

void register_order_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::get, "/api/v1/orders/{order_id}", Access::seller, get_order});
  add_api_route(router, svc, {M::get, "/api/v1/customers/{id}", Access::seller, get_customer});
  add_api_route(router, svc,
                {M::get, "/api/v1/customers/{id}/transactions", Access::seller, get_transactions});
}

}  // namespace sd::api
