// Public storefront routes (Access::anyone): a store's public settings and its published
// products. Unknown slugs, drafts and unpublished products all answer 404 not_found.
#include "api/v1/catalog_json.hpp"
#include "api/v1/context.hpp"
#include "api/v1/routes.hpp"

namespace sd::api {
namespace {

// The store behind the path's slug. An unknown slug is the same 404 as any unknown object.
Result<stores::Store> store_of(db::Tx& tx, const Ctx& ctx) {
  auto store = stores::get_store_by_slug(tx, ctx.req.path_param("slug"));
  if (!store && store.error().kind == ErrorKind::not_found) {
    return fail(ErrorKind::not_found, "not_found", "store not found");
  }
  return store;
}

Result<http::Response> get_storefront(Ctx& ctx) {
  auto store = SD_TRY(
      ctx.svc.db->read<stores::Store>([&](db::Tx& tx) { return store_of(tx, ctx); }));
  return json_ok(storefront_json(store));
}

Result<http::Response> list_storefront_products(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  struct Page {
    std::string currency;
    std::vector<catalog::Product> products;
  };
  auto got = SD_TRY(ctx.svc.db->read<Page>([&](db::Tx& tx) -> Result<Page> {
    auto store = SD_TRY(store_of(tx, ctx));
    auto products =
        SD_TRY(catalog::list_published_products(tx, store.id, page.cursor, page.limit + 1));
    return Page{store.currency, std::move(products)};
  }));
  const bool has_more = got.products.size() > static_cast<size_t>(page.limit);
  if (has_more) got.products.resize(static_cast<size_t>(page.limit));
  auto data = nlohmann::json::array();
  for (const auto& p : got.products) data.push_back(public_product_json(p, got.currency));
  std::optional<std::string> next;
  if (has_more) next = got.products.back().public_id;
  return json_ok(list_page(std::move(data), has_more, next));
}

Result<http::Response> get_storefront_product(Ctx& ctx) {
  const std::string id(ctx.req.path_param("product_id"));
  struct Found {
    catalog::Product product;
    std::string currency;
  };
  auto got = SD_TRY(ctx.svc.db->read<Found>([&](db::Tx& tx) -> Result<Found> {
    auto store = SD_TRY(store_of(tx, ctx));
    auto product = SD_TRY(catalog::get_published_product(tx, store.id, id));
    return Found{std::move(product), store.currency};
  }));
  return json_ok(public_product_json(got.product, got.currency));
}

}  // namespace

void register_storefront_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::get, "/api/v1/stores/{slug}", Access::anyone, get_storefront});
  add_api_route(router, svc,
                {M::get, "/api/v1/stores/{slug}/products", Access::anyone, list_storefront_products});
  add_api_route(router, svc, {M::get, "/api/v1/stores/{slug}/products/{product_id}",
                              Access::anyone, get_storefront_product});
}

}  // namespace sd::api
