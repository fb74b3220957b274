// Seller catalog routes (R-CAT-1..4): products with license tiers, deliverable files and links,
// support materials and bundles. Also the catalog's JSON encodings (catalog_json.hpp).
#include "api/v1/catalog_json.hpp"
#include "api/v1/context.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "modules/stores/stores.hpp"
#include "platform/files/files.hpp"

namespace sd::api {

// --- encodings -------------------------------------------------------------------------------

nlohmann::json tier_json(const catalog::Tier& t) {
  return {{"id", t.public_id}, {"name", t.name}, {"price_minor", t.price_minor}, {"terms", t.terms}};
}

nlohmann::json file_json(const catalog::File& f) {
  return {{"id", f.public_id},
          {"filename", f.filename},
          {"content_type", f.content_type},
          {"size_bytes", f.size_bytes},
          {"sha256", f.sha256},
          {"created_at", format_rfc3339(f.created_at)}};
}

nlohmann::json support_material_json(const catalog::SupportMaterial& m) {
  return {{"id", m.public_id},
          {"kind", m.kind},
          {"title", m.title},
          {"body", m.body},
          {"url", m.url},
          {"created_at", format_rfc3339(m.created_at)},
          {"updated_at", format_rfc3339(m.updated_at)}};
}

namespace {

template <class T, class F>
nlohmann::json array_of(const std::vector<T>& items, F&& encode) {
  auto out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(encode(item));
  return out;
}

}  // namespace

nlohmann::json product_json(const catalog::Product& p, std::string_view currency) {
  return {
      {"id", p.public_id},
      {"title", p.title},
      {"description", p.description},
      {"status", p.status},
      {"currency", currency},
      {"license_keys", p.license_keys},
      {"tiers", array_of(p.tiers, tier_json)},
      {"files", array_of(p.files, file_json)},
      {"links", array_of(p.links,
                         [](const catalog::Link& l) {
                           return nlohmann::json{{"label", l.label}, {"url", l.url}};
                         })},
      {"support_material_ids",
       array_of(p.support_materials, [](const catalog::SupportMaterial& m) { return m.public_id; })},
      {"support_materials", array_of(p.support_materials, support_material_json)},
      {"bundle_product_ids", p.bundle_product_ids},
      {"bundle_items", array_of(p.bundle_items,
                                [](const catalog::BundleItem& b) {
                                  return nlohmann::json{
                                      {"id", b.public_id}, {"title", b.title}, {"status", b.status}};
                                })},
      {"created_at", format_rfc3339(p.created_at)},
      {"updated_at", format_rfc3339(p.updated_at)},
  };
}

nlohmann::json public_product_json(const catalog::Product& p, std::string_view currency) {
  return {
      {"id", p.public_id},
      {"title", p.title},
      {"description", p.description},
      {"currency", currency},
      {"license_keys", p.license_keys},
      {"tiers", array_of(p.tiers, tier_json)},
      {"files", array_of(p.files,
                         [](const catalog::File& f) {
                           return nlohmann::json{{"id", f.public_id},
                                                 {"filename", f.filename},
                                                 {"size_bytes", f.size_bytes}};
                         })},
      {"links", array_of(p.links,
                         [](const catalog::Link& l) { return nlohmann::json{{"label", l.label}}; })},
      {"support_materials",
       array_of(p.support_materials,
                [](const catalog::SupportMaterial& m) {
                  return nlohmann::json{{"id", m.public_id}, {"kind", m.kind}, {"title", m.title}};
                })},
      {"bundle_items", array_of(p.bundle_items,
                                [](const catalog::BundleItem& b) {
                                  return nlohmann::json{{"id", b.public_id}, {"title", b.title}};
                                })},
      {"updated_at", format_rfc3339(p.updated_at)},
  };
}

nlohmann::json storefront_json(const stores::Store& s) {
  return {{"slug", s.slug},
          {"name", s.name},
          {"currency", s.currency},
          {"support_email", s.support_email},
          {"refund_policy", s.refund_policy},
          {"locale", s.locale}};
}

namespace {

// Lengths and formats are the catalog's rules; decoding checks types and unknown fields only.
constexpr size_t kAny = 1 << 20;

tl::unexpected<Error> type_error(const std::string& param, const char* expected) {
  return fail(ErrorKind::invalid_input, "invalid_type", param + " must be " + expected, param);
}

std::string at(std::string_view field, size_t i) {
  return std::string(field) + "[" + std::to_string(i) + "]";
}

// A present, non-null array field, else nothing.
Result<const nlohmann::json*> array_field(JsonFields& f, std::string_view name) {
  const auto* v = f.raw(name);
  if (v == nullptr || v->is_null()) return nullptr;
  if (!v->is_array()) return type_error(std::string(name), "an array");
  return v;
}

Result<std::optional<std::vector<catalog::TierInput>>> decode_tiers(JsonFields& f, bool with_ids) {
  const auto* v = SD_TRY(array_field(f, "tiers"));
  if (v == nullptr) return std::optional<std::vector<catalog::TierInput>>{};
  std::vector<catalog::TierInput> out;
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    if (!item.is_object()) return type_error(at("tiers", i), "an object");
    JsonFields t(item, at("tiers", i));
    catalog::TierInput tier;
    if (with_ids) tier.public_id = SD_TRY(t.optional_string("id", 0, kAny));
    tier.name = SD_TRY(t.required_string("name", 0, kAny));
    tier.price_minor = SD_TRY(t.required_int("price_minor", INT64_MIN, INT64_MAX));
    tier.terms = SD_TRY(t.optional_string("terms", 0, kAny)).value_or("");
    SD_TRY_VOID(t.finish());
    out.push_back(std::move(tier));
  }
  return std::optional{std::move(out)};
}

Result<std::optional<std::vector<catalog::Link>>> decode_links(JsonFields& f) {
  const auto* v = SD_TRY(array_field(f, "links"));
  if (v == nullptr) return std::optional<std::vector<catalog::Link>>{};
  std::vector<catalog::Link> out;
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    if (!item.is_object()) return type_error(at("links", i), "an object");
    JsonFields l(item, at("links", i));
    catalog::Link link;
    link.label = SD_TRY(l.required_string("label", 0, kAny));
    link.url = SD_TRY(l.required_string("url", 0, kAny));
    SD_TRY_VOID(l.finish());
    out.push_back(std::move(link));
  }
  return std::optional{std::move(out)};
}

Result<std::optional<std::vector<std::string>>> decode_ids(JsonFields& f, std::string_view name) {
  const auto* v = SD_TRY(array_field(f, name));
  if (v == nullptr) return std::optional<std::vector<std::string>>{};
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) return type_error(at(name, i), "a string id");
    out.push_back((*v)[i].get<std::string>());
  }
  return std::optional{std::move(out)};
}

Result<catalog::NewProduct> decode_new_product(const nlohmann::json& body) {
  JsonFields f(body);
  catalog::NewProduct p;
  p.title = SD_TRY(f.required_string("title", 0, kAny));
  p.description = SD_TRY(f.optional_string("description", 0, kAny)).value_or("");
  p.license_keys = SD_TRY(f.optional_bool("license_keys")).value_or(false);
  p.tiers = SD_TRY(decode_tiers(f, false)).value_or(std::vector<catalog::TierInput>{});
  p.links = SD_TRY(decode_links(f)).value_or(std::vector<catalog::Link>{});
  p.bundle_product_ids = SD_TRY(decode_ids(f, "bundle_product_ids")).value_or(std::vector<std::string>{});
  p.support_material_ids =
      SD_TRY(decode_ids(f, "support_material_ids")).value_or(std::vector<std::string>{});
  SD_TRY_VOID(f.finish());
  SD_TRY_VOID(catalog::validate_new_product(p));
  return p;
}

Result<catalog::ProductChanges> decode_changes(const nlohmann::json& body) {
  JsonFields f(body);
  catalog::ProductChanges c;
  c.title = SD_TRY(f.optional_string("title", 0, kAny));
  c.description = SD_TRY(f.optional_string("description", 0, kAny));
  c.license_keys = SD_TRY(f.optional_bool("license_keys"));
  c.tiers = SD_TRY(decode_tiers(f, true));
  c.links = SD_TRY(decode_links(f));
  c.bundle_product_ids = SD_TRY(decode_ids(f, "bundle_product_ids"));
  c.support_material_ids = SD_TRY(decode_ids(f, "support_material_ids"));
  SD_TRY_VOID(f.finish());
  SD_TRY_VOID(catalog::validate_product_changes(c));
  return c;
}

// The product and its store's currency, read or written in the caller's transaction.
struct Priced {
  catalog::Product product;
  std::string currency;
};

Result<std::string> currency_of(db::Tx& tx, int64_t store_id) {
  return SD_TRY(stores::get_store(tx, store_id)).currency;
}

template <class F>
Result<http::Response> write_product(Ctx& ctx, F&& change, int status = 200) {
  auto out = SD_TRY(ctx.svc.db->write<Priced>([&](db::Tx& tx) -> Result<Priced> {
    auto product = SD_TRY(change(tx, ctx.svc.clock->now()));
    return Priced{std::move(product), SD_TRY(currency_of(tx, ctx.store_id))};
  }));
  return json_ok(product_json(out.product, out.currency), status);
}

std::string path_id(const Ctx& ctx, std::string_view name = "id") {
  return std::string(ctx.req.path_param(name));
}

// --- products --------------------------------------------------------------------------------

Result<http::Response> list_products(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  catalog::ProductFilter filter;
  if (auto s = ctx.req.query_param("status"); s && !s->empty()) filter.status = std::string(*s);
  filter.cursor = page.cursor;
  filter.limit = page.limit + 1;
  struct Page {
    std::vector<catalog::Product> products;
    std::string currency;
  };
  auto got = SD_TRY(ctx.svc.db->read<Page>([&](db::Tx& tx) -> Result<Page> {
    auto products = SD_TRY(catalog::list_products(tx, ctx.store_id, filter));
    return Page{std::move(products), SD_TRY(currency_of(tx, ctx.store_id))};
  }));
  const bool has_more = got.products.size() > static_cast<size_t>(page.limit);
  if (has_more) got.products.resize(static_cast<size_t>(page.limit));
  auto data = nlohmann::json::array();
  for (const auto& p : got.products) data.push_back(product_json(p, got.currency));
  std::optional<std::string> next;
  if (has_more) next = got.products.back().public_id;
  return json_ok(list_page(std::move(data), has_more, next));
}

Result<http::Response> create_product(Ctx& ctx) {
  const auto input = SD_TRY(decode_new_product(ctx.body));
  return write_product(
      ctx, [&](db::Tx& tx, Micros now) { return catalog::create_product(tx, ctx.store_id, input, now); },
      201);
}

Result<http::Response> get_product(Ctx& ctx) {
  const auto id = path_id(ctx);
  auto out = SD_TRY(ctx.svc.db->read<Priced>([&](db::Tx& tx) -> Result<Priced> {
    auto product = SD_TRY(catalog::get_product(tx, ctx.store_id, id));
    return Priced{std::move(product), SD_TRY(currency_of(tx, ctx.store_id))};
  }));
  return json_ok(product_json(out.product, out.currency));
}

Result<http::Response> patch_product(Ctx& ctx) {
  const auto changes = SD_TRY(decode_changes(ctx.body));
  const auto id = path_id(ctx);
  return write_product(ctx, [&](db::Tx& tx, Micros now) {
    return catalog::update_product(tx, ctx.store_id, id, changes, now);
  });
}

Result<http::Response> publish_product(Ctx& ctx) {
  const auto id = path_id(ctx);
  return write_product(ctx, [&](db::Tx& tx, Micros now) {
    return catalog::publish_product(tx, ctx.store_id, id, now);
  });
}

Result<http::Response> unpublish_product(Ctx& ctx) {
  const auto id = path_id(ctx);
  return write_product(ctx, [&](db::Tx& tx, Micros now) {
    return catalog::unpublish_product(tx, ctx.store_id, id, now);
  });
}

// --- files -----------------------------------------------------------------------------------

// The raw body is the file. Cheap checks first; then the bytes go to disk outside any
// transaction (slow work), and one write transaction records them. A blob left behind by a
// failed record is harmless: blobs are content-addressed, so a retry reuses it.
Result<http::Response> upload_file(Ctx& ctx) {
  const auto id = path_id(ctx);
  catalog::NewFile file;
  file.filename = std::string(ctx.req.query_param("filename").value_or(""));
  SD_TRY_VOID(catalog::check_filename(file.filename));
  SD_TRY_VOID(catalog::check_file_size(ctx.req.body.size()));
  file.content_type = catalog::normalize_content_type(ctx.req.header("content-type"));
  // Refuse another store's (or a missing) product before writing anything to disk.
  SD_TRY_VOID(ctx.svc.db->read<catalog::Product>(
      [&](db::Tx& tx) { return catalog::get_product(tx, ctx.store_id, id); }));
  const auto blob = SD_TRY(files::store_in(ctx.svc.data_dir).put(ctx.req.body));
  file.size_bytes = blob.size_bytes;
  file.sha256 = blob.sha256;
  file.storage_key = blob.storage_key;
  auto added = SD_TRY(ctx.svc.db->write<catalog::File>([&](db::Tx& tx) {
    return catalog::add_file(tx, ctx.store_id, id, file, ctx.svc.clock->now());
  }));
  return json_ok(file_json(added), 201);
}

Result<http::Response> delete_file(Ctx& ctx) {
  const auto id = path_id(ctx);
  const auto file_id = path_id(ctx, "file_id");
  SD_TRY_VOID(ctx.svc.db->write<void>([&](db::Tx& tx) {
    return catalog::delete_file(tx, ctx.store_id, id, file_id, ctx.svc.clock->now());
  }));
  return json_ok({{"id", file_id}, {"deleted", true}});
}

// --- support materials -------------------------------------------------------------------------

Result<catalog::SupportMaterialChanges> decode_material(const nlohmann::json& body, bool create) {
  JsonFields f(body);
  catalog::SupportMaterialChanges c;
  if (create) {
    c.kind = SD_TRY(f.required_string("kind", 0, kAny));
    c.title = SD_TRY(f.required_string("title", 0, kAny));
  } else {
    c.kind = SD_TRY(f.optional_string("kind", 0, kAny));
    c.title = SD_TRY(f.optional_string("title", 0, kAny));
  }
  c.body = SD_TRY(f.optional_string("body", 0, kAny));
  c.url = SD_TRY(f.optional_string("url", 0, kAny));
  SD_TRY_VOID(f.finish());
  return c;
}

Result<http::Response> list_materials(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  auto items = SD_TRY(ctx.svc.db->read<std::vector<catalog::SupportMaterial>>([&](db::Tx& tx) {
    return catalog::list_support_materials(tx, ctx.store_id, page.cursor, page.limit + 1);
  }));
  const bool has_more = items.size() > static_cast<size_t>(page.limit);
  if (has_more) items.resize(static_cast<size_t>(page.limit));
  std::optional<std::string> next;
  if (has_more) next = items.back().public_id;
  return json_ok(list_page(array_of(items, support_material_json), has_more, next));
}

Result<http::Response> create_material(Ctx& ctx) {
  const auto c = SD_TRY(decode_material(ctx.body, true));
  const auto m = catalog::apply_changes(catalog::SupportMaterial{}, c);
  SD_TRY_VOID(catalog::validate_support_material(m));
  auto created = SD_TRY(ctx.svc.db->write<catalog::SupportMaterial>([&](db::Tx& tx) {
    return catalog::create_support_material(tx, ctx.store_id, m, ctx.svc.clock->now());
  }));
  return json_ok(support_material_json(created), 201);
}

Result<http::Response> get_material(Ctx& ctx) {
  const auto id = path_id(ctx);
  auto m = SD_TRY(ctx.svc.db->read<catalog::SupportMaterial>(
      [&](db::Tx& tx) { return catalog::get_support_material(tx, ctx.store_id, id); }));
  return json_ok(support_material_json(m));
}

Result<http::Response> patch_material(Ctx& ctx) {
  const auto c = SD_TRY(decode_material(ctx.body, false));
  const auto id = path_id(ctx);
  auto m = SD_TRY(ctx.svc.db->write<catalog::SupportMaterial>([&](db::Tx& tx) {
    return catalog::update_support_material(tx, ctx.store_id, id, c, ctx.svc.clock->now());
  }));
  return json_ok(support_material_json(m));
}

Result<http::Response> delete_material(Ctx& ctx) {
  const auto id = path_id(ctx);
  SD_TRY_VOID(ctx.svc.db->write<void>(
      [&](db::Tx& tx) { return catalog::delete_support_material(tx, ctx.store_id, id); }));
  return json_ok({{"id", id}, {"deleted", true}});
}

}  // namespace

void register_catalog_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  const auto seller = Access::seller;
  add_api_route(router, svc, {M::get, "/api/v1/products", seller, list_products});
  add_api_route(router, svc, {M::post, "/api/v1/products", seller, create_product});
  add_api_route(router, svc, {M::get, "/api/v1/products/{id}", seller, get_product});
  add_api_route(router, svc, {M::patch, "/api/v1/products/{id}", seller, patch_product});
  add_api_route(router, svc, {M::post, "/api/v1/products/{id}/publish", seller, publish_product});
  add_api_route(router, svc,
                {M::post, "/api/v1/products/{id}/unpublish", seller, unpublish_product});
  ApiRoute upload{M::post, "/api/v1/products/{id}/files", seller, upload_file};
  upload.raw_body = true;
  upload.body_bytes_max = limits::deliverable_bytes_max;
  add_api_route(router, svc, std::move(upload));
  add_api_route(router, svc,
                {M::delete_, "/api/v1/products/{id}/files/{file_id}", seller, delete_file});
  add_api_route(router, svc, {M::get, "/api/v1/support-materials", seller, list_materials});
  add_api_route(router, svc, {M::post, "/api/v1/support-materials", seller, create_material});
  add_api_route(router, svc, {M::get, "/api/v1/support-materials/{id}", seller, get_material});
  add_api_route(router, svc, {M::patch, "/api/v1/support-materials/{id}", seller, patch_material});
  add_api_route(router, svc,
                {M::delete_, "/api/v1/support-materials/{id}", seller, delete_material});
}

}  // namespace sd::api
