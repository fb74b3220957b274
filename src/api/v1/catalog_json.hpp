// JSON encodings of the catalog's objects, shared by the seller routes (catalog_api.cpp, where
// they are defined) and the public storefront routes (storefront_api.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "modules/catalog/catalog.hpp"
#include "modules/stores/stores.hpp"

namespace sd::api {

nlohmann::json tier_json(const catalog::Tier& t);
// The seller's view of a file: {id, filename, content_type, size_bytes, sha256, created_at}.
nlohmann::json file_json(const catalog::File& f);
nlohmann::json support_material_json(const catalog::SupportMaterial& m);
// The seller's whole product; `currency` is the store's.
nlohmann::json product_json(const catalog::Product& p, std::string_view currency);
// What buyers see of a published product: no storage details, no link URLs or support
// material contents (those are delivered after purchase), bundle contents by title.
nlohmann::json public_product_json(const catalog::Product& p, std::string_view currency);
// A store as buyers see it: {slug, name, currency, support_email, refund_policy, locale}.
nlohmann::json storefront_json(const stores::Store& s);

}  // namespace sd::api
