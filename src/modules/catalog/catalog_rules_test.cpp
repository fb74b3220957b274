#include <gtest/gtest.h>

#include <functional>

#include "core/limits.hpp"
#include "modules/catalog/catalog.hpp"

namespace sd::catalog {
namespace {

struct Case {
  const char* label;
  std::function<Result<void>()> run;
  const char* code;  // "" = valid
  const char* param;
  ErrorKind kind = ErrorKind::invalid_input;
};

void run_cases(const std::vector<Case>& cases) {
  for (const auto& tc : cases) {
    auto r = tc.run();
    if (std::string(tc.code).empty()) {
      EXPECT_TRUE(r) << tc.label << ": " << (r ? "" : r.error().code + " " + r.error().param);
      continue;
    }
    ASSERT_FALSE(r) << tc.label;
    EXPECT_EQ(r.error().code, tc.code) << tc.label;
    EXPECT_EQ(r.error().param, tc.param) << tc.label;
    EXPECT_EQ(r.error().kind, tc.kind) << tc.label;
    EXPECT_FALSE(r.error().message.empty()) << tc.label;
  }
}

TierInput tier(std::string name, int64_t price = 1000, std::string terms = "Personal use.") {
  return TierInput{std::nullopt, std::move(name), price, std::move(terms)};
}

NewProduct valid_product() {
  NewProduct p;
  p.title = "Brush pack";
  p.description = "120 brushes";
  p.tiers = {tier("Personal"), tier("Commercial", 5000, "Client work allowed.")};
  p.links = {{"Video course", "https://video.example.com/course"}};
  return p;
}

Result<void> new_product(const std::function<void(NewProduct&)>& edit) {
  auto p = valid_product();
  edit(p);
  return validate_new_product(p);
}

Result<void> changes(const std::function<void(ProductChanges&)>& edit) {
  ProductChanges c;
  edit(c);
  return validate_product_changes(c);
}

std::vector<std::string> ids(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back("prd_" + std::to_string(i));
  return out;
}

TEST(CatalogRules, NewProduct) {
  const auto big = [](size_t n) { return std::string(n, 'x'); };
  run_cases({
      {"valid", [] { return new_product([](auto&) {}); }, "", ""},
      {"no tiers is a valid draft", [] { return new_product([](auto& p) { p.tiers.clear(); }); }, "", ""},
      {"empty title", [] { return new_product([](auto& p) { p.title = ""; }); }, "required", "title"},
      {"title at limit", [&] { return new_product([&](auto& p) { p.title = big(limits::product_title_bytes_max); }); }, "", ""},
      {"long title", [&] { return new_product([&](auto& p) { p.title = big(limits::product_title_bytes_max + 1); }); }, "too_long", "title"},
      {"long description", [&] { return new_product([&](auto& p) { p.description = big(limits::product_description_bytes_max + 1); }); }, "too_long", "description"},
      {"too many tiers", [] { return new_product([](auto& p) {
         p.tiers.clear();
         for (int i = 0; i <= limits::tiers_per_product_max; ++i) p.tiers.push_back(tier(std::to_string(i)));
       }); }, "too_many_tiers", "tiers"},
      {"empty tier name", [] { return new_product([](auto& p) { p.tiers[1].name = ""; }); }, "required", "tiers[1].name"},
      {"long tier name", [&] { return new_product([&](auto& p) { p.tiers[0].name = big(limits::tier_name_bytes_max + 1); }); }, "too_long", "tiers[0].name"},
      {"negative price", [] { return new_product([](auto& p) { p.tiers[1].price_minor = -1; }); }, "out_of_range", "tiers[1].price_minor"},
      {"price over max", [] { return new_product([](auto& p) { p.tiers[0].price_minor = limits::price_minor_max + 1; }); }, "out_of_range", "tiers[0].price_minor"},
      {"free tier", [] { return new_product([](auto& p) { p.tiers[0].price_minor = 0; }); }, "", ""},
      {"long terms", [&] { return new_product([&](auto& p) { p.tiers[1].terms = big(limits::tier_terms_bytes_max + 1); }); }, "too_long", "tiers[1].terms"},
      {"empty terms in a draft", [] { return new_product([](auto& p) { p.tiers[1].terms = ""; }); }, "", ""},
      {"duplicate tier name", [] { return new_product([](auto& p) { p.tiers[1].name = "Personal"; }); }, "duplicate_tier_name", "tiers[1].name"},
      {"tier id on create", [] { return new_product([](auto& p) { p.tiers[1].public_id = "tier_x"; }); }, "unknown_field", "tiers[1].id"},
      {"too many links", [] { return new_product([](auto& p) {
         p.links.assign(static_cast<size_t>(limits::links_per_product_max) + 1, Link{"L", "https://a.example"});
       }); }, "too_many_links", "links"},
      {"empty link label", [] { return new_product([](auto& p) { p.links[0].label = ""; }); }, "required", "links[0].label"},
      {"empty link url", [] { return new_product([](auto& p) { p.links[0].url = ""; }); }, "required", "links[0].url"},
      {"ftp link", [] { return new_product([](auto& p) { p.links[0].url = "ftp://files.example.com/a"; }); }, "invalid_url", "links[0].url"},
      {"javascript link", [] { return new_product([](auto& p) { p.links[0].url = "javascript:alert(1)"; }); }, "invalid_url", "links[0].url"},
      {"too many bundle items", [] { return new_product([](auto& p) {
         p.bundle_product_ids = ids(static_cast<size_t>(limits::bundle_items_max) + 1);
       }); }, "too_many_bundle_items", "bundle_product_ids"},
      {"bundle item twice", [] { return new_product([](auto& p) { p.bundle_product_ids = {"prd_a", "prd_b", "prd_a"}; }); }, "duplicate_id", "bundle_product_ids[2]"},
      {"material twice", [] { return new_product([](auto& p) { p.support_material_ids = {"sm_a", "sm_a"}; }); }, "duplicate_id", "support_material_ids[1]"},
      {"too many materials", [] { return new_product([](auto& p) { p.support_material_ids = ids(51); }); }, "too_many_support_materials", "support_material_ids"},
  });
}

TEST(CatalogRules, ProductChanges) {
  run_cases({
      {"empty is valid", [] { return changes([](auto&) {}); }, "", ""},
      {"empty title", [] { return changes([](auto& c) { c.title = ""; }); }, "required", "title"},
      {"description may be emptied", [] { return changes([](auto& c) { c.description = ""; }); }, "", ""},
      {"tiers may be emptied", [] { return changes([](auto& c) { c.tiers = std::vector<TierInput>{}; }); }, "", ""},
      {"tier ids allowed", [] { return changes([](auto& c) {
         c.tiers = std::vector<TierInput>{{"tier_a", "A", 1, ""}, {std::nullopt, "B", 2, ""}};
       }); }, "", ""},
      {"duplicate tier id", [] { return changes([](auto& c) {
         c.tiers = std::vector<TierInput>{{"tier_a", "A", 1, ""}, {"tier_a", "B", 2, ""}};
       }); }, "duplicate_tier_id", "tiers[1].id"},
      {"bad tier price", [] { return changes([](auto& c) { c.tiers = std::vector<TierInput>{tier("A", -5)}; }); }, "out_of_range", "tiers[0].price_minor"},
      {"bad link", [] { return changes([](auto& c) { c.links = std::vector<Link>{{"a", "https://ok.example"}, {"b", "nope"}}; }); }, "invalid_url", "links[1].url"},
      {"bundle twice", [] { return changes([](auto& c) { c.bundle_product_ids = std::vector<std::string>{"prd_a", "prd_a"}; }); }, "duplicate_id", "bundle_product_ids[1]"},
      {"materials twice", [] { return changes([](auto& c) { c.support_material_ids = std::vector<std::string>{"sm_1", "sm_1"}; }); }, "duplicate_id", "support_material_ids[1]"},
  });
}

TEST(CatalogRules, Urls) {
  const std::string p = "url";
  run_cases({
      {"https", [&] { return validate_url("https://example.com/a?b=c#d", p); }, "", ""},
      {"http upper scheme", [&] { return validate_url("HTTP://example.com", p); }, "", ""},
      {"port", [&] { return validate_url("https://example.com:8443/x", p); }, "", ""},
      {"empty", [&] { return validate_url("", p); }, "required", "url"},
      {"too long", [&] {
         // append(), not operator+: g++ 12 -O3 warns falsely (-Wrestrict) on the latter.
         std::string u("https://e.com/");
         u.append(limits::url_bytes_max, 'a');
         return validate_url(u, p);
       }, "too_long", "url"},
      {"no scheme", [&] { return validate_url("example.com", p); }, "invalid_url", "url"},
      {"no host", [&] { return validate_url("https:///path", p); }, "invalid_url", "url"},
      {"only scheme", [&] { return validate_url("https://", p); }, "invalid_url", "url"},
      {"space", [&] { return validate_url("https://exa mple.com", p); }, "invalid_url", "url"},
      {"userinfo", [&] { return validate_url("https://shop.example@evil.example/", p); }, "invalid_url", "url"},
      {"control char", [&] { return validate_url("https://example.com/\x01", p); }, "invalid_url", "url"},
      {"non-ascii", [&] { return validate_url("https://example.com/caf\xc3\xa9", p); }, "invalid_url", "url"},
      {"data", [&] { return validate_url("data:text/html,hi", p); }, "invalid_url", "url"},
  });
}

Product publishable() {
  Product p;
  p.public_id = "prd_x";
  p.title = "Fonts";
  p.tiers = {Tier{1, "tier_a", "Personal", 500, "Personal use only."},
             Tier{2, "tier_b", "Commercial", 900, "Commercial use."}};
  return p;
}

TEST(CatalogRules, Publishing) {
  const auto k = ErrorKind::conflict;
  run_cases({
      {"ok", [] { return check_publishable(publishable()); }, "", ""},
      {"no title", [] { auto p = publishable(); p.title = ""; return check_publishable(p); }, "product_not_publishable", "title", k},
      {"no tiers", [] { auto p = publishable(); p.tiers.clear(); return check_publishable(p); }, "product_not_publishable", "tiers", k},
      {"empty terms", [] { auto p = publishable(); p.tiers[1].terms = ""; return check_publishable(p); }, "product_not_publishable", "tiers[1].terms", k},
  });
}

TEST(CatalogRules, Bundles) {
  const auto k = ErrorKind::conflict;
  const BundleCandidate a{"prd_a", false};
  const BundleCandidate b{"prd_b", false};
  const BundleCandidate nested{"prd_n", true};
  run_cases({
      {"ok", [&] { return check_bundle("prd_x", false, {a, b}); }, "", ""},
      {"empty is not a bundle", [&] { return check_bundle("prd_x", true, {}); }, "", ""},
      {"contains itself", [&] { return check_bundle("prd_a", false, {b, a}); }, "bundle_invalid", "bundle_product_ids[1]", k},
      {"contains a bundle", [&] { return check_bundle("prd_x", false, {nested}); }, "bundle_invalid", "bundle_product_ids[0]", k},
      {"is an item already", [&] { return check_bundle("prd_x", true, {a}); }, "bundle_invalid", "bundle_product_ids", k},
  });
}

TEST(CatalogRules, Files) {
  run_cases({
      {"plain", [] { return check_filename("brushes v2 (final).zip"); }, "", ""},
      {"unicode", [] { return check_filename("caf\xc3\xa9.pdf"); }, "", ""},
      {"200 bytes", [] { return check_filename(std::string(200, 'a')); }, "", ""},
      {"empty", [] { return check_filename(""); }, "invalid_filename", "filename"},
      {"201 bytes", [] { return check_filename(std::string(201, 'a')); }, "invalid_filename", "filename"},
      {"slash", [] { return check_filename("../etc/passwd"); }, "invalid_filename", "filename"},
      {"backslash", [] { return check_filename("..\\boot.ini"); }, "invalid_filename", "filename"},
      {"dot dot", [] { return check_filename(".."); }, "invalid_filename", "filename"},
      {"dot", [] { return check_filename("."); }, "invalid_filename", "filename"},
      {"newline", [] { return check_filename("a\nb.txt"); }, "invalid_filename", "filename"},
      {"nul", [] { return check_filename(std::string("a\0b", 3)); }, "invalid_filename", "filename"},
      {"bad utf-8", [] { return check_filename("a\xff.txt"); }, "invalid_filename", "filename"},
      {"empty file", [] { return check_file_size(0); }, "file_empty", "body"},
      {"one byte", [] { return check_file_size(1); }, "", ""},
      {"at limit", [] { return check_file_size(limits::deliverable_bytes_max); }, "", ""},
      {"over limit", [] { return check_file_size(limits::deliverable_bytes_max + 1); }, "file_too_large", "body"},
      {"room for one more", [] { return check_file_count(limits::files_per_product_max - 1); }, "", ""},
      {"full", [] { return check_file_count(limits::files_per_product_max); }, "too_many_files", "", ErrorKind::conflict},
  });
}

TEST(CatalogRules, ContentType) {
  EXPECT_EQ(normalize_content_type(std::nullopt), "application/octet-stream");
  EXPECT_EQ(normalize_content_type("application/PDF; charset=x"), "application/pdf");
  EXPECT_EQ(normalize_content_type(" image/png "), "image/png");
  EXPECT_EQ(normalize_content_type("application/vnd.ms-excel"), "application/vnd.ms-excel");
  EXPECT_EQ(normalize_content_type("text/html\r\nX: y"), "application/octet-stream");
  EXPECT_EQ(normalize_content_type("nonsense"), "application/octet-stream");
  EXPECT_EQ(normalize_content_type("a/b/c"), "application/octet-stream");
  EXPECT_EQ(normalize_content_type("/x"), "application/octet-stream");
  EXPECT_EQ(normalize_content_type(""), "application/octet-stream");
}

SupportMaterial material(std::string kind, std::string body, std::string url) {
  SupportMaterial m;
  m.kind = std::move(kind);
  m.title = "Getting started";
  m.body = std::move(body);
  m.url = std::move(url);
  return m;
}

TEST(CatalogRules, SupportMaterials) {
  run_cases({
      {"guide with body", [] { return validate_support_material(material("guide", "Step 1", "")); }, "", ""},
      {"faq with url", [] { return validate_support_material(material("faq", "", "https://faq.example")); }, "", ""},
      {"video", [] { return validate_support_material(material("video", "", "https://v.example/1")); }, "", ""},
      {"link", [] { return validate_support_material(material("link", "notes", "https://l.example")); }, "", ""},
      {"bad kind", [] { return validate_support_material(material("pdf", "x", "")); }, "invalid_kind", "kind"},
      {"empty title", [] { auto m = material("guide", "x", ""); m.title = ""; return validate_support_material(m); }, "required", "title"},
      {"long title", [] { auto m = material("guide", "x", ""); m.title = std::string(201, 't'); return validate_support_material(m); }, "too_long", "title"},
      {"long body", [] { return validate_support_material(material("guide", std::string(limits::support_material_body_bytes_max + 1, 'b'), "")); }, "too_long", "body"},
      {"video without url", [] { return validate_support_material(material("video", "watch", "")); }, "required", "url"},
      {"link without url", [] { return validate_support_material(material("link", "", "")); }, "required", "url"},
      {"guide without content", [] { return validate_support_material(material("guide", "", "")); }, "required", "body"},
      {"bad url", [] { return validate_support_material(material("link", "", "mailto:a@b.c")); }, "invalid_url", "url"},
  });
  auto m = apply_changes(material("guide", "a", ""), SupportMaterialChanges{"link", std::nullopt, "", "https://x.example"});
  EXPECT_EQ(m.kind, "link");
  EXPECT_EQ(m.title, "Getting started");
  EXPECT_EQ(m.body, "");
  EXPECT_EQ(m.url, "https://x.example");
}

TEST(CatalogRules, StatusFilter) {
  run_cases({
      {"draft", [] { return check_status_filter("draft"); }, "", ""},
      {"published", [] { return check_status_filter("published"); }, "", ""},
      {"unpublished", [] { return check_status_filter("unpublished"); }, "", ""},
      {"other", [] { return check_status_filter("archived"); }, "invalid_status", "status"},
  });
}

}  // namespace
}  // namespace sd::catalog
