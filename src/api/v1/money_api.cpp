// The seller's money (R-LED-2..3): balance, the postings behind it, payouts; and public
// license-key verification (R-LIC-1).
#include <charconv>

#include "api/v1/context.hpp"
#include "api/v1/routes.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "modules/ledger/ledger.hpp"
#include "modules/licenses/licenses.hpp"
#include "modules/stores/stores.hpp"

namespace sd::api {
namespace {

Result<http::Response> get_balance(Ctx& ctx) {
  const auto now = ctx.svc.clock->now();
  struct Out {
    ledger::Balance b;
    std::string currency;
  };
  auto out = SD_TRY(ctx.svc.db->read<Out>([&](db::Tx& tx) -> Result<Out> {
    auto store = SD_TRY(stores::get_store(tx, ctx.store_id));
    return Out{SD_TRY(ledger::balance(tx, ctx.store_id, now)), store.currency};
  }));
  return json_ok({{"pending_minor", out.b.pending_minor},
                  {"available_minor", out.b.available_minor},
                  {"paid_out_minor", out.b.paid_out_minor},
                  {"currency", out.currency},
                  {"next_available_at", out.b.next_available_at
                                            ? nlohmann::json(format_rfc3339(*out.b.next_available_at))
                                            : nlohmann::json(nullptr)}});
}

Result<http::Response> get_postings(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  std::optional<int64_t> before;
  if (page.cursor) {
    int64_t v = 0;
    const auto& c = *page.cursor;
    const auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), v);
    if (ec != std::errc{} || end != c.data() + c.size())
      return fail(ErrorKind::invalid_input, "invalid_cursor", "cursor is not valid", "cursor");
    before = v;
  }
  auto rows = SD_TRY(ctx.svc.db->read<std::vector<ledger::PostingRow>>([&](db::Tx& tx) {
    return ledger::creator_postings(tx, ctx.store_id, before, page.limit + 1);
  }));
  const bool has_more = rows.size() > static_cast<size_t>(page.limit);
  if (has_more) rows.resize(static_cast<size_t>(page.limit));
  const auto now = ctx.svc.clock->now();
  auto data = nlohmann::json::array();
  for (const auto& p : rows) {
    // The seller reads the creator account as positive money in, negative money out.
    data.push_back({{"id", "pst_" + std::to_string(p.id)},
                    {"kind", p.kind},
                    {"memo", p.memo},
                    {"order_id", p.order_public_id ? nlohmann::json(*p.order_public_id)
                                                   : nlohmann::json(nullptr)},
                    {"account", p.account},
                    {"amount_minor", -p.amount_minor},
                    {"currency", p.currency},
                    {"available_at", format_rfc3339(p.available_at)},
                    {"pending", p.account == "creator" && p.available_at > now},
                    {"created_at", format_rfc3339(p.created_at)}});
  }
  std::optional<std::string> next;
  if (has_more) next = std::to_string(rows.back().id);
  return json_ok(list_page(std::move(data), has_more, next));
}

Result<http::Response> post_payout(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto amount = SD_TRY(f.required_int("amount_minor", 1, INT64_MAX));
  SD_TRY_VOID(f.finish());
  const auto now = ctx.svc.clock->now();
  struct Out {
    int64_t entry_id;
    std::string currency;
  };
  auto out = SD_TRY(ctx.svc.db->write<Out>([&](db::Tx& tx) -> Result<Out> {
    auto store = SD_TRY(stores::get_store(tx, ctx.store_id));
    return Out{SD_TRY(ledger::payout(tx, ctx.store_id, store.currency, amount, now)),
               store.currency};
  }));
  return json_ok({{"id", "po_" + std::to_string(out.entry_id)},
                  {"amount_minor", amount},
                  {"currency", out.currency},
                  {"created_at", format_rfc3339(now)}},
                 201);
}

nlohmann::json verification_json(const licenses::Verification& v) {
  return {{"valid", v.valid},
          {"status", v.status},
          {"uses", v.uses},
          {"product_id", v.product_public_id},
          {"created_at", format_rfc3339(v.created_at)}};
}

Result<http::Response> verify_license(Ctx& ctx) {
  const auto product = ctx.req.query_param("product_id");
  const auto key = ctx.req.query_param("key");
  if (!product || product->empty())
    return fail(ErrorKind::invalid_input, "required", "product_id is required", "product_id");
  if (!key || key->empty()) return fail(ErrorKind::invalid_input, "required", "key is required", "key");
  auto v = SD_TRY(ctx.svc.db->read<licenses::Verification>(
      [&](db::Tx& tx) { return licenses::verify(tx, *product, *key, false); }));
  return json_ok(verification_json(v));
}

// Activation counts a use (software calls it once per installation).
Result<http::Response> activate_license(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto product = SD_TRY(f.required_string("product_id", 1, 64));
  const auto key = SD_TRY(f.required_string("key", 1, 64));
  SD_TRY_VOID(f.finish());
  auto v = SD_TRY(ctx.svc.db->write<licenses::Verification>(
      [&](db::Tx& tx) { return licenses::verify(tx, product, key, true); }));
  return json_ok(verification_json(v));
}

}  // namespace

void register_money_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::get, "/api/v1/balance", Access::seller, get_balance});
  add_api_route(router, svc, {M::get, "/api/v1/balance/postings", Access::seller, get_postings});
  add_api_route(router, svc, {M::post, "/api/v1/payouts", Access::seller, post_payout});
  add_api_route(router, svc, {M::get, "/api/v1/licenses/verify", Access::anyone, verify_license});
  add_api_route(router, svc,
                {M::post, "/api/v1/licenses/activate", Access::anyone, activate_license, true});
}

}  // namespace sd::api
