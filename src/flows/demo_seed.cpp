#include "flows/demo_seed.hpp"

#include <random>

#include "flows/checkout.hpp"
#include "flows/refund.hpp"
#include "flows/session_flows.hpp"
#include "modules/catalog/catalog.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"
#include "platform/files/files.hpp"
#include "platform/payments/payments.hpp"

namespace sd::flows {
namespace {

// A clock the seeder sets to each order's moment in the past year.
class SettableClock final : public Clock {
 public:
  Micros now() const override { return now_; }
  void set(Micros t) { now_ = t; }

 private:
  Micros now_ = 0;
};

struct Place {
  const char* country;
  const char* region;
};
constexpr Place kPlaces[] = {{"US", "WA"}, {"US", "OR"}, {"US", "NY"}, {"US", "TX"}, {"US", "CA"},
                             {"DE", ""},   {"FR", ""},   {"ES", ""},   {"GB", ""},   {"CA", "ON"},
                             {"CA", "QC"}, {"AU", ""},   {"JP", ""},   {"NO", ""},   {"CH", ""},
                             {"MX", ""},   {"BR", ""},   {"IN", ""}};
constexpr const char* kFirst[] = {"José", "Zoë", "Ana", "Björn", "Chloé", "Łukasz", "Sofía",
                                  "Noah", "Amélie", "Mateo", "Yuki", "Oluwaseun", "Siobhán",
                                  "François", "Ingrid", "Raúl", "Mia", "Kai", "Leilani", "Omar"};
constexpr const char* kLast[] = {"Núñez", "Åberg", "García", "O'Brien", "Müller", "Dubois",
                                 "Kowalski", "Smith", "Rossi", "Tanaka", "Okafor", "Fernández",
                                 "Lefèvre", "Johansson", "Silva", "Nguyen", "Patel", "Cohen"};
constexpr const char* kRefundReasons[] = {"Bought the wrong license tier", "Duplicate purchase",
                                         "Does not work on my computer", "Changed my mind"};

// Luhn-valid test cards of several brands (the test provider takes any such number).
constexpr const char* kCards[] = {"test_card_4242424242424242", "test_card_5555555555554444",
                                  "test_card_378282246310005", "test_card_4000056655665556",
                                  "test_card_6011111111111117"};
constexpr const char* kDomains[] = {"Example.com", "mail.example.org", "gmail.com",
                                    "Studio.example.net", "outlook.com"};

// A name as an email's local part: accents folded ("Núñez" → "nunez"), letters and digits only.
std::string ascii_lower(const std::string& name) {
  std::string out;
  for (unsigned char c : sales::normalise(name)) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c + 32);
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += static_cast<char>(c);
  }
  return out.empty() ? "buyer" : out;
}

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
  return s;
}

struct Catalog {
  std::vector<catalog::Product> products;
};

catalog::TierInput tier(const char* name, int64_t price, const char* terms) {
  return catalog::TierInput{std::nullopt, name, price, terms};
}

Result<catalog::Product> make_product(db::Tx& tx, int64_t store_id, catalog::NewProduct p,
                                      const files::FileStore& fs, const std::string& filename,
                                      const std::string& content, Micros now) {
  auto product = SD_TRY(catalog::create_product(tx, store_id, p, now));
  auto blob = SD_TRY(fs.put(content));
  SD_TRY(catalog::add_file(tx, store_id, product.public_id,
                           {filename, "application/octet-stream", blob.size_bytes, blob.sha256,
                            blob.storage_key},
                           now));
  return catalog::publish_product(tx, store_id, product.public_id, now);
}

Result<Catalog> make_catalog(db::Tx& tx, int64_t store_id, const files::FileStore& fs, Micros now) {
  const char* personal = "Use in personal, non-commercial projects. No resale or redistribution.";
  const char* commercial =
      "Use in commercial projects for you or one client, up to 10,000 units sold. No resale of "
      "the files themselves.";
  const char* extended =
      "Everything in Commercial, unlimited units, and use in products for sale (templates, "
      "merchandise).";
  auto guide = SD_TRY(catalog::create_support_material(
      tx, store_id,
      {0, {}, "guide", "Installing fonts on Mac and Windows",
       "Unzip the download, then double-click each .otf file and choose Install.",
       "https://example.com/guides/install-fonts", 0, 0},
      now));
  auto faq = SD_TRY(catalog::create_support_material(
      tx, store_id,
      {0, {}, "faq", "Which license do I need?",
       "Personal for your own projects; Commercial for client work; Extended for products you "
       "sell.",
       "", 0, 0},
      now));
  Catalog c;
  auto add = [&](const char* title, const char* desc, std::vector<catalog::TierInput> tiers,
                 bool keys, const char* file) -> Result<void> {
    catalog::NewProduct p{title, desc, keys, std::move(tiers), {}, {},
                          {guide.public_id, faq.public_id}};
    c.products.push_back(SD_TRY(make_product(tx, store_id, p, fs, file,
                                             std::string("Demo deliverable: ") + title + "\n", now)));
    return {};
  };
  SD_TRY_VOID(add("Aurora Sans font family", "A friendly geometric sans in 8 weights.",
                  {tier("Personal", 2900, personal), tier("Commercial", 7900, commercial),
                   tier("Extended commercial", 19900, extended)},
                  false, "aurora-sans.zip"));
  SD_TRY_VOID(add("Brush Strokes texture pack", "120 high-resolution brush textures.",
                  {tier("Personal", 1500, personal), tier("Commercial", 4500, commercial),
                   tier("Extended commercial", 9900, extended)},
                  false, "brush-strokes.zip"));
  SD_TRY_VOID(add("Notion budget template", "Plan a year of spending in one page.",
                  {tier("Personal", 1200, personal)}, false, "budget-template.zip"));
  SD_TRY_VOID(add("Invoice generator (macOS app)", "Make invoices in seconds. License key included.",
                  {tier("Single Mac", 3900, "One installation per key."),
                   tier("Team of 5", 14900, "Up to five installations per key.")},
                  true, "invoice-generator.dmg"));
  SD_TRY_VOID(add("Watercolor course", "Six video lessons from first wash to finished piece.",
                  {tier("Course", 4900, "Personal learning; do not share your access.")}, false,
                  "watercolor-course-workbook.pdf"));
  // Smaller products, so the store has the twenty products of the benchmark data set.
  struct Simple {
    const char* title;
    const char* file;
    int64_t price;
    bool three_tiers;
  };
  constexpr Simple kMore[] = {
      {"Lightroom presets: Nordic light", "nordic-presets.zip", 1900, false},
      {"Line icon set (1,200 icons)", "line-icons.zip", 2400, true},
      {"Procreate brush kit", "procreate-brushes.zip", 1800, false},
      {"Résumé template pack", "resume-templates.zip", 900, false},
      {"Café menu templates", "cafe-menus.zip", 1400, true},
      {"Handwritten script font", "script-font.zip", 3200, true},
      {"Ebook: Pricing your creative work", "pricing-ebook.pdf", 1500, false},
      {"Stock photo pack: Mountains", "mountains-photos.zip", 2900, true},
      {"UI kit for dashboards", "dashboard-ui-kit.fig", 4900, true},
      {"Sound effects: Everyday foley", "foley-sfx.zip", 2200, false},
      {"Knitting pattern: Fjord sweater", "fjord-sweater.pdf", 800, false},
      {"Mockup set: Paper and packaging", "paper-mockups.zip", 3500, true},
      {"Spreadsheet: Freelance finances", "freelance-finances.xlsx", 1100, false},
  };
  for (const auto& m : kMore) {
    std::vector<catalog::TierInput> tiers{tier("Personal", m.price, personal)};
    if (m.three_tiers) {
      tiers.push_back(tier("Commercial", m.price * 3, commercial));
      tiers.push_back(tier("Extended commercial", m.price * 7, extended));
    }
    SD_TRY_VOID(add(m.title, "A demo product.", std::move(tiers), false, m.file));
  }
  // Bundles: contents granted on purchase (R-CAT-4).
  catalog::NewProduct bundle{"Designer starter bundle",
                             "Aurora Sans and Brush Strokes together, commercial license.",
                             false,
                             {tier("Commercial", 9900, commercial)},
                             {},
                             {c.products[0].public_id, c.products[1].public_id},
                             {guide.public_id}};
  c.products.push_back(SD_TRY(make_product(tx, store_id, bundle, fs, "bundle-readme.txt",
                                           "Thanks for buying the bundle!\n", now)));
  catalog::NewProduct bundle2{"Productivity bundle", "The budget template and the invoice app.",
                              false,
                              {tier("Personal", 4500, personal)},
                              {},
                              {c.products[2].public_id, c.products[3].public_id},
                              {faq.public_id}};
  c.products.push_back(SD_TRY(make_product(tx, store_id, bundle2, fs, "bundle-readme.txt",
                                           "Thanks for buying the bundle!\n", now)));
  return c;
}


// `count` orders over the past year, oldest first, from count/5 buyers (names with accents,
// mixed-case emails) across tax jurisdictions; written through the checkout's own code in
// batches of one transaction each, and about 3% refunded through the refund flow. `email_tag`
// keeps buyers of different stores apart.
Result<void> generate_orders(db::Database& db, const tax::RateTable& taxes, int64_t store_id,
                             const std::string& slug, const Catalog& cat, int64_t count,
                             Micros now, uint64_t seed, const std::string& email_tag,
                             const std::function<void(int64_t, int64_t)>& progress) {
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  SettableClock at;
  auto provider = payments::make_test_provider("demo-fingerprints", at);
  CheckoutDeps deps{db, at, *provider, taxes, "", nullptr, {}};
  RefundDeps refund_deps{db, at, *provider, "", nullptr};
  std::vector<Micros> times;
  times.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    times.push_back(now - static_cast<Micros>(rng() % static_cast<uint64_t>(365 * kMicrosPerDay)));
  std::sort(times.begin(), times.end());
  const int64_t buyers = std::max<int64_t>(1, count / 5);
  constexpr int64_t kBatch = 50;
  std::vector<GeneratedOrder> batch;
  for (int64_t i = 0; i < count; ++i) {
    const auto b = static_cast<size_t>(rng() % static_cast<uint64_t>(buyers));
    const std::string first = kFirst[b % std::size(kFirst)];
    const std::string last = kLast[(b / std::size(kFirst)) % std::size(kLast)];
    const std::string email = (b % 3 == 0 ? capitalised(ascii_lower(first)) : ascii_lower(first)) + "." + ascii_lower(last) +
                              std::to_string(b) + email_tag + "@" + kDomains[b % std::size(kDomains)];
    const auto& place = kPlaces[b % std::size(kPlaces)];
    const auto& product = cat.products[pick(cat.products.size())];
    const auto& t = product.tiers[pick(product.tiers.size())];
    GeneratedOrder g;
    g.at = times[static_cast<size_t>(i)];
    g.input.store_slug = slug;
    g.input.items = {{product.public_id, t.public_id, rng() % 10 == 0 ? 2 : 1}};
    g.input.email = email;
    g.input.name = first + " " + last;
    g.input.country = place.country;
    g.input.region = place.region;
    g.input.payment_token = kCards[b % std::size(kCards)];
    g.input.consent_immediate_delivery = true;
    g.input.idempotency_key = "demo-" + email_tag + std::to_string(i);
    batch.push_back(std::move(g));
    if (static_cast<int64_t>(batch.size()) == kBatch || i + 1 == count) {
      at.set(batch.back().at);
      const auto ids = SD_TRY(write_generated_orders(deps, batch));
      // About 3% of orders refunded a few days after the purchase, a third of them in part,
      // through the refund flow itself (a refund the balance cannot cover yet is skipped).
      for (size_t k = 0; k < ids.size(); ++k) {
        if (rng() % 100 >= 3) continue;
        at.set(batch[k].at + static_cast<Micros>(1 + rng() % 5) * kMicrosPerDay);
        RefundInput in;
        in.order_public_id = ids[k];
        in.reason = kRefundReasons[rng() % std::size(kRefundReasons)];
        if (rng() % 3 == 0) in.amount_minor = 500;  // a partial refund (every price is above it)
        auto refunded = create_refund(refund_deps, store_id, in);
        if (!refunded && refunded.error().code != "available_balance_insufficient")
          return tl::unexpected(refunded.error());
      }
      batch.clear();
      if (progress) progress(i + 1, count);
    }
  }
  // The provider settles refunds after 5 business days: those due by now are settled here.
  at.set(now);
  while (submit_due_refunds(refund_deps, 500) > 0) {}
  while (settle_due_refunds(refund_deps, 500) > 0) {}
  return {};
}

}  // namespace

Result<DemoSeedResult> seed_demo(db::Database& db, const Clock& clock,
                                 const tax::RateTable& taxes, const DemoSeedOptions& o) {
  DemoSeedResult result;
  auto seller = create_seller(db, clock, {o.email, "Demo Seller", o.password}, "Demo Store");
  if (!seller) {
    if (seller.error().code != "email_taken") return tl::unexpected(seller.error());
    return result;  // the demo store exists: leave it as it is
  }
  result.created = true;
  const auto store_id = seller->second.id;
  result.store_slug = seller->second.slug;
  const auto fs = files::store_in(o.data_dir);
  const Micros now = clock.now();
  auto cat = SD_TRY(db.write<Catalog>([&](db::Tx& tx) {
    return make_catalog(tx, store_id, fs, now - 366 * kMicrosPerDay);
  }));
  result.products = static_cast<int64_t>(cat.products.size());

  SD_TRY_VOID(generate_orders(db, taxes, store_id, result.store_slug, cat, o.orders, now, o.seed, "",
                              o.progress));
  result.orders = o.orders;
  // Other stores with their own sales, so a big data set also proves isolation costs nothing.
  for (int64_t k = 1; k <= o.other_stores; ++k) {
    const auto email = "other" + std::to_string(k) + "+" + o.email;
    auto other = create_seller(db, clock, {email, "Other Seller " + std::to_string(k), o.password},
                               "Other Store " + std::to_string(k));
    if (!other) return tl::unexpected(other.error());
    auto other_cat = SD_TRY(db.write<Catalog>([&](db::Tx& tx) {
      return make_catalog(tx, other->second.id, fs, now - 366 * kMicrosPerDay);
    }));
    SD_TRY_VOID(generate_orders(db, taxes, other->second.id, other->second.slug, other_cat,
                                std::max<int64_t>(1, o.orders / 20), now, o.seed + k,
                                "s" + std::to_string(k) + ".", nullptr));
  }
  return result;
}

}  // namespace sd::flows
