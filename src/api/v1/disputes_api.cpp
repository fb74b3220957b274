// Disputes in test mode (R-DISP-1): the test provider opens and resolves a dispute on one of
// the caller's orders, and its notice goes through flows::handle_dispute_notice, as a real
// provider's webhook would. Registered only with `serve --test-mode` (404 otherwise). Seller
// routes: a store can only dispute its own orders (another store's is 404).
#include <nlohmann/json.hpp>

#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/validation.hpp"
#include "flows/dispute.hpp"

namespace sd::api {
namespace {

flows::DisputeDeps deps_of(Ctx& ctx) {
  return flows::DisputeDeps{*ctx.svc.db, *ctx.svc.clock, *ctx.svc.payments};
}

http::Response answer(const flows::DisputeResult& r, const std::string& provider_id, int status) {
  auto body = dispute_json(r.dispute, r.order_public_id);
  body["provider_dispute_id"] = provider_id;
  body["applied"] = r.applied;
  return json_ok(body, status);
}

Result<http::Response> post_open(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto order_id = SD_TRY(f.required_string("order_id", 1, 64));
  const auto amount = SD_TRY(f.optional_int("amount_minor", 1, INT64_MAX / 4)).value_or(0);
  const auto reason =
      SD_TRY(f.optional_string("reason", 0, limits::refund_reason_bytes_max)).value_or("fraudulent");
  SD_TRY_VOID(f.finish());
  auto deps = deps_of(ctx);
  const auto r = SD_TRY(flows::simulate_dispute_open(deps, ctx.store_id, order_id, amount, reason));
  return answer(r, r.dispute.provider_dispute_id, 201);
}

Result<http::Response> post_resolve(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto outcome = SD_TRY(f.required_string("outcome", 1, 16));
  SD_TRY_VOID(f.finish());
  if (outcome != "won" && outcome != "lost")
    return fail(ErrorKind::invalid_input, "invalid_outcome", "outcome must be won or lost", "outcome");
  auto deps = deps_of(ctx);
  const auto r = SD_TRY(flows::simulate_dispute_resolve(deps, ctx.store_id,
                                                        std::string(ctx.req.path_param("id")), outcome == "won"));
  return answer(r, r.dispute.provider_dispute_id, 200);
}

Result<http::Response> post_redeliver(Ctx& ctx) {
  auto deps = deps_of(ctx);
  const auto r =
      SD_TRY(flows::simulate_dispute_redelivery(deps, ctx.store_id, std::string(ctx.req.path_param("id"))));
  return answer(r, r.dispute.provider_dispute_id, 200);
}

}  // namespace

void register_dispute_routes(http::Router& router, Services& svc) {
  if (svc.test_clock == nullptr) return;  // test mode only
  using M = http::Method;
  add_api_route(router, svc, {M::post, "/api/v1/test/disputes", Access::seller, post_open});
  add_api_route(router, svc,
                {M::post, "/api/v1/test/disputes/{id}/resolve", Access::seller, post_resolve});
  add_api_route(router, svc,
                {M::post, "/api/v1/test/disputes/{id}/redeliver", Access::seller, post_redeliver});
}

}  // namespace sd::api
