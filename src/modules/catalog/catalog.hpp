// Catalog: products with license tiers, deliverables (files, links), support materials and
// bundles (R-CAT-1..4). Prices are in the store's currency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::catalog {

struct Tier {
  int64_t id = 0;
  std::string public_id;  // "tier_…"
  std::string name;       // "Personal", "Commercial", …
  int64_t price_minor = 0;
  std::string terms;      // plain-language license terms, shown at checkout and on receipts
};

struct File {
  int64_t id = 0;
  std::string public_id;  // "file_…"
  std::string filename;
  std::string content_type;
  int64_t size_bytes = 0;
  std::string sha256;
  std::string storage_key;  // where platform/files keeps the bytes
  Micros created_at = 0;
  bool deleted = false;  // only files_ever() returns deleted files
};

struct Link {
  std::string label;
  std::string url;
};

struct SupportMaterial {
  int64_t id = 0;
  std::string public_id;  // "sm_…"
  std::string kind;       // guide | video | faq | link
  std::string title;
  std::string body;
  std::string url;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// One product contained in a bundle (R-CAT-4), as shown to sellers and buyers.
struct BundleItem {
  int64_t product_id = 0;
  std::string public_id;
  std::string title;
  std::string status;
};

struct Product {
  int64_t id = 0;
  std::string public_id;  // "prd_…"
  int64_t store_id = 0;
  std::string title;
  std::string description;
  std::string status;  // draft | published | unpublished
  bool license_keys = false;
  std::vector<Tier> tiers;  // in display order; archived tiers are not listed
  std::vector<File> files;  // not deleted
  std::vector<Link> links;
  std::vector<SupportMaterial> support_materials;
  std::vector<std::string> bundle_product_ids;  // public ids of contained products
  std::vector<BundleItem> bundle_items;          // the same products with their titles
  Micros created_at = 0;
  Micros updated_at = 0;
};

// What checkout needs to sell one tier of one product.
struct Purchasable {
  int64_t product_id = 0;
  std::string product_public_id;
  std::string title;
  bool license_keys = false;
  Tier tier;
  // Products a bundle grants besides itself (internal and public ids), each with its own
  // license_keys flag.
  struct Granted {
    int64_t product_id = 0;
    bool license_keys = false;
    std::string public_id;
  };
  std::vector<Granted> bundle_items;
};

// Finds a published product's tier in the store for purchase. not_found `product_not_found`
// (also for another store's product), conflict `product_unavailable` (draft / unpublished),
// not_found `tier_not_found`. The caller sets `param` to the item's path.
Result<Purchasable> find_purchasable(db::Tx& tx, int64_t store_id,
                                     std::string_view product_public_id,
                                     std::string_view tier_public_id);

// A product by internal id (any status) with files, links and support materials, for the
// library and receipts.
Result<Product> get_product_by_id(db::Tx& tx, int64_t product_id);
// A product's support material in display order (what its receipt and library show).
Result<std::vector<SupportMaterial>> support_materials_of(db::Tx& tx, int64_t store_id,
                                                          int64_t product_id);
// Every file a product ever had, deleted ones included (downloads of them stay counted), in
// upload order.
Result<std::vector<File>> files_ever(db::Tx& tx, int64_t product_id);

// --- inputs ---------------------------------------------------------------------------------

// A tier as sent by the seller. Without public_id it is a new tier; with one (PATCH only) it
// updates that active tier of the product.
struct TierInput {
  std::optional<std::string> public_id;
  std::string name;
  int64_t price_minor = 0;
  std::string terms;
};

struct NewProduct {
  std::string title;
  std::string description;
  bool license_keys = false;
  std::vector<TierInput> tiers;  // may be empty in a draft; publishing needs one
  std::vector<Link> links;
  std::vector<std::string> bundle_product_ids;    // public ids, same store, no bundles
  std::vector<std::string> support_material_ids;  // public ids, same store
};

// A partial update; absent fields stay. A present list replaces the whole list: `tiers` left
// out are archived (orders reference them), links and attachments are rewritten.
struct ProductChanges {
  std::optional<std::string> title, description;
  std::optional<bool> license_keys;
  std::optional<std::vector<TierInput>> tiers;
  std::optional<std::vector<Link>> links;
  std::optional<std::vector<std::string>> bundle_product_ids;
  std::optional<std::vector<std::string>> support_material_ids;
};

struct ProductFilter {
  std::optional<std::string> status;  // draft | published | unpublished
  std::optional<std::string> cursor;  // public id of the last product of the previous page
  int limit = 50;                     // the caller asks for one more to learn has_more
};

// An uploaded file already written by platform/files.
struct NewFile {
  std::string filename;  // checked with check_filename
  std::string content_type;
  int64_t size_bytes = 0;
  std::string sha256;
  std::string storage_key;
};

struct SupportMaterialChanges {
  std::optional<std::string> kind, title, body, url;
};

// --- rules (pure; catalog_rules.cpp) ---------------------------------------------------------
// Every error is invalid_input (400) naming the field path (`tiers[1].price_minor`) unless
// noted. Codes: required, too_long, out_of_range, too_many_tiers, duplicate_tier_name,
// duplicate_tier_id, too_many_links, invalid_url, too_many_bundle_items, duplicate_id,
// too_many_support_materials, invalid_kind, invalid_status, invalid_filename, file_empty,
// file_too_large; conflict (409): product_not_publishable, bundle_invalid, too_many_files.

Result<void> validate_new_product(const NewProduct& p);
Result<void> validate_product_changes(const ProductChanges& c);
// Titles, tiers and links individually (used by the two above).
Result<void> validate_title(std::string_view title, const std::string& param);
Result<void> validate_tiers(const std::vector<TierInput>& tiers);
Result<void> validate_links(const std::vector<Link>& links);
// An absolute http:// or https:// URL with a host, no spaces or control characters, at most
// limits::url_bytes_max bytes: invalid_url (too_long over the limit).
Result<void> validate_url(std::string_view url, const std::string& param);
// A product may be published only with a title, at least one tier, and terms on every tier:
// conflict `product_not_publishable`, param "title" | "tiers" | "tiers[i].terms".
Result<void> check_publishable(const Product& p);
// A product about to contain `items`. `self_is_item` = the product is already inside another
// bundle (bundles do not nest either way). conflict `bundle_invalid`, param
// "bundle_product_ids[i]" (or "bundle_product_ids" when the product itself is an item).
struct BundleCandidate {
  std::string public_id;
  bool is_bundle = false;  // has items of its own
};
Result<void> check_bundle(std::string_view self_public_id, bool self_is_item,
                          const std::vector<BundleCandidate>& items);
// A stored file name: 1..200 bytes of valid UTF-8, no path separators, no control characters,
// not "." or "..": invalid_filename, param "filename".
Result<void> check_filename(std::string_view filename);
// The upload's media type from its Content-Type header: `type/subtype` lower-cased without
// parameters, or application/octet-stream when absent or malformed.
std::string normalize_content_type(std::optional<std::string_view> header);
// file_empty (0 bytes) / file_too_large (over limits::deliverable_bytes_max), param "body".
Result<void> check_file_size(size_t size_bytes);
// conflict `too_many_files` when a product already has files_per_product_max files.
Result<void> check_file_count(int64_t current_files);
// `status` filter of a list: invalid_status, param "status".
Result<void> check_status_filter(std::string_view status);
// kind guide|video|faq|link (invalid_kind), title 1..200 bytes, body ≤ 50,000 bytes; link and
// video need a url, guide and faq a body (required); a url must be http(s) (invalid_url).
Result<void> validate_support_material(const SupportMaterial& m);
SupportMaterial apply_changes(SupportMaterial m, const SupportMaterialChanges& c);

// --- store (SQL; catalog_store.cpp) ----------------------------------------------------------
// Every function scopes by store: another store's id answers not_found `not_found`, exactly
// like an id that does not exist. Each call is meant to run inside the caller's one transaction.

// Validates and inserts a draft product with its tiers, links, bundle items and attachments.
Result<Product> create_product(db::Tx& tx, int64_t store_id, const NewProduct& p, Micros now);
Result<Product> get_product(db::Tx& tx, int64_t store_id, std::string_view product_public_id);
// Newest first; keyset pagination on the product's id (cursor = a product public id of this
// store, else invalid_cursor).
Result<std::vector<Product>> list_products(db::Tx& tx, int64_t store_id,
                                           const ProductFilter& filter);
// Validates and applies `changes`; a published product must stay publishable.
Result<Product> update_product(db::Tx& tx, int64_t store_id, std::string_view product_public_id,
                               const ProductChanges& changes, Micros now);
// draft|unpublished → published (check_publishable); published again is a no-op.
Result<Product> publish_product(db::Tx& tx, int64_t store_id, std::string_view product_public_id,
                                Micros now);
// published → unpublished (no-op when unpublished); a draft: conflict `product_not_published`.
Result<Product> unpublish_product(db::Tx& tx, int64_t store_id,
                                  std::string_view product_public_id, Micros now);

// Adds a file to a product (check_filename, check_file_count inside).
Result<File> add_file(db::Tx& tx, int64_t store_id, std::string_view product_public_id,
                      const NewFile& file, Micros now);
// Soft delete; a deleted or unknown file is not_found.
Result<void> delete_file(db::Tx& tx, int64_t store_id, std::string_view product_public_id,
                         std::string_view file_public_id, Micros now);

Result<SupportMaterial> create_support_material(db::Tx& tx, int64_t store_id,
                                                SupportMaterial m, Micros now);
Result<SupportMaterial> get_support_material(db::Tx& tx, int64_t store_id,
                                             std::string_view public_id);
// Newest first; cursor = a support material public id of this store.
Result<std::vector<SupportMaterial>> list_support_materials(db::Tx& tx, int64_t store_id,
                                                            std::optional<std::string> cursor,
                                                            int limit);
Result<SupportMaterial> update_support_material(db::Tx& tx, int64_t store_id,
                                                std::string_view public_id,
                                                const SupportMaterialChanges& changes, Micros now);
// Deletes the material and detaches it from every product.
Result<void> delete_support_material(db::Tx& tx, int64_t store_id, std::string_view public_id);

// --- storefront (public reads; the store comes from stores::get_store_by_slug) ---------------
// Published products of a store, newest first (cursor = a published product's public id).
Result<std::vector<Product>> list_published_products(db::Tx& tx, int64_t store_id,
                                                     std::optional<std::string> cursor,
                                                     int limit);
// A published product of the store; anything else (draft, unpublished, unknown) not_found.
Result<Product> get_published_product(db::Tx& tx, int64_t store_id,
                                      std::string_view product_public_id);

}  // namespace sd::catalog
