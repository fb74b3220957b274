// POST /api/v1/checkout and the buyer's view of an order (the receipt page).
#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/routes.hpp"
#include "core/ids.hpp"
#include "platform/crypto/crypto.hpp"
#include "core/limits.hpp"
#include "core/validation.hpp"
#include "flows/checkout.hpp"
#include "modules/licenses/licenses.hpp"
#include "modules/stores/stores.hpp"

namespace sd::api {
namespace {

Result<std::vector<flows::CheckoutItem>> decode_items(const nlohmann::json* raw) {
  if (raw == nullptr || !raw->is_array()) {
    return fail(ErrorKind::invalid_input, "required", "items must be a list of products", "items");
  }
  std::vector<flows::CheckoutItem> items;
  for (size_t i = 0; i < raw->size(); ++i) {
    const auto& item = (*raw)[i];
    const auto prefix = "items[" + std::to_string(i) + "]";
    if (!item.is_object())
      return fail(ErrorKind::invalid_input, "invalid_type", prefix + " must be an object", prefix);
    JsonFields f(item, prefix);
    flows::CheckoutItem it;
    it.product_id = SD_TRY(f.required_string("product_id", 1, 64));
    it.tier_id = SD_TRY(f.required_string("tier_id", 1, 64));
    it.quantity = SD_TRY(f.optional_int("quantity", 1, limits::checkout_quantity_max)).value_or(1);
    SD_TRY_VOID(f.finish());
    items.push_back(std::move(it));
  }
  return items;
}

Result<flows::CheckoutInput> decode_checkout(Ctx& ctx) {
  JsonFields f(ctx.body);
  flows::CheckoutInput in;
  in.store_slug = SD_TRY(f.required_string("store", 1, 100));
  in.items = SD_TRY(decode_items(f.raw("items")));
  in.email = SD_TRY(f.required_string("email", 1, limits::email_bytes_max));
  in.name = SD_TRY(f.required_string("name", 1, limits::name_bytes_max));
  in.country = SD_TRY(f.required_string("country", 1, 8));
  in.region = SD_TRY(f.optional_string("region", 0, 16)).value_or("");
  in.postal_code = SD_TRY(f.optional_string("postal_code", 0, 16)).value_or("");
  // Optional here: a free order takes no card (the flow requires one when there is a total).
  in.payment_token = SD_TRY(f.optional_string("payment_token", 1, 100)).value_or("");
  in.consent_immediate_delivery =
      SD_TRY(f.optional_bool("consent_immediate_delivery")).value_or(false);
  SD_TRY_VOID(f.finish());
  if (ctx.principal) {
    // A signed-in buyer buys as themselves; the email on the order is their account's.
    in.buyer_user_id = ctx.principal->user.id;
    in.email = ctx.principal->user.email;
  }
  const auto key = ctx.req.header("idempotency-key");
  // The provider dedupes charges by this key: the caller, the client's key AND the request.
  // The same request retried is one charge; anyone else reusing the key string (another buyer,
  // or the same person under another session) is another request, as API.md scopes keys.
  const std::string scope = ctx.principal ? ctx.principal->user.public_id : "anon";
  in.idempotency_key = key ? crypto::sha256_hex(scope + "\n" + std::string(*key) + "\n" +
                                                ctx.req.body)
                           : random_token(16);
  return in;
}

Result<http::Response> post_checkout(Ctx& ctx) {
  auto in = SD_TRY(decode_checkout(ctx));
  flows::CheckoutDeps deps{*ctx.svc.db,           *ctx.svc.clock,     *ctx.svc.payments,
                           *ctx.svc.taxes,        ctx.svc.public_url, ctx.svc.checkout_faults, {}, {}};
  // The answer is recorded under the Idempotency-Key in the order's transaction (the route's
  // inline_idempotency): one write per checkout. It is made (and sealed) before that
  // transaction, from the result the write is expected to produce, and made again inside only
  // when the written result differs.
  auto respond = [&](const flows::CheckoutResult& r) {
    auto resp = json_ok({{"order", order_json(r.order, r.store_name, r.store_slug,
                                              r.support_email, r.license_keys)}},
                        201);
    if (r.session) resp.set_header("Set-Cookie", session_cookie(ctx.svc, r.session->cookie_token));
    return resp;
  };
  std::optional<PreparedAnswer> prepared;
  deps.on_predicted = [&](const flows::CheckoutResult& r) {
    prepared = prepare_answer(ctx, respond(r));
  };
  http::Response answer;
  deps.on_written = [&](db::Tx& tx, const flows::CheckoutResult& r,
                        bool as_predicted) -> Result<void> {
    answer = as_predicted && prepared ? SD_TRY(record_prepared(ctx, tx, *prepared))
                                      : SD_TRY(record_answer(ctx, tx, respond(r)));
    return {};
  };
  SD_TRY(flows::checkout(deps, in));
  return answer;
}

Result<http::Response> get_my_order(Ctx& ctx) {
  const std::string id(ctx.req.path_param("order_id"));
  struct Out {
    orders::Order order;
    stores::Store store;
    std::vector<std::string> keys;
  };
  auto out = SD_TRY(ctx.svc.db->read<Out>([&](db::Tx& tx) -> Result<Out> {
    Out o;
    o.order = SD_TRY(orders::get_buyer_order(tx, ctx.who().user.id, id));
    o.store = SD_TRY(stores::get_store(tx, o.order.store_id));
    for (const auto& l : o.order.lines)
      o.keys.push_back(SD_TRY(licenses::key_for_line(tx, l.id)).value_or(""));
    return o;
  }));
  return json_ok(order_json(out.order, out.store.name, out.store.slug, out.store.support_email,
                            out.keys));
}

}  // namespace

void register_checkout_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  ApiRoute checkout{M::post, "/api/v1/checkout", Access::anyone, post_checkout};
  checkout.inline_idempotency = true;
  add_api_route(router, svc, std::move(checkout));
  add_api_route(router, svc, {M::get, "/api/v1/my/orders/{order_id}", Access::user, get_my_order});
}

}  // namespace sd::api
