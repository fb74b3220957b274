// Pure decisions of the catalog: field limits, publishing, bundles, file names, URLs.
#include <algorithm>
#include <set>

#include "core/limits.hpp"
#include "core/validation.hpp"
#include "modules/catalog/catalog.hpp"

namespace sd::catalog {
namespace {

// No limit of its own yet in core/limits.hpp; a product attaches at most as many support
// materials as a bundle holds products.
constexpr size_t kSupportMaterialsPerProductMax = static_cast<size_t>(limits::bundle_items_max);

tl::unexpected<Error> invalid(std::string code, std::string message, std::string param) {
  return fail(ErrorKind::invalid_input, std::move(code), std::move(message), std::move(param));
}

std::string indexed(std::string_view list, size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

Result<void> check_text(std::string_view value, size_t max_bytes, bool required,
                        const std::string& param) {
  if (required && value.empty()) return invalid("required", param + " must not be empty", param);
  if (value.size() > max_bytes) {
    return invalid("too_long", param + " must be at most " + std::to_string(max_bytes) + " bytes",
                   param);
  }
  return {};
}

Result<void> check_tier(const TierInput& t, const std::string& at) {
  SD_TRY_VOID(check_text(t.name, limits::tier_name_bytes_max, true, at + ".name"));
  if (t.price_minor < 0 || t.price_minor > limits::price_minor_max) {
    return invalid("out_of_range",
                   at + ".price_minor must be between 0 and " +
                       std::to_string(limits::price_minor_max),
                   at + ".price_minor");
  }
  return check_text(t.terms, limits::tier_terms_bytes_max, false, at + ".terms");
}

// Public ids in a list must be distinct (the same product twice in a bundle means nothing).
Result<void> check_id_list(const std::vector<std::string>& ids, std::string_view field,
                           size_t max, const char* too_many_code) {
  if (ids.size() > max) {
    return invalid(too_many_code,
                   std::string(field) + " may hold at most " + std::to_string(max) + " ids",
                   std::string(field));
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!seen.insert(ids[i]).second) {
      return invalid("duplicate_id", indexed(field, i) + " is listed twice", indexed(field, i));
    }
  }
  return {};
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' || c == '#' || c == '$' ||
         c == '&' || c == '^' || c == '_' || c == '.' || c == '+' || c == '-';
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != prefix[i]) return false;
  return true;
}

}  // namespace

Result<void> validate_title(std::string_view title, const std::string& param) {
  return check_text(title, limits::product_title_bytes_max, true, param);
}

Result<void> validate_tiers(const std::vector<TierInput>& tiers) {
  if (tiers.size() > static_cast<size_t>(limits::tiers_per_product_max)) {
    return invalid("too_many_tiers",
                   "a product has at most " + std::to_string(limits::tiers_per_product_max) +
                       " tiers",
                   "tiers");
  }
  std::set<std::string_view> names;
  std::set<std::string_view> ids;
  for (size_t i = 0; i < tiers.size(); ++i) {
    const auto at = indexed("tiers", i);
    SD_TRY_VOID(check_tier(tiers[i], at));
    if (!names.insert(tiers[i].name).second) {
      return invalid("duplicate_tier_name", at + ".name is used by another tier", at + ".name");
    }
    if (tiers[i].public_id && !ids.insert(*tiers[i].public_id).second) {
      return invalid("duplicate_tier_id", at + ".id is listed twice", at + ".id");
    }
  }
  return {};
}

Result<void> validate_url(std::string_view url, const std::string& param) {
  if (url.empty()) return invalid("required", param + " must not be empty", param);
  if (url.size() > limits::url_bytes_max) {
    return invalid("too_long",
                   param + " must be at most " + std::to_string(limits::url_bytes_max) + " bytes",
                   param);
  }
  const auto bad = [&] { return invalid("invalid_url", param + " must be an http(s) URL", param); };
  size_t scheme = 0;
  if (starts_with_ci(url, "https://")) scheme = 8;
  else if (starts_with_ci(url, "http://")) scheme = 7;
  else return bad();
  // Printable ASCII only: anything else must be percent-encoded.
  for (const char c : url)
    if (c <= ' ' || c >= 0x7f) return bad();
  const auto rest = url.substr(scheme);
  const auto host = rest.substr(0, rest.find_first_of("/?#"));
  // Userinfo is refused: "https://shop.example@evil.example" misleads buyers.
  if (host.empty() || host.find('@') != std::string_view::npos || host.front() == ':') return bad();
  return {};
}

Result<void> validate_links(const std::vector<Link>& links) {
  if (links.size() > static_cast<size_t>(limits::links_per_product_max)) {
    return invalid("too_many_links",
                   "a product has at most " + std::to_string(limits::links_per_product_max) +
                       " links",
                   "links");
  }
  for (size_t i = 0; i < links.size(); ++i) {
    const auto at = indexed("links", i);
    SD_TRY_VOID(check_text(links[i].label, limits::product_title_bytes_max, true, at + ".label"));
    SD_TRY_VOID(validate_url(links[i].url, at + ".url"));
  }
  return {};
}

Result<void> validate_new_product(const NewProduct& p) {
  SD_TRY_VOID(validate_title(p.title, "title"));
  SD_TRY_VOID(check_text(p.description, limits::product_description_bytes_max, false,
                         "description"));
  SD_TRY_VOID(validate_tiers(p.tiers));
  for (size_t i = 0; i < p.tiers.size(); ++i) {
    // New tiers have no id yet; an id on create would name a tier of some other product.
    if (p.tiers[i].public_id) {
      return invalid("unknown_field", indexed("tiers", i) + ".id is not a known field",
                     indexed("tiers", i) + ".id");
    }
  }
  SD_TRY_VOID(validate_links(p.links));
  SD_TRY_VOID(check_id_list(p.bundle_product_ids, "bundle_product_ids",
                            static_cast<size_t>(limits::bundle_items_max), "too_many_bundle_items"));
  return check_id_list(p.support_material_ids, "support_material_ids",
                       kSupportMaterialsPerProductMax, "too_many_support_materials");
}

Result<void> validate_product_changes(const ProductChanges& c) {
  if (c.title) SD_TRY_VOID(validate_title(*c.title, "title"));
  if (c.description) {
    SD_TRY_VOID(check_text(*c.description, limits::product_description_bytes_max, false,
                           "description"));
  }
  if (c.tiers) SD_TRY_VOID(validate_tiers(*c.tiers));
  if (c.links) SD_TRY_VOID(validate_links(*c.links));
  if (c.bundle_product_ids) {
    SD_TRY_VOID(check_id_list(*c.bundle_product_ids, "bundle_product_ids",
                              static_cast<size_t>(limits::bundle_items_max),
                              "too_many_bundle_items"));
  }
  if (c.support_material_ids) {
    SD_TRY_VOID(check_id_list(*c.support_material_ids, "support_material_ids",
                              kSupportMaterialsPerProductMax, "too_many_support_materials"));
  }
  return {};
}

Result<void> check_publishable(const Product& p) {
  const auto refuse = [](std::string message, std::string param) {
    return fail(ErrorKind::conflict, "product_not_publishable", std::move(message),
                std::move(param));
  };
  if (p.title.empty()) return refuse("a product needs a title to be published", "title");
  if (p.tiers.empty()) return refuse("a product needs at least one license tier", "tiers");
  for (size_t i = 0; i < p.tiers.size(); ++i) {
    if (p.tiers[i].terms.empty()) {
      return refuse("every license tier needs its terms before publishing",
                    indexed("tiers", i) + ".terms");
    }
  }
  return {};
}

Result<void> check_bundle(std::string_view self_public_id, bool self_is_item,
                          const std::vector<BundleCandidate>& items) {
  const auto refuse = [](std::string message, std::string param) {
    return fail(ErrorKind::conflict, "bundle_invalid", std::move(message), std::move(param));
  };
  if (items.empty()) return {};
  if (self_is_item) {
    return refuse("this product is inside a bundle, so it cannot be a bundle itself",
                  "bundle_product_ids");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].public_id == self_public_id) {
      return refuse("a bundle cannot contain itself", indexed("bundle_product_ids", i));
    }
    if (items[i].is_bundle) {
      return refuse("a bundle cannot contain another bundle", indexed("bundle_product_ids", i));
    }
  }
  return {};
}

Result<void> check_filename(std::string_view name) {
  const auto bad = [](std::string message) {
    return invalid("invalid_filename", std::move(message), "filename");
  };
  if (name.empty()) return bad("filename is required (?filename=NAME)");
  if (name.size() > 200) return bad("filename must be at most 200 bytes");
  if (!is_clean_text(name, false)) return bad("filename must be UTF-8 without control characters");
  if (name.find_first_of("/\\") != std::string_view::npos) {
    return bad("filename must not contain path separators");
  }
  if (name == "." || name == "..") return bad("filename must name a file");
  return {};
}

std::string normalize_content_type(std::optional<std::string_view> header) {
  static const std::string fallback = "application/octet-stream";
  if (!header) return fallback;
  auto v = header->substr(0, header->find(';'));
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty() || v.size() > 127) return fallback;
  std::string out;
  out.reserve(v.size());
  int slashes = 0;
  for (const char c : v) {
    const char l = lower(c);
    if (l == '/') ++slashes;
    else if (!is_token_char(l)) return fallback;
    out.push_back(l);
  }
  if (slashes != 1 || out.front() == '/' || out.back() == '/') return fallback;
  return out;
}

Result<void> check_file_size(size_t size_bytes) {
  if (size_bytes == 0) return invalid("file_empty", "the uploaded file is empty", "body");
  if (size_bytes > limits::deliverable_bytes_max) {
    return invalid("file_too_large", "the uploaded file is too large", "body");
  }
  return {};
}

Result<void> check_file_count(int64_t current_files) {
  if (current_files >= limits::files_per_product_max) {
    return fail(ErrorKind::conflict, "too_many_files",
                "a product has at most " + std::to_string(limits::files_per_product_max) +
                    " files; delete one first");
  }
  return {};
}

Result<void> check_status_filter(std::string_view status) {
  if (status == "draft" || status == "published" || status == "unpublished") return {};
  return invalid("invalid_status", "status must be draft, published or unpublished", "status");
}

Result<void> validate_support_material(const SupportMaterial& m) {
  const auto& k = m.kind;
  if (k != "guide" && k != "video" && k != "faq" && k != "link") {
    return invalid("invalid_kind", "kind must be guide, video, faq or link", "kind");
  }
  SD_TRY_VOID(validate_title(m.title, "title"));
  SD_TRY_VOID(check_text(m.body, limits::support_material_body_bytes_max, false, "body"));
  if (!m.url.empty()) return validate_url(m.url, "url");
  if (k == "link" || k == "video") return invalid("required", "a " + k + " needs a url", "url");
  if (m.body.empty()) return invalid("required", "a " + k + " needs a body or a url", "body");
  return {};
}

SupportMaterial apply_changes(SupportMaterial m, const SupportMaterialChanges& c) {
  if (c.kind) m.kind = *c.kind;
  if (c.title) m.title = *c.title;
  if (c.body) m.body = *c.body;
  if (c.url) m.url = *c.url;
  return m;
}

}  // namespace sd::catalog
