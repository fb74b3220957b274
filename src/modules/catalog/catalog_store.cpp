// SQL of the catalog module, and nothing else. Every query is scoped by store_id.
#include <unordered_map>

#include "core/ids.hpp"
#include "modules/catalog/catalog.hpp"

namespace sd::catalog {
namespace {

constexpr const char* kProductColumns =
    "id, public_id, store_id, title, description, status, license_keys, created_at, updated_at";

constexpr const char* kMaterialColumns =
    "id, public_id, kind, title, body, url, created_at, updated_at";

tl::unexpected<Error> not_found(const char* what) {
  return fail(ErrorKind::not_found, "not_found", std::string(what) + " not found");
}

std::string indexed(std::string_view list, size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

Product product_from_row(const db::Row& r) {
  Product p;
  p.id = r.i64(0);
  p.public_id = r.text(1);
  p.store_id = r.i64(2);
  p.title = r.text(3);
  p.description = r.text(4);
  p.status = r.text(5);
  p.license_keys = r.boolean(6);
  p.created_at = r.i64(7);
  p.updated_at = r.i64(8);
  return p;
}

SupportMaterial material_from_row(const db::Row& r, size_t at) {
  SupportMaterial m;
  m.id = r.i64(at);
  m.public_id = r.text(at + 1);
  m.kind = r.text(at + 2);
  m.title = r.text(at + 3);
  m.body = r.text(at + 4);
  m.url = r.text(at + 5);
  m.created_at = r.i64(at + 6);
  m.updated_at = r.i64(at + 7);
  return m;
}

File file_from_row(const db::Row& r, size_t at) {
  File f;
  f.id = r.i64(at);
  f.public_id = r.text(at + 1);
  f.filename = r.text(at + 2);
  f.content_type = r.text(at + 3);
  f.size_bytes = r.i64(at + 4);
  f.sha256 = r.text(at + 5);
  f.storage_key = r.text(at + 6);
  f.created_at = r.i64(at + 7);
  return f;
}

// Fills tiers, files, links, support materials and bundle items of `products` (all of one
// store) with one query per kind: the products of a page span an id range, so each query reads
// that range and rows of products outside the page are skipped. This keeps a page at five
// statements whatever its size, with a fixed set of statement shapes.
Result<void> load_children(db::Tx& tx, int64_t store_id, std::vector<Product>& products) {
  if (products.empty()) return {};
  std::unordered_map<int64_t, Product*> by_id;
  int64_t lo = INT64_MAX;
  int64_t hi = INT64_MIN;
  for (auto& p : products) {
    by_id[p.id] = &p;
    lo = std::min(lo, p.id);
    hi = std::max(hi, p.id);
  }
  const auto each = [&](std::vector<db::Row> rows, auto&& add) {
    for (const auto& r : rows)
      if (auto it = by_id.find(r.i64(0)); it != by_id.end()) add(*it->second, r);
  };
  each(SD_TRY(tx.query("SELECT product_id, id, public_id, name, price_minor, terms "
                       "FROM product_tiers WHERE store_id = $1 AND product_id BETWEEN $2 AND $3 "
                       "AND archived_at IS NULL ORDER BY product_id, position, id",
                       {store_id, lo, hi})),
       [](Product& p, const db::Row& r) {
         p.tiers.push_back(Tier{r.i64(1), r.text(2), r.text(3), r.i64(4), r.text(5)});
       });
  each(SD_TRY(tx.query("SELECT product_id, id, public_id, filename, content_type, size_bytes, "
                       "sha256, storage_key, created_at FROM product_files "
                       "WHERE store_id = $1 AND product_id BETWEEN $2 AND $3 "
                       "AND deleted_at IS NULL ORDER BY product_id, id",
                       {store_id, lo, hi})),
       [](Product& p, const db::Row& r) { p.files.push_back(file_from_row(r, 1)); });
  each(SD_TRY(tx.query("SELECT product_id, label, url FROM product_links "
                       "WHERE store_id = $1 AND product_id BETWEEN $2 AND $3 "
                       "ORDER BY product_id, position",
                       {store_id, lo, hi})),
       [](Product& p, const db::Row& r) { p.links.push_back(Link{r.text(1), r.text(2)}); });
  each(SD_TRY(tx.query("SELECT a.product_id, m.id, m.public_id, m.kind, m.title, m.body, m.url, "
                       "m.created_at, m.updated_at FROM product_support_materials a "
                       "JOIN support_materials m ON m.id = a.support_material_id "
                       "WHERE a.store_id = $1 AND a.product_id BETWEEN $2 AND $3 "
                       "ORDER BY a.product_id, a.position",
                       {store_id, lo, hi})),
       [](Product& p, const db::Row& r) { p.support_materials.push_back(material_from_row(r, 1)); });
  each(SD_TRY(tx.query("SELECT b.bundle_product_id, p.id, p.public_id, p.title, p.status "
                       "FROM bundle_items b JOIN products p ON p.id = b.item_product_id "
                       "WHERE b.store_id = $1 AND b.bundle_product_id BETWEEN $2 AND $3 "
                       "ORDER BY b.bundle_product_id, b.position",
                       {store_id, lo, hi})),
       [](Product& p, const db::Row& r) {
         p.bundle_product_ids.push_back(r.text(2));
         p.bundle_items.push_back(BundleItem{r.i64(1), r.text(2), r.text(3), r.text(4)});
       });
  return {};
}

Result<std::optional<Product>> find_product_row(db::Tx& tx, int64_t store_id,
                                                std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kProductColumns +
                                     " FROM products WHERE public_id = $1 AND store_id = $2",
                                 {public_id, store_id}));
  if (!row) return std::optional<Product>{};
  return std::optional<Product>{product_from_row(*row)};
}

// Serialises writers of one product on PostgreSQL (READ COMMITTED), so that checks such as the
// file count or the bundle rules cannot be passed by two concurrent requests at once. SQLite
// has a single writer already.
Result<void> lock_product(db::Tx& tx, int64_t product_id) {
  if (tx.dialect() != db::Dialect::postgres) return {};
  SD_TRY(tx.query("SELECT id FROM products WHERE id = $1 FOR UPDATE", {product_id}));
  return {};
}

Result<Product> load_product(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto p = SD_TRY(find_product_row(tx, store_id, public_id));
  if (!p) return not_found("product");
  std::vector<Product> one{std::move(*p)};
  SD_TRY_VOID(load_children(tx, store_id, one));
  return std::move(one.front());
}

// Internal ids of the bundle's items, checked against the bundle rules.
Result<std::vector<int64_t>> resolve_bundle_items(db::Tx& tx, int64_t store_id,
                                                  std::string_view self_public_id,
                                                  int64_t self_id,
                                                  const std::vector<std::string>& ids) {
  std::vector<int64_t> out;
  std::vector<BundleCandidate> candidates;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto row = SD_TRY(tx.query_one("SELECT id FROM products WHERE public_id = $1 AND store_id = $2",
                                   {ids[i], store_id}));
    if (!row) {
      return fail(ErrorKind::invalid_input, "bundle_product_not_found",
                  indexed("bundle_product_ids", i) + " is not a product of this store",
                  indexed("bundle_product_ids", i));
    }
    const int64_t item_id = row->i64(0);
    // Locked before reading its own items: two bundles formed at once cannot nest each other.
    SD_TRY_VOID(lock_product(tx, item_id));
    auto items = SD_TRY(tx.query_one(
        "SELECT COUNT(*) FROM bundle_items WHERE bundle_product_id = $1", {item_id}));
    out.push_back(item_id);
    candidates.push_back(BundleCandidate{ids[i], items->i64(0) > 0});
  }
  bool self_is_item = false;
  if (self_id != 0 && !ids.empty()) {
    self_is_item = SD_TRY(tx.query_one("SELECT 1 FROM bundle_items WHERE item_product_id = $1",
                                       {self_id}))
                       .has_value();
  }
  SD_TRY_VOID(check_bundle(self_public_id, self_is_item, candidates));
  return out;
}

Result<std::vector<int64_t>> resolve_materials(db::Tx& tx, int64_t store_id,
                                               const std::vector<std::string>& ids) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto row = SD_TRY(tx.query_one(
        "SELECT id FROM support_materials WHERE public_id = $1 AND store_id = $2",
        {ids[i], store_id}));
    if (!row) {
      return fail(ErrorKind::invalid_input, "support_material_not_found",
                  indexed("support_material_ids", i) + " is not a support material of this store",
                  indexed("support_material_ids", i));
    }
    out.push_back(row->i64(0));
  }
  return out;
}

Result<void> insert_tier(db::Tx& tx, int64_t store_id, int64_t product_id, const TierInput& t,
                         size_t position) {
  SD_TRY(tx.exec("INSERT INTO product_tiers (public_id, product_id, store_id, name, price_minor, "
                 "terms, position) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                 {new_public_id("tier"), product_id, store_id, t.name, t.price_minor, t.terms,
                  position}));
  return {};
}

// Tiers with an id update that active tier; tiers without create one; active tiers left out
// are archived, never deleted, because orders reference them.
Result<void> replace_tiers(db::Tx& tx, int64_t store_id, int64_t product_id,
                           const std::vector<TierInput>& tiers, Micros now) {
  auto active = SD_TRY(tx.query(
      "SELECT public_id FROM product_tiers WHERE product_id = $1 AND archived_at IS NULL",
      {product_id}));
  std::unordered_map<std::string, bool> kept;
  for (const auto& r : active) kept[r.text(0)] = false;
  for (size_t i = 0; i < tiers.size(); ++i) {
    const auto& t = tiers[i];
    if (!t.public_id) {
      SD_TRY_VOID(insert_tier(tx, store_id, product_id, t, i));
      continue;
    }
    auto it = kept.find(*t.public_id);
    if (it == kept.end()) {
      return fail(ErrorKind::invalid_input, "tier_not_found",
                  indexed("tiers", i) + ".id is not an active tier of this product",
                  indexed("tiers", i) + ".id");
    }
    it->second = true;
    SD_TRY(tx.exec("UPDATE product_tiers SET name = $1, price_minor = $2, terms = $3, "
                   "position = $4 WHERE public_id = $5 AND product_id = $6",
                   {t.name, t.price_minor, t.terms, i, *t.public_id, product_id}));
  }
  for (const auto& [public_id, listed] : kept) {
    if (listed) continue;
    SD_TRY(tx.exec("UPDATE product_tiers SET archived_at = $1 WHERE public_id = $2 "
                   "AND product_id = $3",
                   {now, public_id, product_id}));
  }
  return {};
}

Result<void> replace_links(db::Tx& tx, int64_t store_id, int64_t product_id,
                           const std::vector<Link>& links) {
  SD_TRY(tx.exec("DELETE FROM product_links WHERE product_id = $1", {product_id}));
  for (size_t i = 0; i < links.size(); ++i) {
    SD_TRY(tx.exec("INSERT INTO product_links (product_id, store_id, label, url, position) "
                   "VALUES ($1, $2, $3, $4, $5)",
                   {product_id, store_id, links[i].label, links[i].url, i}));
  }
  return {};
}

Result<void> replace_materials(db::Tx& tx, int64_t store_id, int64_t product_id,
                               const std::vector<int64_t>& material_ids) {
  SD_TRY(tx.exec("DELETE FROM product_support_materials WHERE product_id = $1", {product_id}));
  for (size_t i = 0; i < material_ids.size(); ++i) {
    SD_TRY(tx.exec("INSERT INTO product_support_materials (product_id, support_material_id, "
                   "store_id, position) VALUES ($1, $2, $3, $4)",
                   {product_id, material_ids[i], store_id, i}));
  }
  return {};
}

Result<void> replace_bundle_items(db::Tx& tx, int64_t store_id, int64_t product_id,
                                  const std::vector<int64_t>& item_ids) {
  SD_TRY(tx.exec("DELETE FROM bundle_items WHERE bundle_product_id = $1", {product_id}));
  for (size_t i = 0; i < item_ids.size(); ++i) {
    SD_TRY(tx.exec("INSERT INTO bundle_items (bundle_product_id, item_product_id, store_id, "
                   "position) VALUES ($1, $2, $3, $4)",
                   {product_id, item_ids[i], store_id, i}));
  }
  return {};
}

Result<std::vector<Product>> list_where(db::Tx& tx, int64_t store_id,
                                        const std::optional<std::string>& status,
                                        const std::optional<std::string>& cursor, int limit) {
  // Keyset pagination on the internal id (newest first); the cursor is a public id.
  int64_t before_id = INT64_MAX;
  if (cursor) {
    auto row = SD_TRY(tx.query_one("SELECT id FROM products WHERE public_id = $1 AND store_id = $2",
                                   {*cursor, store_id}));
    if (!row) {
      return fail(ErrorKind::invalid_input, "invalid_cursor", "cursor is not valid", "cursor");
    }
    before_id = row->i64(0);
  }
  const std::string select = std::string("SELECT ") + kProductColumns +
                             " FROM products WHERE store_id = $1 AND id < $2 ";
  auto rows = status ? SD_TRY(tx.query(select + "AND status = $3 ORDER BY id DESC LIMIT $4",
                                       {store_id, before_id, *status, limit}))
                     : SD_TRY(tx.query(select + "ORDER BY id DESC LIMIT $3",
                                       {store_id, before_id, limit}));
  std::vector<Product> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(product_from_row(r));
  SD_TRY_VOID(load_children(tx, store_id, out));
  return out;
}

Result<Product> set_status(db::Tx& tx, const Product& p, std::string_view status, Micros now) {
  SD_TRY(tx.exec("UPDATE products SET status = $1, updated_at = $2 WHERE id = $3",
                 {status, now, p.id}));
  Product out = p;
  out.status = std::string(status);
  out.updated_at = now;
  return out;
}

}  // namespace

// --- checkout's view ---------------------------------------------------------------------------

Result<Purchasable> find_purchasable(db::Tx& tx, int64_t store_id,
                                     std::string_view product_public_id,
                                     std::string_view tier_public_id) {
  auto p = SD_TRY(find_product_row(tx, store_id, product_public_id));
  if (!p) return fail(ErrorKind::not_found, "product_not_found", "product not found");
  if (p->status != "published") {
    return fail(ErrorKind::conflict, "product_unavailable", "this product is not on sale");
  }
  auto tier = SD_TRY(tx.query_one(
      "SELECT id, public_id, name, price_minor, terms FROM product_tiers "
      "WHERE public_id = $1 AND product_id = $2 AND archived_at IS NULL",
      {tier_public_id, p->id}));
  if (!tier) return fail(ErrorKind::not_found, "tier_not_found", "license tier not found");
  Purchasable out;
  out.product_id = p->id;
  out.product_public_id = p->public_id;
  out.title = p->title;
  out.license_keys = p->license_keys;
  out.tier = Tier{tier->i64(0), tier->text(1), tier->text(2), tier->i64(3), tier->text(4)};
  auto items = SD_TRY(tx.query(
      "SELECT p.id, p.license_keys, p.public_id FROM bundle_items b "
      "JOIN products p ON p.id = b.item_product_id WHERE b.bundle_product_id = $1 "
      "ORDER BY b.position",
      {p->id}));
  for (const auto& r : items) out.bundle_items.push_back({r.i64(0), r.boolean(1), r.text(2)});
  return out;
}

Result<std::vector<SupportMaterial>> support_materials_of(db::Tx& tx, int64_t store_id,
                                                          int64_t product_id) {
  std::vector<SupportMaterial> out;
  for (const auto& r : SD_TRY(tx.query(
           "SELECT m.id, m.public_id, m.kind, m.title, m.body, m.url, m.created_at, "
           "m.updated_at FROM product_support_materials a "
           "JOIN support_materials m ON m.id = a.support_material_id "
           "WHERE a.store_id = $1 AND a.product_id = $2 ORDER BY a.position",
           {store_id, product_id})))
    out.push_back(material_from_row(r, 0));
  return out;
}

Result<std::vector<File>> files_ever(db::Tx& tx, int64_t product_id) {
  auto rows = SD_TRY(tx.query(
      "SELECT id, public_id, filename, content_type, size_bytes, sha256, storage_key, created_at, "
      "deleted_at FROM product_files WHERE product_id = $1 ORDER BY id",
      {product_id}));
  std::vector<File> out;
  for (const auto& r : rows) {
    out.push_back(file_from_row(r, 0));
    out.back().deleted = !r.is_null(8);
  }
  return out;
}

Result<Product> get_product_by_id(db::Tx& tx, int64_t product_id) {
  auto row = SD_TRY(tx.query_one(
      std::string("SELECT ") + kProductColumns + " FROM products WHERE id = $1", {product_id}));
  if (!row) return not_found("product");
  std::vector<Product> one{product_from_row(*row)};
  SD_TRY_VOID(load_children(tx, one.front().store_id, one));
  return std::move(one.front());
}

// --- products ----------------------------------------------------------------------------------

Result<Product> create_product(db::Tx& tx, int64_t store_id, const NewProduct& in, Micros now) {
  SD_TRY_VOID(validate_new_product(in));
  const auto public_id = new_public_id("prd");
  const auto items = SD_TRY(resolve_bundle_items(tx, store_id, public_id, 0, in.bundle_product_ids));
  const auto materials = SD_TRY(resolve_materials(tx, store_id, in.support_material_ids));
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO products (public_id, store_id, title, description, status, license_keys, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6) RETURNING id",
      {public_id, store_id, in.title, in.description, in.license_keys ? 1 : 0, now}));
  const int64_t id = row->i64(0);
  for (size_t i = 0; i < in.tiers.size(); ++i)
    SD_TRY_VOID(insert_tier(tx, store_id, id, in.tiers[i], i));
  SD_TRY_VOID(replace_links(tx, store_id, id, in.links));
  SD_TRY_VOID(replace_bundle_items(tx, store_id, id, items));
  SD_TRY_VOID(replace_materials(tx, store_id, id, materials));
  return load_product(tx, store_id, public_id);
}

Result<Product> get_product(db::Tx& tx, int64_t store_id, std::string_view product_public_id) {
  return load_product(tx, store_id, product_public_id);
}

Result<std::vector<Product>> list_products(db::Tx& tx, int64_t store_id,
                                           const ProductFilter& filter) {
  if (filter.status) SD_TRY_VOID(check_status_filter(*filter.status));
  return list_where(tx, store_id, filter.status, filter.cursor, filter.limit);
}

Result<Product> update_product(db::Tx& tx, int64_t store_id, std::string_view product_public_id,
                               const ProductChanges& c, Micros now) {
  SD_TRY_VOID(validate_product_changes(c));
  auto p = SD_TRY(find_product_row(tx, store_id, product_public_id));
  if (!p) return not_found("product");
  SD_TRY_VOID(lock_product(tx, p->id));
  if (c.bundle_product_ids) {
    const auto items = SD_TRY(
        resolve_bundle_items(tx, store_id, p->public_id, p->id, *c.bundle_product_ids));
    SD_TRY_VOID(replace_bundle_items(tx, store_id, p->id, items));
  }
  if (c.support_material_ids) {
    const auto materials = SD_TRY(resolve_materials(tx, store_id, *c.support_material_ids));
    SD_TRY_VOID(replace_materials(tx, store_id, p->id, materials));
  }
  if (c.tiers) SD_TRY_VOID(replace_tiers(tx, store_id, p->id, *c.tiers, now));
  if (c.links) SD_TRY_VOID(replace_links(tx, store_id, p->id, *c.links));
  SD_TRY(tx.exec("UPDATE products SET title = $1, description = $2, license_keys = $3, "
                 "updated_at = $4 WHERE id = $5",
                 {c.title.value_or(p->title), c.description.value_or(p->description),
                  c.license_keys.value_or(p->license_keys) ? 1 : 0, now, p->id}));
  auto out = SD_TRY(load_product(tx, store_id, p->public_id));
  // What is on sale stays sellable: an edit that would make it unpublishable is refused whole.
  if (out.status == "published") SD_TRY_VOID(check_publishable(out));
  return out;
}

Result<Product> publish_product(db::Tx& tx, int64_t store_id, std::string_view product_public_id,
                                Micros now) {
  auto p = SD_TRY(load_product(tx, store_id, product_public_id));
  if (p.status == "published") return p;
  SD_TRY_VOID(check_publishable(p));
  return set_status(tx, p, "published", now);
}

Result<Product> unpublish_product(db::Tx& tx, int64_t store_id,
                                  std::string_view product_public_id, Micros now) {
  auto p = SD_TRY(load_product(tx, store_id, product_public_id));
  if (p.status == "unpublished") return p;
  if (p.status == "draft") {
    return fail(ErrorKind::conflict, "product_not_published",
                "a draft is not published; there is nothing to unpublish");
  }
  return set_status(tx, p, "unpublished", now);
}

// --- files ---------------------------------------------------------------------------------------

Result<File> add_file(db::Tx& tx, int64_t store_id, std::string_view product_public_id,
                      const NewFile& in, Micros now) {
  SD_TRY_VOID(check_filename(in.filename));
  SD_TRY_VOID(check_file_size(static_cast<size_t>(in.size_bytes)));
  auto p = SD_TRY(find_product_row(tx, store_id, product_public_id));
  if (!p) return not_found("product");
  SD_TRY_VOID(lock_product(tx, p->id));
  auto count = SD_TRY(tx.query_one(
      "SELECT COUNT(*) FROM product_files WHERE product_id = $1 AND deleted_at IS NULL", {p->id}));
  SD_TRY_VOID(check_file_count(count->i64(0)));
  File f{0, new_public_id("file"), in.filename, in.content_type, in.size_bytes,
         in.sha256, in.storage_key, now};
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO product_files (public_id, product_id, store_id, filename, content_type, "
      "size_bytes, sha256, storage_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "RETURNING id",
      {f.public_id, p->id, store_id, f.filename, f.content_type, f.size_bytes, f.sha256,
       f.storage_key, now}));
  f.id = row->i64(0);
  SD_TRY(tx.exec("UPDATE products SET updated_at = $1 WHERE id = $2", {now, p->id}));
  return f;
}

Result<void> delete_file(db::Tx& tx, int64_t store_id, std::string_view product_public_id,
                         std::string_view file_public_id, Micros now) {
  auto p = SD_TRY(find_product_row(tx, store_id, product_public_id));
  if (!p) return not_found("product");
  const auto changed = SD_TRY(tx.exec(
      "UPDATE product_files SET deleted_at = $1 WHERE public_id = $2 AND product_id = $3 "
      "AND store_id = $4 AND deleted_at IS NULL",
      {now, file_public_id, p->id, store_id}));
  if (changed == 0) return not_found("file");
  SD_TRY(tx.exec("UPDATE products SET updated_at = $1 WHERE id = $2", {now, p->id}));
  return {};
}

// --- support materials ---------------------------------------------------------------------------

Result<SupportMaterial> create_support_material(db::Tx& tx, int64_t store_id, SupportMaterial m,
                                                Micros now) {
  SD_TRY_VOID(validate_support_material(m));
  m.public_id = new_public_id("sm");
  m.created_at = m.updated_at = now;
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO support_materials (public_id, store_id, kind, title, body, url, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
      {m.public_id, store_id, m.kind, m.title, m.body, m.url, now}));
  m.id = row->i64(0);
  return m;
}

Result<SupportMaterial> get_support_material(db::Tx& tx, int64_t store_id,
                                             std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kMaterialColumns +
                                     " FROM support_materials WHERE public_id = $1 "
                                     "AND store_id = $2",
                                 {public_id, store_id}));
  if (!row) return not_found("support material");
  return material_from_row(*row, 0);
}

Result<std::vector<SupportMaterial>> list_support_materials(db::Tx& tx, int64_t store_id,
                                                            std::optional<std::string> cursor,
                                                            int limit) {
  int64_t before_id = INT64_MAX;
  if (cursor) {
    auto row = SD_TRY(tx.query_one(
        "SELECT id FROM support_materials WHERE public_id = $1 AND store_id = $2",
        {*cursor, store_id}));
    if (!row) {
      return fail(ErrorKind::invalid_input, "invalid_cursor", "cursor is not valid", "cursor");
    }
    before_id = row->i64(0);
  }
  auto rows = SD_TRY(tx.query(std::string("SELECT ") + kMaterialColumns +
                                  " FROM support_materials WHERE store_id = $1 AND id < $2 "
                                  "ORDER BY id DESC LIMIT $3",
                              {store_id, before_id, limit}));
  std::vector<SupportMaterial> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(material_from_row(r, 0));
  return out;
}

Result<SupportMaterial> update_support_material(db::Tx& tx, int64_t store_id,
                                                std::string_view public_id,
                                                const SupportMaterialChanges& changes, Micros now) {
  auto m = apply_changes(SD_TRY(get_support_material(tx, store_id, public_id)), changes);
  SD_TRY_VOID(validate_support_material(m));
  m.updated_at = now;
  SD_TRY(tx.exec("UPDATE support_materials SET kind = $1, title = $2, body = $3, url = $4, "
                 "updated_at = $5 WHERE id = $6",
                 {m.kind, m.title, m.body, m.url, now, m.id}));
  return m;
}

Result<void> delete_support_material(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto m = SD_TRY(get_support_material(tx, store_id, public_id));
  SD_TRY(tx.exec("DELETE FROM product_support_materials WHERE support_material_id = $1", {m.id}));
  SD_TRY(tx.exec("DELETE FROM support_materials WHERE id = $1", {m.id}));
  return {};
}

// --- storefront ----------------------------------------------------------------------------------

Result<std::vector<Product>> list_published_products(db::Tx& tx, int64_t store_id,
                                                     std::optional<std::string> cursor,
                                                     int limit) {
  return list_where(tx, store_id, std::string("published"), cursor, limit);
}

Result<Product> get_published_product(db::Tx& tx, int64_t store_id,
                                      std::string_view product_public_id) {
  auto p = SD_TRY(load_product(tx, store_id, product_public_id));
  if (p.status != "published") return not_found("product");
  return p;
}

}  // namespace sd::catalog
