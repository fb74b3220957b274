// Blocking (R-BLK-1): the seller blocks a customer with a private reason, previews what a
// block would cover, unblocks, and lists the store's blocks. Customer ids are public ids;
// covered accounts are shown by name and masked email, never by fingerprint.
#include <nlohmann/json.hpp>

#include "api/v1/context.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "flows/block_customer.hpp"

namespace sd::api {
namespace {

nlohmann::json covered_json(const flows::BlockView& v) {
  auto accounts = nlohmann::json::array();
  for (const auto& a : v.accounts) {
    accounts.push_back({{"customer_id", a.customer_id.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json(a.customer_id)},
                        {"name", a.name},
                        {"email", a.email_masked},
                        {"depth", a.depth}});
  }
  return {{"accounts", accounts},
          {"payment_methods_count", v.fingerprints_count},
          {"emails_count", v.emails_count},
          {"truncated", v.truncated}};
}

nlohmann::json block_json(const flows::BlockView& v) {
  return {{"id", v.id},
          {"customer", {{"id", v.customer_id}, {"name", v.customer_name}, {"email", v.customer_email}}},
          {"reason", v.reason},
          {"created_at", format_rfc3339(v.created_at)},
          {"covers", covered_json(v)}};
}

Result<http::Response> preview(Ctx& ctx) {
  JsonFields f(ctx.body);
  SD_TRY(f.optional_string("reason", 0, limits::block_reason_bytes_max));
  SD_TRY_VOID(f.finish());
  const auto v =
      SD_TRY(flows::preview_block(*ctx.svc.db, ctx.store_id, ctx.req.path_param("id")));
  return json_ok({{"customer", {{"id", v.customer_id}, {"name", v.customer_name},
                                {"email", v.customer_email}}},
                  {"covers", covered_json(v)}});
}

Result<http::Response> block(Ctx& ctx) {
  JsonFields f(ctx.body);
  auto reason = SD_TRY(f.required_string("reason", 1, limits::block_reason_bytes_max));
  SD_TRY_VOID(f.finish());
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return fail(ErrorKind::invalid_input, "required", "reason is required", "reason");
  const auto v = SD_TRY(flows::block_customer(*ctx.svc.db, ctx.store_id, ctx.who().user.id,
                                              ctx.req.path_param("id"), reason,
                                              ctx.svc.clock->now()));
  return json_ok(block_json(v), 201);
}

Result<http::Response> unblock(Ctx& ctx) {
  SD_TRY_VOID(flows::unblock_customer(*ctx.svc.db, ctx.store_id, ctx.req.path_param("id")));
  return json_ok({{"unblocked", true}});
}

Result<http::Response> list(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  const auto p = SD_TRY(flows::list_blocks(*ctx.svc.db, ctx.store_id, page.limit, page.cursor));
  auto data = nlohmann::json::array();
  for (const auto& v : p.data) data.push_back(block_json(v));
  return json_ok(list_page(std::move(data), p.has_more, p.next_cursor));
}

}  // namespace

void register_block_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::post, "/api/v1/customers/{id}/block", Access::seller, block});
  add_api_route(router, svc, {M::delete_, "/api/v1/customers/{id}/block", Access::seller, unblock});
  add_api_route(router, svc,
                {M::post, "/api/v1/customers/{id}/block/preview", Access::seller, preview});
  add_api_route(router, svc, {M::get, "/api/v1/blocks", Access::seller, list});
}

}  // namespace sd::api
