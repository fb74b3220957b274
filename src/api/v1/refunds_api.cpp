// Refunds (R-REF-1..8): preview and refund of a store's order. Shapes: the refund object of
// json.hpp; the preview adds the balance, fee rule, revocations and evidence.
#include <nlohmann/json.hpp>

#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "flows/refund.hpp"

namespace sd::api {
namespace {

Result<flows::RefundInput> decode_refund(Ctx& ctx) {
  JsonFields f(ctx.body);
  flows::RefundInput in;
  // Granting a request names the request, not the order (the flow reads it from the request).
  for (const auto& [name, value] : ctx.req.path_params)
    if (name == "order_id") in.order_public_id = value;
  in.reason = SD_TRY(f.optional_string("reason", 0, limits::refund_reason_bytes_max)).value_or("");
  in.amount_minor = SD_TRY(f.optional_int("amount_minor", 1, INT64_MAX / 4));
  if (const auto* raw = f.raw("lines")) {
    if (!raw->is_array())
      return fail(ErrorKind::invalid_input, "invalid_type", "lines must be a list", "lines");
    for (size_t i = 0; i < raw->size(); ++i) {
      const auto prefix = "lines[" + std::to_string(i) + "]";
      const auto& item = (*raw)[i];
      if (!item.is_object())
        return fail(ErrorKind::invalid_input, "invalid_type", prefix + " must be an object", prefix);
      JsonFields lf(item, prefix);
      flows::RefundLineInput l;
      l.line_id = SD_TRY(lf.required_string("line_id", 1, 64));
      l.amount_minor = SD_TRY(lf.optional_int("amount_minor", 1, INT64_MAX / 4));
      SD_TRY_VOID(lf.finish());
      in.lines.push_back(std::move(l));
    }
    if (in.lines.empty())
      return fail(ErrorKind::invalid_input, "out_of_range", "lines must not be empty", "lines");
  }
  SD_TRY_VOID(f.finish());
  return in;
}

flows::RefundDeps deps_of(Ctx& ctx) {
  return flows::RefundDeps{*ctx.svc.db, *ctx.svc.clock, *ctx.svc.payments, ctx.svc.public_url,
                           ctx.svc.refund_faults};
}

nlohmann::json evidence_json(const flows::RefundEvidence& e) {
  auto items = nlohmann::json::array();
  for (const auto& i : e.items) {
    items.push_back({{"kind", i.kind},
                     {"line_id", i.line_id},
                     {"product_title", i.product_title},
                     {"other_order_id", i.other_order_id ? nlohmann::json(*i.other_order_id)
                                                         : nlohmann::json(nullptr)},
                     {"other_order_at", i.other_order_at
                                            ? nlohmann::json(format_rfc3339(*i.other_order_at))
                                            : nlohmann::json(nullptr)},
                     {"note", i.note}});
  }
  auto rates = nlohmann::json::array();
  for (const auto& r : e.refund_rates) {
    rates.push_back({{"product_id", r.product_id},
                     {"product_title", r.product_title},
                     {"days", limits::refund_rate_window_days},
                     {"lines_sold", r.lines_sold},
                     {"lines_refunded", r.lines_refunded},
                     {"rate_bp", r.rate_bp}});
  }
  return {{"items", items},
          {"duplicate_purchase",
           std::any_of(e.items.begin(), e.items.end(),
                       [](const auto& i) {
                         return i.kind == "quantity_above_one" || i.kind == "repeat_purchase";
                       })},
          {"bundle_overlap", std::any_of(e.items.begin(), e.items.end(),
                                         [](const auto& i) {
                                           return i.kind.find("bundle") != std::string::npos;
                                         })},
          {"days_since_purchase", e.days_since_purchase},
          {"downloads", e.downloads},
          {"refund_rates", rates}};
}

Result<http::Response> post_preview(Ctx& ctx) {
  const auto in = SD_TRY(decode_refund(ctx));
  auto deps = deps_of(ctx);
  const auto p = SD_TRY(flows::preview_refund(deps, ctx.store_id, in));
  auto body = refund_json(p.refund, in.order_public_id);
  body.erase("id");
  body.erase("created_at");
  auto revoked = nlohmann::json::array();
  for (const auto& r : p.revocations)
    revoked.push_back({{"line_id", r.line_id},
                       {"product_title", r.product_title},
                       {"entitlement_ids", r.entitlement_ids},
                       {"license_keys", r.license_keys}});
  body["seller_share_minor"] = p.refund.seller_share_minor;
  body["balance"] = {{"available_before_minor", p.available_before_minor},
                     {"available_after_minor", p.available_after_minor},
                     {"pending_minor", p.pending_minor},
                     {"currency", p.refund.currency}};
  body["fees"] = {{"rule", "platform_fee_returned_pro_rata"},
                  {"returned_minor", p.refund.fee_minor},
                  {"note", "the platform returns its fee in proportion to the price refunded; "
                           "the seller gives back only their net share"}};
  body["order_remaining_after_minor"] = p.order_remaining_after_minor;
  body["revokes"] = revoked;
  body["evidence"] = evidence_json(p.evidence);
  body["irreversible"] = true;
  return json_ok(body);
}

Result<http::Response> post_request(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto reason =
      SD_TRY(f.optional_string("reason", 0, limits::refund_reason_bytes_max)).value_or("");
  SD_TRY_VOID(f.finish());
  auto deps = deps_of(ctx);
  const auto r = SD_TRY(flows::request_refund(deps, ctx.who().user.id,
                                              ctx.req.path_param("order_id"), reason));
  return json_ok(request_json(r), 201);
}

Result<http::Response> list_requests(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  const std::string status(ctx.req.query_param("status").value_or(""));
  if (!status.empty() && status != "open" && status != "granted" && status != "declined")
    return fail(ErrorKind::invalid_input, "invalid_status",
                "status must be open, granted or declined", "status");
  const auto rows = SD_TRY(ctx.svc.db->read<std::vector<refunds::Request>>([&](db::Tx& tx) {
    return refunds::list_requests(tx, ctx.store_id, status, page.limit);
  }));
  auto data = nlohmann::json::array();
  for (const auto& r : rows) data.push_back(request_json(r));
  return json_ok(list_page(std::move(data), false, std::nullopt));
}

Result<http::Response> grant_request(Ctx& ctx) {
  auto in = SD_TRY(decode_refund(ctx));
  auto deps = deps_of(ctx);
  const auto r = SD_TRY(flows::grant_refund_request(deps, ctx.store_id, ctx.req.path_param("id"), in));
  return json_ok(refund_json(r.refund, r.order_public_id), 201);
}

Result<http::Response> decline_request(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto message = SD_TRY(f.optional_string("message", 0, limits::refund_reason_bytes_max)).value_or("");
  SD_TRY_VOID(f.finish());
  auto deps = deps_of(ctx);
  const auto r = SD_TRY(flows::decline_refund_request(deps, ctx.store_id, ctx.req.path_param("id"), message));
  return json_ok(request_json(r));
}

Result<http::Response> post_refund(Ctx& ctx) {
  const auto in = SD_TRY(decode_refund(ctx));
  auto deps = deps_of(ctx);
  const auto r = SD_TRY(flows::create_refund(deps, ctx.store_id, in));
  return json_ok(refund_json(r.refund, r.order_public_id), 201);
}

}  // namespace

void register_refund_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc,
                {M::post, "/api/v1/orders/{order_id}/refunds/preview", Access::seller, post_preview});
  add_api_route(router, svc,
                {M::post, "/api/v1/orders/{order_id}/refunds", Access::seller, post_refund});
  add_api_route(router, svc,
                {M::post, "/api/v1/orders/{order_id}/refund-requests", Access::user, post_request});
  add_api_route(router, svc, {M::get, "/api/v1/refund-requests", Access::seller, list_requests});
  add_api_route(router, svc,
                {M::post, "/api/v1/refund-requests/{id}/grant", Access::seller, grant_request});
  add_api_route(router, svc,
                {M::post, "/api/v1/refund-requests/{id}/decline", Access::seller, decline_request});
}

}  // namespace sd::api
