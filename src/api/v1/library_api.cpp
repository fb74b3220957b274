// The buyer's library (R-CHK-4): purchases with their files, links, support material and
// license keys; signed download links that expire within 15 minutes; the download itself,
// which re-checks the entitlement every time. Plus the seller's access actions.
#include <memory>

#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "modules/refunds/refunds.hpp"
#include "modules/catalog/catalog.hpp"
#include "modules/entitlements/entitlements.hpp"
#include "modules/licenses/licenses.hpp"
#include "modules/stores/stores.hpp"

namespace sd::api {
namespace {

// What the library shows of an order's refunds, read once per order (its lines share it).
struct OrderRefunds {
  nlohmann::json refunds = nlohmann::json::array();
  nlohmann::json latest_request = nullptr;  // the buyer's latest refund request
};

Result<const OrderRefunds*> order_refunds(db::Tx& tx, const entitlements::Entitlement& e,
                                          std::map<int64_t, OrderRefunds>& seen) {
  if (auto it = seen.find(e.order_id); it != seen.end()) return &it->second;
  OrderRefunds out;
  for (const auto& r : SD_TRY(refunds::list_for_order(tx, e.order_id)))
    out.refunds.push_back(refund_json(r, e.order_public_id));
  const auto requests = SD_TRY(refunds::requests_for_order(tx, e.order_id));
  const refunds::Request* latest = nullptr;
  for (const auto& r : requests)
    if (!latest || r.created_at >= latest->created_at) latest = &r;
  if (latest) out.latest_request = request_json(*latest);
  return &seen.emplace(e.order_id, std::move(out)).first->second;
}

Result<nlohmann::json> library_item(db::Tx& tx, const entitlements::Entitlement& e,
                                    std::map<int64_t, stores::Store>& stores_seen,
                                    std::map<int64_t, OrderRefunds>& orders_seen) {
  auto product = SD_TRY(catalog::get_product_by_id(tx, e.product_id));
  if (!stores_seen.contains(e.store_id))
    stores_seen.emplace(e.store_id, SD_TRY(stores::get_store(tx, e.store_id)));
  const auto& store = stores_seen.at(e.store_id);
  const auto counts = SD_TRY(entitlements::download_counts(tx, e.id));
  auto files = nlohmann::json::array();
  for (const auto& f : product.files) {
    int64_t n = 0;
    for (const auto& [file_id, c] : counts)
      if (file_id == f.id) n = c;
    files.push_back({{"id", f.public_id}, {"filename", f.filename}, {"size_bytes", f.size_bytes},
                     {"downloads", n}});
  }
  auto links = nlohmann::json::array();
  for (const auto& l : product.links) links.push_back({{"label", l.label}, {"url", l.url}});
  auto materials = nlohmann::json::array();
  for (const auto& m : product.support_materials) {
    materials.push_back({{"id", m.public_id}, {"kind", m.kind}, {"title", m.title},
                         {"body", m.body}, {"url", m.url}});
  }
  const auto key = SD_TRY(licenses::key_for_line(tx, e.order_line_id));
  // The order's refunds and the buyer's latest refund request (R-REF-9), so the library can
  // offer "Request a refund" within the window and say where a request or refund stands.
  const auto* refunded = SD_TRY(order_refunds(tx, e, orders_seen));
  return nlohmann::json{
      {"refunds", refunded->refunds},
      {"refund_request", refunded->latest_request},
      {"refund_request_until",
       format_rfc3339(e.created_at + limits::refund_request_window_days * kMicrosPerDay)},
      {"id", e.public_id},
      {"product", {{"id", product.public_id}, {"title", product.title},
                   {"description", product.description}}},
      {"store", {{"slug", store.slug}, {"name", store.name}, {"support_email", store.support_email}}},
      {"order_id", e.order_public_id},
      {"revoked", e.revoked_at.has_value()},
      // Why, for the buyer's own wording: refunded | dispute | disabled (by the seller); null.
      {"revoked_reason", e.revoked_at ? nlohmann::json(e.revoked_reason) : nlohmann::json(nullptr)},
      {"files", files},
      {"links", links},
      {"support_materials", materials},
      {"license_key", key ? nlohmann::json(*key) : nlohmann::json(nullptr)},
      {"created_at", format_rfc3339(e.created_at)}};
}

Result<http::Response> get_library(Ctx& ctx) {
  auto data = SD_TRY(ctx.svc.db->read<nlohmann::json>([&](db::Tx& tx) -> Result<nlohmann::json> {
    auto list = nlohmann::json::array();
    std::map<int64_t, stores::Store> stores_seen;
    std::map<int64_t, OrderRefunds> orders_seen;
    for (const auto& e : SD_TRY(entitlements::list_for_user(tx, ctx.who().user.id)))
      list.push_back(SD_TRY(library_item(tx, e, stores_seen, orders_seen)));
    return list;
  }));
  return json_ok(list_page(std::move(data), false, std::nullopt));
}

Result<const catalog::File*> find_file(const catalog::Product& p, std::string_view public_id) {
  for (const auto& f : p.files)
    if (f.public_id == public_id) return &f;
  return fail(ErrorKind::not_found, "file_not_found", "no such file in this purchase", "file_id");
}

tl::unexpected<Error> revoked() {
  return fail(ErrorKind::forbidden, "access_revoked",
              "access to this purchase has ended; contact the seller if this is a mistake");
}

Result<http::Response> create_link(Ctx& ctx) {
  SD_TRY_VOID(JsonFields(ctx.body).finish());
  const std::string ent_id(ctx.req.path_param("entitlement_id"));
  const std::string file_id(ctx.req.path_param("file_id"));
  const auto now = ctx.svc.clock->now();
  SD_TRY_VOID(ctx.svc.db->read<void>([&](db::Tx& tx) -> Result<void> {
    const auto e = SD_TRY(entitlements::get_for_user(tx, ctx.who().user.id, ent_id));
    if (e.revoked_at) return revoked();
    const auto p = SD_TRY(catalog::get_product_by_id(tx, e.product_id));
    SD_TRY(find_file(p, file_id));
    return {};
  }));
  const Micros expires = now + limits::download_link_seconds * kMicrosPerSecond;
  const auto token = entitlements::sign_link({ent_id, file_id, expires}, ctx.svc.link_key);
  return json_ok({{"url", "/d/" + token}, {"expires_at", format_rfc3339(expires)}}, 201);
}

// GET /d/{token}: verify the signature and expiry, re-check the entitlement, count, stream.
http::Response download(Services& svc, http::Request& req) {
  const auto now = svc.clock->now();
  auto claims = entitlements::verify_link(req.path_param("token"), svc.link_key, now);
  if (!claims) return error_to_response(claims.error());
  auto file = svc.db->write<catalog::File>([&](db::Tx& tx) -> Result<catalog::File> {
    auto e = SD_TRY(entitlements::get_for_any(tx, claims->entitlement_public_id));
    if (e.revoked_at) return revoked();
    const auto p = SD_TRY(catalog::get_product_by_id(tx, e.product_id));
    const auto* f = SD_TRY(find_file(p, claims->file_public_id));
    SD_TRY_VOID(entitlements::count_download(tx, e, f->id, now));
    return *f;
  });
  if (!file) return error_to_response(file.error());
  auto resp = stored_file_response(svc.data_dir, file->storage_key, file->content_type, false,
                                   file->filename);
  if (!resp) return error_to_response(resp.error());
  resp->set_header("Cache-Control", "private, no-store");
  return std::move(*resp);
}

// Seller: revoke or restore a buyer's access (and license key), or reset download counts.
Result<http::Response> seller_action(Ctx& ctx, std::string_view action) {
  JsonFields f(ctx.body);
  const auto reason = SD_TRY(f.optional_string("reason", 0, 500)).value_or("");
  SD_TRY_VOID(f.finish());
  const std::string id(ctx.req.path_param("id"));
  const auto now = ctx.svc.clock->now();
  auto e = SD_TRY(ctx.svc.db->write<entitlements::Entitlement>(
      [&](db::Tx& tx) -> Result<entitlements::Entitlement> {
        auto ent = SD_TRY(entitlements::get_for_store(tx, ctx.store_id, id));
        if (action == "revoke") {
          SD_TRY(entitlements::revoke(tx, ent.id, reason.empty() ? "revoked by seller" : reason, now));
          SD_TRY_VOID(licenses::disable_for_line(tx, ent.order_line_id, "disabled", now));
        } else if (action == "restore") {
          // A refund is irreversible: a fully refunded line's access never comes back.
          if (SD_TRY(refunds::line_fully_refunded(tx, ent.order_line_id)))
            return fail(ErrorKind::conflict, "line_refunded",
                        "this purchase was refunded; its access cannot be restored");
          SD_TRY(entitlements::restore(tx, ent.id));
          SD_TRY_VOID(licenses::enable_for_line(tx, ent.order_line_id, "disabled"));
        } else {
          SD_TRY_VOID(entitlements::reset_downloads(tx, ent.id));
        }
        return entitlements::get_for_store(tx, ctx.store_id, id);
      }));
  return json_ok({{"id", e.public_id}, {"order_id", e.order_public_id},
                  {"revoked", e.revoked_at.has_value()}});
}

}  // namespace

void register_library_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::get, "/api/v1/library", Access::user, get_library});
  add_api_route(router, svc, {M::post, "/api/v1/library/{entitlement_id}/files/{file_id}/link",
                              Access::user, create_link});
  for (const char* action : {"revoke", "restore", "reset-downloads"}) {
    add_api_route(router, svc,
                  {M::post, std::string("/api/v1/entitlements/{id}/") + action, Access::seller,
                   [action](Ctx& ctx) { return seller_action(ctx, action); }});
  }
  router.add({M::get, "/d/{token}", [&svc](http::Request& req) { return download(svc, req); },
              http::Execution::worker, 0});
}

}  // namespace sd::api
