#include "flows/demo_seed.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <numeric>
#include <queue>
#include <random>
#include <tuple>

#include <sodium.h>

#include "core/ids.hpp"
#include "flows/checkout.hpp"
#include "flows/refund.hpp"
#include "flows/session_flows.hpp"
#include "modules/accounts/accounts.hpp"
#include "modules/catalog/catalog.hpp"
#include "modules/entitlements/entitlements.hpp"
#include "modules/ledger/ledger.hpp"
#include "modules/licenses/licenses.hpp"
#include "modules/orders/orders.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"
#include "platform/files/files.hpp"
#include "platform/payments/payments.hpp"

namespace sd::flows {
namespace {

// The test provider only describes cards here (no charge is remembered): its clock is unused.
class FixedClock final : public Clock {
 public:
  Micros now() const override { return 0; }
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


// One store's share of the load.
struct StoreJob {
  int64_t store_id = 0;
  std::string slug;
  Catalog cat;
  int64_t count = 0;
  uint64_t seed = 0;
  std::string email_tag;  // keeps buyers of different stores apart
};

// Order public ids for the whole load, drawn up front with the orders module's own generator
// ("SD-XXXX-XXXX", 40 bits) and made unique among themselves and against the ids in use (at ten
// million orders, dozens would collide otherwise). Each is drawn for a random second, so that a
// load made within seconds spreads over all of the generator's time symbols, as past orders do.
class OrderIds {
 public:
  static Result<OrderIds> make(db::Tx& tx, int64_t count) {
    using Key = std::array<char, 12>;
    auto key = [](const std::string& id) {
      Key k{};
      std::memcpy(k.data(), id.data(), std::min(id.size(), k.size()));
      return k;
    };
    std::vector<Key> taken;
    SD_TRY_VOID(orders::each_public_id(tx, [&](std::string_view id) {
      taken.push_back(key(std::string(id)));
    }));
    std::sort(taken.begin(), taken.end());
    OrderIds out;
    out.ids_.resize(static_cast<size_t>(count));
    auto draw = [&key] {
      return key(orders::new_order_public_id(Micros{randombytes_random()} * kMicrosPerSecond));
    };
    for (auto& k : out.ids_) k = draw();
    std::vector<uint32_t> order(out.ids_.size());
    for (;;) {
      std::iota(order.begin(), order.end(), 0u);
      std::sort(order.begin(), order.end(),
                [&](uint32_t a, uint32_t b) { return out.ids_[a] < out.ids_[b]; });
      std::vector<uint32_t> redo;
      for (size_t i = 1; i < order.size(); ++i)
        if (out.ids_[order[i]] == out.ids_[order[i - 1]]) redo.push_back(order[i]);
      if (!taken.empty())
        for (size_t i = 0; i < out.ids_.size(); ++i)
          if (std::binary_search(taken.begin(), taken.end(), out.ids_[i]))
            redo.push_back(static_cast<uint32_t>(i));
      if (redo.empty()) break;
      for (auto i : redo) out.ids_[i] = draw();
    }
    return out;
  }
  std::string next() {
    const auto& k = ids_.at(next_++);
    return std::string(k.data(), k.size());
  }

 private:
  std::vector<std::array<char, 12>> ids_;
  size_t next_ = 0;
};

// The store's available balance as ledger::balance would sum it, kept while generating:
// sales' creator funds become available at the end of their hold (in time order, as orders
// are), refunds take the seller's share at once. Asked at refund times, which only grow.
class Funds {
 public:
  void pending(Micros available_at, int64_t amount) { pending_.emplace_back(available_at, amount); }
  int64_t available_at(Micros t) {
    while (!pending_.empty() && pending_.front().first <= t) {
      available_ += pending_.front().second;
      pending_.pop_front();
    }
    return available_;
  }
  void take(int64_t amount) { available_ -= amount; }

 private:
  std::deque<std::pair<Micros, int64_t>> pending_;
  int64_t available_ = 0;
};

// Rows waiting to be appended together.
struct Rows {
  std::vector<orders::Order> orders;
  std::vector<ledger::Entry> entries;
  std::vector<entitlements::Entitlement> grants;
  std::vector<licenses::IssuedKey> keys;
  std::vector<sales::SaleRow> sales;
  sales::RollupBatch* rollup = nullptr;  // gathered for the whole load, written at its end
  int64_t first_order_id = INT64_MAX;  // the oldest order not yet written
  Micros first_order_at = INT64_MAX;    // and its time

  Result<void> flush(db::Tx& tx) {
    if (orders.empty()) return {};
    SD_TRY_VOID(orders::append_orders(tx, orders));
    SD_TRY_VOID(ledger::post_many(tx, entries));
    SD_TRY_VOID(entitlements::append_grants(tx, grants));
    SD_TRY_VOID(licenses::append_keys(tx, keys));
    SD_TRY_VOID(sales::record_many(tx, sales, rollup));
    orders.clear();
    entries.clear();
    grants.clear();
    keys.clear();
    sales.clear();
    first_order_id = INT64_MAX;
    first_order_at = INT64_MAX;
    return {};
  }
};
// Orders are written 4,000 at a time, or once the oldest waiting one is a day old: a refund
// comes a day or more after its order, so it finds the order written (on PostgreSQL a COPY
// costs a round trip and more; flushing for each refund made small ones).
constexpr size_t kRowsPerFlush = 4000;

// A refund due later: the order as written, what it granted, and what to ask.
struct DueRefund {
  Micros at = 0;
  orders::Order order;
  std::vector<entitlements::Entitlement> grants;
  RefundInput input;
};
struct Later {
  bool operator()(const DueRefund& a, const DueRefund& b) const {
    return std::tie(a.at, a.order.id) > std::tie(b.at, b.order.id);
  }
};

struct Progress {
  const std::function<void(std::string_view, int64_t, int64_t)>* report = nullptr;
  int64_t done = 0;
  int64_t total = 0;
  int64_t analyzed_at = 500;  // orders written when the planner's statistics were last refreshed
  void step() {
    ++done;
    if (*report && (done % 1000 == 0 || done == total)) (*report)("orders", done, total);
  }
  // Each time the load has doubled (a dozen times for ten million orders).
  bool stale_statistics() {
    if (done < 2 * analyzed_at) return false;
    analyzed_at = done;
    return true;
  }
};

// `job.count` orders over the year before `now`, oldest first, from count/5 buyers (names with
// accents, mixed-case emails) across tax jurisdictions, about 3% refunded 1–5 days after the
// purchase (a third of them in part; one the available balance cannot cover yet is skipped, as
// the refund flow would refuse it). Returns how many refunds were made. Unless `bulk`
// (secondary indexes built after the load), the kept balance is compared with ledger::balance
// at every refund.
Result<int64_t> generate_orders(db::Tx& tx, const tax::RateTable& taxes, const StoreJob& job,
                                Micros now, OrderIds& order_ids, sales::RollupBatch& rollup,
                                Progress& progress, bool bulk) {
  std::mt19937_64 rng(job.seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const auto store = SD_TRY(stores::get_store(tx, job.store_id));
  FixedClock clock;
  auto provider = payments::make_test_provider("demo-fingerprints", clock);
  std::map<std::string, payments::PaymentMethod> cards;
  for (const char* card : kCards) cards[card] = SD_TRY(provider->describe(card));

  // What each tier sells, as the checkout finds it; bundles' contents by public id.
  std::map<int64_t, std::string> public_ids;
  for (const auto& p : job.cat.products) public_ids[p.id] = p.public_id;
  struct Sellable {
    catalog::Purchasable item;
    std::vector<Grant> grants;
  };
  std::vector<std::vector<Sellable>> sellable;
  for (const auto& p : job.cat.products) {
    sellable.emplace_back();
    for (const auto& t : p.tiers) {
      auto item = SD_TRY(catalog::find_purchasable(tx, job.store_id, p.public_id, t.public_id));
      std::vector<std::string> bundle_ids;
      for (const auto& b : item.bundle_items) bundle_ids.push_back(public_ids.at(b.product_id));
      auto grants = grants_of(item, bundle_ids);
      sellable.back().push_back({std::move(item), std::move(grants)});
    }
  }

  std::vector<Micros> times(static_cast<size_t>(job.count));
  for (auto& t : times)
    t = now - static_cast<Micros>(rng() % static_cast<uint64_t>(365 * kMicrosPerDay));
  std::sort(times.begin(), times.end());
  // One item per order: ids for the orders, their lines and up to three grants each (a
  // bundle grants itself and two products).
  int64_t next_order = SD_TRY(db::reserve_ids(tx, "orders", job.count));
  int64_t next_line = SD_TRY(db::reserve_ids(tx, "order_lines", job.count));
  int64_t next_grant = SD_TRY(db::reserve_ids(tx, "entitlements", 3 * job.count));

  const int64_t buyer_count = std::max<int64_t>(1, job.count / 5);
  struct Buyer {
    int64_t user_id = 0;
    orders::Customer customer;
  };
  std::vector<Buyer> buyers(static_cast<size_t>(buyer_count));
  Rows rows;
  rows.rollup = &rollup;
  Funds funds;
  std::priority_queue<DueRefund, std::vector<DueRefund>, Later> due;
  int64_t refunds = 0;

  // Refunds whose moment has come (before the order at `t`), in time order.
  auto refund_until = [&](Micros t) -> Result<void> {
    while (!due.empty() && due.top().at <= t) {
      DueRefund d = due.top();
      due.pop();
      if (d.order.id >= rows.first_order_id) SD_TRY_VOID(rows.flush(tx));
      GeneratedRefund g{store, std::move(d.order), std::move(d.grants), std::move(d.input), d.at,
                        funds.available_at(d.at), "re_test_" + random_base32(20), now};
      if (!bulk) {  // the postings index is there: the ledger must agree with the kept balance
        const auto b = SD_TRY(ledger::balance(tx, job.store_id, d.at));
        if (b.available_minor != g.available_minor)
          return fail(ErrorKind::internal, "demo_funds_diverged",
                      "the generator's balance " + std::to_string(g.available_minor) +
                          " is not the ledger's " + std::to_string(b.available_minor));
      }
      auto r = write_generated_refund(tx, g);
      if (!r) {
        if (r.error().code == "available_balance_insufficient") continue;  // as the flow refuses it
        return fail(r.error());
      }
      funds.take(r->seller_share_minor);
      ++refunds;
    }
    return {};
  };

  for (int64_t i = 0; i < job.count; ++i) {
    const Micros at = times[static_cast<size_t>(i)];
    if (rows.first_order_at <= at - kMicrosPerDay) SD_TRY_VOID(rows.flush(tx));
    SD_TRY_VOID(refund_until(at));
    const auto b = static_cast<size_t>(rng() % static_cast<uint64_t>(buyer_count));
    const std::string first = kFirst[b % std::size(kFirst)];
    const std::string last = kLast[(b / std::size(kFirst)) % std::size(kLast)];
    const std::string name = first + " " + last;
    const std::string email =
        (b % 3 == 0 ? capitalised(ascii_lower(first)) : ascii_lower(first)) + "." +
        ascii_lower(last) + std::to_string(b) + job.email_tag + "@" +
        kDomains[b % std::size(kDomains)];
    auto& buyer = buyers[b];
    if (buyer.user_id == 0) {  // the first purchase makes the account and the customer
      buyer.user_id = SD_TRY(accounts::find_or_create_buyer(tx, email, name, at, nullptr)).id;
      buyer.customer = SD_TRY(orders::upsert_customer(tx, job.store_id, buyer.user_id, name, email, at));
    }
    const auto& place = kPlaces[b % std::size(kPlaces)];
    const size_t product = pick(sellable.size());
    const auto& sold = sellable[product][pick(sellable[product].size())];
    const int64_t quantity = rng() % 10 == 0 ? 2 : 1;

    CheckoutInput in;
    in.store_slug = job.slug;
    in.items = {{sold.item.product_public_id, sold.item.tier.public_id, quantity}};
    in.email = email;
    in.name = name;
    in.country = place.country;
    in.region = place.region;
    in.payment_token = kCards[b % std::size(kCards)];
    in.consent_immediate_delivery = true;
    in.idempotency_key = "demo-" + job.email_tag + std::to_string(i);
    const auto& pm = cards.at(in.payment_token);
    const payments::Charge charge{"ch_test_" + random_base32(20), pm.brand, pm.last4,
                                  pm.fingerprint, pm.card_country};
    auto o = SD_TRY(generated_order(store, {sold.item}, in, pm, charge, taxes, at));
    o.id = next_order++;
    o.public_id = order_ids.next();
    o.customer_id = buyer.customer.id;
    o.buyer_user_id = buyer.user_id;
    std::vector<entitlements::Entitlement> grants;
    for (auto& l : o.lines) {
      l.id = next_line++;
      l.public_id = new_public_id("li");
      std::string key;
      for (const auto& g : sold.grants) {
        grants.push_back({next_grant++, new_public_id("ent"), o.store_id, o.buyer_user_id, o.id,
                          o.public_id, l.id, g.product_id, std::nullopt, at, ""});
        if (!g.license_key) continue;
        rows.keys.push_back({licenses::new_license_key(), g.product_public_id, o.store_id,
                             g.product_id, l.id, at});
        if (key.empty()) key = rows.keys.back().license_key;
      }
      rows.sales.push_back(sale_row_of(o, l, buyer.customer, key));
    }
    rows.entries.push_back(ledger::sale_entry(o.store_id, o.id, o.currency, o.subtotal_minor,
                                              o.tax_minor, o.fee_minor, at, o.available_at,
                                              "order " + o.public_id));
    if (o.net_minor != 0) funds.pending(o.available_at, o.net_minor);
    // About 3% refunded a few days later, a third of them in part (every price is above 5.00).
    if (rng() % 100 < 3) {
      DueRefund d{at + static_cast<Micros>(1 + rng() % 5) * kMicrosPerDay, o, grants, {}};
      d.input.order_public_id = o.public_id;
      d.input.reason = kRefundReasons[rng() % std::size(kRefundReasons)];
      if (rng() % 3 == 0) d.input.amount_minor = 500;
      if (d.at <= now) due.push(std::move(d));  // one due after now has not happened yet
    }
    rows.first_order_id = std::min(rows.first_order_id, o.id);
    rows.first_order_at = std::min(rows.first_order_at, at);
    rows.grants.insert(rows.grants.end(), grants.begin(), grants.end());
    rows.orders.push_back(std::move(o));
    if (rows.orders.size() >= kRowsPerFlush) SD_TRY_VOID(rows.flush(tx));
    progress.step();
    if (progress.stale_statistics()) {
      SD_TRY_VOID(rows.flush(tx));
      SD_TRY_VOID(db::refresh_statistics(tx));
    }
  }
  SD_TRY_VOID(refund_until(now));
  SD_TRY_VOID(rows.flush(tx));
  return refunds;
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
  result.store_slug = seller->second.slug;
  const auto fs = files::store_in(o.data_dir);
  const Micros now = clock.now();
  std::vector<StoreJob> jobs;
  auto add_job = [&](const stores::Store& s, int64_t count, uint64_t seed,
                     std::string tag) -> Result<void> {
    auto cat = SD_TRY(db.write<Catalog>([&](db::Tx& tx) {
      return make_catalog(tx, s.id, fs, now - 366 * kMicrosPerDay);
    }));
    jobs.push_back({s.id, s.slug, std::move(cat), count, seed, std::move(tag)});
    result.store_ids.push_back(s.id);
    return {};
  };
  SD_TRY_VOID(add_job(seller->second, o.orders, o.seed, ""));
  result.products = static_cast<int64_t>(jobs.front().cat.products.size());
  // Other stores with their own sales, so a big data set also proves isolation costs nothing.
  for (int64_t k = 1; k <= o.other_stores; ++k) {
    const auto email = "other" + std::to_string(k) + "+" + o.email;
    auto other = create_seller(db, clock, {email, "Other Seller " + std::to_string(k), o.password},
                               "Other Store " + std::to_string(k));
    if (!other) return tl::unexpected(other.error());
    SD_TRY_VOID(add_job(other->second, std::max<int64_t>(1, o.orders / 20), o.seed + k,
                        "s" + std::to_string(k) + "."));
  }

  Progress progress{&o.progress, 0, 0};
  for (const auto& j : jobs) progress.total += j.count;
  // Every store's orders in one transaction: with the bulk open, pages new to the file are
  // written once (no journal) and the random-key unique indexes stay in the page cache.
  int64_t refunds = 0;
  SD_TRY_VOID(db.write<void>([&](db::Tx& tx) -> Result<void> {
    progress.done = 0;  // a work may run more than once
    refunds = 0;
    std::vector<std::string> rebuild;
    // The big tables' secondary indexes, built at the end; not those the refund flow looks
    // rows up by while generating (order_lines by order, license_keys by line, refunds), nor on
    // PostgreSQL the postings' (a deferred trigger looks each entry up at commit, and an index
    // cannot be built on a table with such checks pending).
    if (o.bulk && tx.dialect() == db::Dialect::sqlite)
      rebuild = SD_TRY(db::drop_secondary_indexes(
          tx, {"orders", "journal_entries", "postings", "entitlements", "sales"}));
    else if (o.bulk)
      rebuild = SD_TRY(
          db::drop_secondary_indexes(tx, {"orders", "journal_entries", "entitlements", "sales"}));
    if (o.bulk) SD_TRY_VOID(sales::defer_search_merges(tx));
    auto ids = SD_TRY(OrderIds::make(tx, progress.total));
    sales::RollupBatch rollup;
    for (const auto& job : jobs)
      refunds += SD_TRY(generate_orders(tx, taxes, job, now, ids, rollup, progress, o.bulk));
    SD_TRY_VOID(rollup.write(tx));
    if (o.bulk) {  // the search index, then the others, each one a step of the progress
      const auto steps = static_cast<int64_t>(rebuild.size() + 1);
      if (o.progress) o.progress("indexes", 0, steps);
      SD_TRY_VOID(sales::merge_search_index(tx));
      for (size_t i = 0; i < rebuild.size(); ++i) {
        if (o.progress) o.progress("indexes", static_cast<int64_t>(i + 1), steps);
        SD_TRY(tx.exec(rebuild[i]));
      }
      if (o.progress) o.progress("indexes", steps, steps);
      // Foreign keys, if the database left them to the end of the load (OpenOptions).
      const auto dangling = SD_TRY(db::foreign_key_problems(tx));
      if (!dangling.empty())
        return fail(ErrorKind::internal, "demo_foreign_keys",
                    std::to_string(dangling.size()) + " rows point at nothing, e.g. " + dangling[0]);
    }
    return {};
  }));
  result.orders = o.orders;
  result.orders_total = progress.total;
  result.refunds = refunds;
  return result;
}

Result<std::vector<std::string>> check_demo_store(db::Database& db, int64_t store_id) {
  std::vector<std::string> problems;
  const std::string store = "store " + std::to_string(store_id) + ": ";
  auto count = [&](db::Tx& tx, const std::string& what, const char* sql) -> Result<void> {
    const int64_t n = SD_TRY(tx.query_one(sql, {store_id}))->i64(0);
    if (n != 0) problems.push_back(store + std::to_string(n) + " " + what);
    return {};
  };
  SD_TRY_VOID(db.read<void>([&](db::Tx& tx) -> Result<void> {
    problems.clear();
    // The ledger: every entry sums to zero; the sales in it are the orders, once each.
    SD_TRY_VOID(count(tx, "unbalanced journal entries",
                      "SELECT COUNT(*) FROM (SELECT entry_id FROM postings WHERE store_id = $1 "
                      "GROUP BY entry_id HAVING SUM(amount_minor) <> 0) x"));
    SD_TRY_VOID(count(tx, "orders without exactly one sale entry of their total",
                      "SELECT COUNT(*) FROM orders o LEFT JOIN (SELECT e.order_id, COUNT(*) AS n, "
                      "SUM(p.amount_minor) AS paid FROM journal_entries e JOIN postings p "
                      "ON p.entry_id = e.id AND p.account = 'buyer_payments' "
                      "WHERE e.store_id = $1 AND e.kind = 'sale' GROUP BY e.order_id) s "
                      "ON s.order_id = o.id WHERE o.store_id = $1 AND o.total_minor > 0 "
                      "AND (s.n IS NULL OR s.n <> 1 OR s.paid <> o.total_minor)"));
    SD_TRY_VOID(count(tx, "orders whose totals are not the sums of their lines",
                      "SELECT COUNT(*) FROM orders o JOIN (SELECT order_id, SUM(total_minor) AS t, "
                      "SUM(fee_minor) AS f FROM order_lines WHERE store_id = $1 GROUP BY order_id) l "
                      "ON l.order_id = o.id WHERE o.total_minor <> l.t OR o.fee_minor <> l.f"));
    // The read model: one sales row per order line, with its amounts.
    SD_TRY_VOID(count(tx, "order lines without a matching sales row",
                      "SELECT COUNT(*) FROM order_lines l LEFT JOIN sales s ON s.line_id = l.id "
                      "WHERE l.store_id = $1 AND (s.line_id IS NULL OR s.store_id <> l.store_id "
                      "OR s.order_id <> l.order_id OR s.total_minor <> l.total_minor "
                      "OR s.refunded_minor <> l.refunded_minor OR s.quantity <> l.quantity)"));
    SD_TRY_VOID(count(tx, "sales rows without an order line",
                      "SELECT COUNT(*) FROM sales s LEFT JOIN order_lines l ON l.id = s.line_id "
                      "WHERE s.store_id = $1 AND l.id IS NULL"));
    // Refunds: what each line got back is the sum of its refunds, never above what was paid;
    // the status says so; a fully refunded line lost its access and its key.
    SD_TRY_VOID(count(tx, "lines whose refunded amount is not the sum of their refunds",
                      "SELECT COUNT(*) FROM order_lines l LEFT JOIN (SELECT rl.order_line_id, "
                      "SUM(rl.amount_minor) AS a FROM refund_lines rl JOIN refunds r "
                      "ON r.id = rl.refund_id WHERE r.store_id = $1 GROUP BY rl.order_line_id) x "
                      "ON x.order_line_id = l.id WHERE l.store_id = $1 "
                      "AND COALESCE(x.a, 0) <> l.refunded_minor"));
    SD_TRY_VOID(count(tx, "lines refunded beyond what was paid",
                      "SELECT COUNT(*) FROM order_lines WHERE store_id = $1 "
                      "AND (refunded_minor < 0 OR refunded_minor > total_minor)"));
    SD_TRY_VOID(count(tx, "refunds not in the ledger as returned to the buyer",
                      "SELECT COUNT(*) FROM refunds r LEFT JOIN (SELECT e.order_id, "
                      "-SUM(p.amount_minor) AS back FROM journal_entries e JOIN postings p "
                      "ON p.entry_id = e.id AND p.account = 'refunds' WHERE e.store_id = $1 "
                      "AND e.kind = 'refund' GROUP BY e.order_id) x ON x.order_id = r.order_id "
                      "WHERE r.store_id = $1 AND (x.back IS NULL OR x.back < r.amount_minor)"));
    SD_TRY_VOID(count(tx, "sales rows whose status does not match their refunds",
                      "SELECT COUNT(*) FROM sales WHERE store_id = $1 AND ("
                      "(refunded_minor = 0 AND status <> 'complete') OR (refunded_minor > 0 AND "
                      "status NOT IN ('refunded', 'partially_refunded', 'refund_processing')) OR "
                      "(status = 'refunded' AND refunded_minor <> total_minor) OR "
                      "(status = 'partially_refunded' AND refunded_minor >= total_minor))"));
    SD_TRY_VOID(count(tx, "fully refunded lines with access or a key left",
                      "SELECT COUNT(*) FROM order_lines l WHERE l.store_id = $1 "
                      "AND l.refunded_minor = l.total_minor AND l.total_minor > 0 AND ("
                      "EXISTS (SELECT 1 FROM entitlements e WHERE e.order_line_id = l.id "
                      "AND e.revoked_at IS NULL) OR EXISTS (SELECT 1 FROM license_keys k "
                      "WHERE k.order_line_id = l.id AND k.disabled_at IS NULL))"));
    SD_TRY_VOID(count(tx, "order lines that granted nothing",
                      "SELECT COUNT(*) FROM order_lines l WHERE l.store_id = $1 AND NOT EXISTS "
                      "(SELECT 1 FROM entitlements e WHERE e.order_line_id = l.id)"));
    SD_TRY_VOID(count(tx, "buyers who are not customers of the store",
                      "SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
                      "WHERE o.store_id = $1 AND (c.id IS NULL OR c.store_id <> o.store_id "
                      "OR c.user_id <> o.buyer_user_id)"));

    // The rollup equals the rows grouped by day, and its months and all time the days summed.
    using Key = std::tuple<int64_t, std::string, std::string, std::string, std::string>;
    std::map<std::pair<char, Key>, std::pair<int64_t, int64_t>> want, have;
    SD_TRY_VOID(tx.each(
        "SELECT created_at / 86400000000, status, product_public_id, tier_name, country, "
        "COUNT(*), SUM(total_minor) FROM sales WHERE store_id = $1 "
        "GROUP BY created_at / 86400000000, status, product_public_id, tier_name, country",
        {store_id}, [&](const db::RowView& r) {
          const int64_t day = r.i64(0);
          const int64_t month =
              sales::bucket_start(day * kMicrosPerDay, sales::Interval::month) / kMicrosPerDay;
          for (const auto& [grain, period] :
               {std::pair<char, int64_t>{'d', day}, {'m', month}, {'a', 0}}) {
            auto& v = want[{grain, Key{period, std::string(r.text(1)), std::string(r.text(2)),
                                       std::string(r.text(3)), std::string(r.text(4))}}];
            v.first += r.i64(5);
            v.second += r.i64(6);
          }
          return true;
        }));
    SD_TRY_VOID(tx.each(
        "SELECT grain, period, status, product_public_id, tier_name, country, count, total_minor "
        "FROM sales_rollup WHERE store_id = $1 AND (count <> 0 OR total_minor <> 0)",
        {store_id}, [&](const db::RowView& r) {
          have[{r.text(0).empty() ? '?' : r.text(0)[0],
                Key{r.i64(1), std::string(r.text(2)), std::string(r.text(3)),
                    std::string(r.text(4)), std::string(r.text(5))}}] = {r.i64(6), r.i64(7)};
          return true;
        }));
    int64_t differ = 0;
    for (const auto& [k, v] : want) {
      auto it = have.find(k);
      if (it == have.end() || it->second != v) ++differ;
    }
    for (const auto& [k, v] : have)
      if (!want.contains(k)) ++differ;
    if (differ != 0)
      problems.push_back(store + std::to_string(differ) +
                         " rollup rows differ from the sales rows grouped by day, month and all time");

    // Search: the newest sale's customer by an accent-less fragment of the name, and by
    // their email.
    auto newest = SD_TRY(sales::list(tx, store_id, {}, sales::Sort::created_desc, 1, std::nullopt));
    if (newest.rows.empty()) return {};
    const auto& row = newest.rows.front();
    const std::string folded = sales::normalise(row.customer_name);
    const std::string last_name = folded.substr(folded.rfind(' ') + 1);
    sales::Filter by_name;
    by_name.query = last_name.substr(0, std::min<size_t>(last_name.size(), 5));
    auto found = SD_TRY(sales::list(tx, store_id, by_name, sales::Sort::created_desc, 50, std::nullopt));
    bool ok = !found.rows.empty() && found.rows.front().line_id == row.line_id;
    for (const auto& f : found.rows)
      ok = ok && sales::normalise(f.customer_name + " " + f.customer_email + " " + f.product_title +
                                  " " + f.order_public_id + " " + f.license_key)
                         .find(by_name.query) != std::string::npos;
    if (!ok)
      problems.push_back(store + "search for '" + by_name.query + "' did not find " +
                         row.customer_name + "'s newest sale first");
    sales::Filter by_email;
    by_email.query = sales::normalise(row.customer_email);
    found = SD_TRY(sales::list(tx, store_id, by_email, sales::Sort::created_desc, 50, std::nullopt));
    ok = !found.rows.empty();
    for (const auto& f : found.rows) ok = ok && f.customer_id == row.customer_id;
    if (!ok)
      problems.push_back(store + "search for '" + by_email.query + "' did not find only " +
                         row.customer_email);
    return {};
  }));
  return problems;
}

}  // namespace sd::flows
