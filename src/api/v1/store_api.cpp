// /api/v1/store: the signed-in seller's store settings (R-STORE-1).
#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/routes.hpp"
#include "core/validation.hpp"

namespace sd::api {
namespace {

// Decodes types only; ranges and formats are the stores module's rules.
Result<stores::StoreChanges> decode_changes(const nlohmann::json& body) {
  JsonFields f(body);
  constexpr size_t kAny = 1 << 20;
  stores::StoreChanges c;
  c.name = SD_TRY(f.optional_string("name", 0, kAny));
  c.support_email = SD_TRY(f.optional_string("support_email", 0, kAny));
  c.currency = SD_TRY(f.optional_string("currency", 0, kAny));
  c.locale = SD_TRY(f.optional_string("locale", 0, kAny));
  c.refund_policy = SD_TRY(f.optional_string("refund_policy", 0, kAny));
  c.hold_period_days = SD_TRY(f.optional_int("hold_period_days", INT64_MIN, INT64_MAX));
  c.refund_window_days = SD_TRY(f.optional_int("refund_window_days", INT64_MIN, INT64_MAX));
  c.fee_percent_bp = SD_TRY(f.optional_int("fee_percent_bp", INT64_MIN, INT64_MAX));
  c.fee_fixed_minor = SD_TRY(f.optional_int("fee_fixed_minor", INT64_MIN, INT64_MAX));
  SD_TRY_VOID(f.finish());
  SD_TRY_VOID(stores::validate_changes(c));
  return c;
}

Result<http::Response> get_store(Ctx& ctx) {
  auto store = SD_TRY(ctx.svc.db->read<stores::Store>(
      [&](db::Tx& tx) { return stores::get_store(tx, ctx.store_id); }));
  return json_ok(store_json(store));
}

Result<http::Response> patch_store(Ctx& ctx) {
  const auto changes = SD_TRY(decode_changes(ctx.body));
  auto store = SD_TRY(ctx.svc.db->write<stores::Store>([&](db::Tx& tx) {
    return stores::update_store(tx, ctx.store_id, changes, ctx.svc.clock->now());
  }));
  return json_ok(store_json(store));
}

}  // namespace

void register_store_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::get, "/api/v1/store", Access::seller, get_store});
  add_api_route(router, svc, {M::patch, "/api/v1/store", Access::seller, patch_store});
}

}  // namespace sd::api
