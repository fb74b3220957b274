// Checkout against a catalog that changes while the buyer pays (between the quote and the
// write): the store's catalog_version, and the re-verification inside the write transaction,
// on SQLite and (with SHOPDESK_TEST_PG_URL) PostgreSQL.
#include "flows/checkout.hpp"

#include <gtest/gtest.h>

#include "flows/demo_seed.hpp"
#include "test_database.hpp"
#include "test_result.hpp"

namespace sd::flows {
namespace {

using test::describe;
using test::must;

class SteppedClock final : public Clock {
 public:
  Micros now() const override { return now_; }
  Micros now_ = 1'798'761'599'000'000;  // 2026-12-31 23:59:59 UTC
};

// The test provider, with a hook that runs just before each charge: after the quote, before
// the write transaction, which is when a seller's change would race a buyer's payment.
class HookedProvider final : public payments::Provider {
 public:
  explicit HookedProvider(const Clock& clock) : inner_(payments::make_test_provider("k", clock)) {}
  Result<payments::PaymentMethod> describe(std::string_view token) override {
    return inner_->describe(token);
  }
  Result<payments::Charge> charge(const payments::ChargeRequest& r) override {
    if (before_charge) before_charge();
    return inner_->charge(r);
  }
  Result<payments::Refund> refund(const payments::RefundRequest& r) override {
    return inner_->refund(r);
  }
  payments::TestProviderControl& control() { return *payments::test_control(*inner_); }

  std::function<void()> before_charge;

 private:
  std::unique_ptr<payments::Provider> inner_;
};

// Germany's VAT as 19% until the end of 2026 and 20% from 2027 (the change a slow payment can
// straddle); every other place untaxed.
const tax::RateTable& rates() {
  static const auto table = must(tax::RateTable::parse_csv(
      "country,region,rate_percent,label,effective_from,effective_to\n"
      "DE,,19,VAT,2020-01-01,2027-01-01\n"
      "DE,,20,VAT,2027-01-01,\n"));
  return table;
}

class CheckoutRace : public ::testing::TestWithParam<bool /*postgres*/> {
 protected:
  void SetUp() override {
    db_ = tmp_.open_migrated(GetParam(), "checkout");
    if (!db_) GTEST_SKIP() << "SHOPDESK_TEST_PG_URL not set";
    DemoSeedOptions o;
    o.orders = 0;
    o.other_stores = 1;
    o.data_dir = tmp_.dir().string();
    const auto seeded = must(seed_demo(*db_, clock_, tax::RateTable::builtin(), o));
    store_id_ = seeded.store_ids.at(0);
    slug_ = seeded.store_slug;
    // A priced product that is not a bundle, and its first tier.
    const auto products = must(db_->read<std::vector<catalog::Product>>([&](db::Tx& tx) {
      return catalog::list_published_products(tx, store_id_, std::nullopt, 50);
    }));
    for (const auto& p : products) {
      if (p.bundle_product_ids.empty() && !p.tiers.empty() && p.tiers[0].price_minor > 0) {
        product_ = p.public_id;
        tier_ = p.tiers[0].public_id;
        price_ = p.tiers[0].price_minor;
        break;
      }
    }
    ASSERT_FALSE(product_.empty());
  }

  void TearDown() override { db_.reset(); }

  Result<CheckoutResult> buy(const std::string& key) {
    CheckoutDeps deps{*db_, clock_, provider_, rates(), "http://shop.test", nullptr, {}, {}};
    predicted_.reset();
    as_predicted_.reset();
    deps.on_predicted = [&](const CheckoutResult& r) { predicted_ = r; };
    deps.on_written = [&](db::Tx&, const CheckoutResult&, bool as_predicted) -> Result<void> {
      as_predicted_ = as_predicted;
      return {};
    };
    CheckoutInput in;
    in.store_slug = slug_;
    in.items = {{product_, tier_, 1}};
    in.email = "buyer-" + key + "@example.com";
    in.name = "Buyer " + key;
    in.country = "DE";
    in.payment_token = "test_card_4000002760000016";  // a German Visa
    in.consent_immediate_delivery = true;
    in.idempotency_key = key;
    return checkout(deps, in);
  }

  // Makes buy() buy tier `tier` of the demo product that issues license keys.
  void buy_keyed_product(size_t tier) {
    const auto products = must(db_->read<std::vector<catalog::Product>>([&](db::Tx& tx) {
      return catalog::list_published_products(tx, store_id_, std::nullopt, 50);
    }));
    for (const auto& p : products) {
      if (p.license_keys && p.bundle_product_ids.empty()) {
        product_ = p.public_id;
        tier_ = p.tiers.at(tier).public_id;
        return;
      }
    }
    FAIL() << "no product issues license keys";
  }

  int64_t version() {
    return must(db_->read<int64_t>(
        [&](db::Tx& tx) { return stores::catalog_version(tx, store_id_); }));
  }
  int64_t orders() {
    return must(db_->read<int64_t>([&](db::Tx& tx) -> Result<int64_t> {
      auto row = SD_TRY(tx.query_one("SELECT COUNT(*) FROM orders WHERE store_id = $1",
                                     {store_id_}));
      return row->i64(0);
    }));
  }
  void sql(const std::string& statement, db::Params params) {
    must(db_->write<bool>([&](db::Tx& tx) -> Result<bool> {
      SD_TRY(tx.exec(statement, std::move(params)));
      return true;
    }));
  }
  void expect_refused_and_refunded(const Result<CheckoutResult>& r, const std::string& code) {
    ASSERT_FALSE(r) << "the order was written";
    EXPECT_EQ(r.error().code, code) << describe(r.error());
    EXPECT_EQ(orders(), 0);
    EXPECT_EQ(provider_.control().charges_total(), 1);
    EXPECT_EQ(provider_.control().refunds_total(), 1) << "the charge was not given back";
  }

  test::TestDatabase tmp_;  // declared first: destroyed after db_
  std::unique_ptr<db::Database> db_;
  std::optional<CheckoutResult> predicted_;  // what the last buy() expected to write
  std::optional<bool> as_predicted_;         // and whether it wrote that
  SteppedClock clock_;
  HookedProvider provider_{clock_};
  int64_t store_id_ = 0;
  std::string slug_, product_, tier_;
  int64_t price_ = 0;
};

TEST_P(CheckoutRace, AnUnchangedCatalogSellsAtTheQuote) {
  const auto before = version();
  const auto r = buy("plain");
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_EQ(r->order.subtotal_minor, price_);
  EXPECT_EQ(r->order.tax_minor, (price_ * 19 + 50) / 100);
  EXPECT_EQ(orders(), 1);
  EXPECT_EQ(provider_.control().refunds_total(), 0);
  EXPECT_EQ(version(), before) << "an order must not change the catalog's version";
}

TEST_P(CheckoutRace, ATierRepricedWhileThePaymentRunsIsRefusedAndRefunded) {
  provider_.before_charge = [&] {
    sql("UPDATE product_tiers SET price_minor = price_minor + 100 WHERE public_id = $1", {tier_});
  };
  expect_refused_and_refunded(buy("repriced"), "catalog_changed");
}

TEST_P(CheckoutRace, AProductUnpublishedWhileThePaymentRunsIsRefusedAndRefunded) {
  provider_.before_charge = [&] {
    must(db_->write<catalog::Product>([&](db::Tx& tx) {
      return catalog::unpublish_product(tx, store_id_, product_, clock_.now());
    }));
  };
  expect_refused_and_refunded(buy("unpublished"), "product_unavailable");
}

TEST_P(CheckoutRace, AFeeChangedWhileThePaymentRunsIsRefusedAndRefunded) {
  provider_.before_charge = [&] {
    stores::StoreChanges c;
    c.fee_percent_bp = 1000;
    must(db_->write<stores::Store>(
        [&](db::Tx& tx) { return stores::update_store(tx, store_id_, c, clock_.now()); }));
  };
  expect_refused_and_refunded(buy("fee"), "catalog_changed");
}

TEST_P(CheckoutRace, ATaxRateThatChangesWhileThePaymentRunsIsRefusedAndRefunded) {
  // The catalog is untouched, so the write prices the quote again without reading it: at the
  // rate in force when it writes (2027: 20%), not the quote's (19%).
  provider_.before_charge = [&] { clock_.now_ += 2'000'000; };
  expect_refused_and_refunded(buy("new-year"), "catalog_changed");
}

TEST_P(CheckoutRace, AnEditThatKeepsThePriceStillSells) {
  provider_.before_charge = [&] {
    sql("UPDATE products SET description = 'Now with more fonts' WHERE public_id = $1", {product_});
  };
  const auto r = buy("edited");
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_EQ(r->order.subtotal_minor, price_);
  EXPECT_EQ(orders(), 1);
  EXPECT_EQ(provider_.control().refunds_total(), 0);
}

TEST_P(CheckoutRace, TheCatalogVersionMovesWithWhatACheckoutPrices) {
  auto bumped = [&](const std::string& statement, db::Params params) {
    const auto before = version();
    sql(statement, std::move(params));
    return version() > before;
  };
  EXPECT_TRUE(bumped("UPDATE product_tiers SET price_minor = price_minor WHERE public_id = $1",
                     {tier_}));
  EXPECT_TRUE(bumped("UPDATE products SET status = 'published' WHERE public_id = $1", {product_}));
  EXPECT_TRUE(bumped("DELETE FROM bundle_items WHERE store_id = $1", {store_id_}));
  EXPECT_TRUE(bumped("UPDATE stores SET fee_fixed_minor = fee_fixed_minor + 1 WHERE id = $1",
                     {store_id_}));
  EXPECT_TRUE(bumped("UPDATE stores SET hold_period_days = 3 WHERE id = $1", {store_id_}));
  EXPECT_TRUE(bumped("UPDATE stores SET currency = CASE currency WHEN 'EUR' THEN 'USD' ELSE 'EUR' "
                     "END WHERE id = $1",
                     {store_id_}));
  // What a checkout does not price leaves it alone.
  EXPECT_FALSE(bumped("UPDATE stores SET name = 'Renamed' WHERE id = $1", {store_id_}));
  EXPECT_FALSE(bumped("UPDATE stores SET fee_percent_bp = fee_percent_bp WHERE id = $1",
                      {store_id_}));
  EXPECT_FALSE(bumped("UPDATE support_materials SET title = 'New title' WHERE store_id = $1",
                      {store_id_}));
  // Another store's catalog is another version.
  ASSERT_GT(must(db_->read<int64_t>([&](db::Tx& tx) -> Result<int64_t> {
              auto row = SD_TRY(tx.query_one("SELECT COUNT(*) FROM stores WHERE id <> $1",
                                             {store_id_}));
              return row->i64(0);
            })),
            0);
  const auto other = must(db_->read<int64_t>([&](db::Tx& tx) -> Result<int64_t> {
    auto row = SD_TRY(tx.query_one(
        "SELECT COALESCE(SUM(catalog_version), 0) FROM stores WHERE id <> $1", {store_id_}));
    return row->i64(0);
  }));
  sql("UPDATE product_tiers SET price_minor = price_minor WHERE store_id = $1", {store_id_});
  const auto other_after = must(db_->read<int64_t>([&](db::Tx& tx) -> Result<int64_t> {
    auto row = SD_TRY(tx.query_one(
        "SELECT COALESCE(SUM(catalog_version), 0) FROM stores WHERE id <> $1", {store_id_}));
    return row->i64(0);
  }));
  EXPECT_EQ(other_after, other);
}

// The receipt is rendered when the mail job sends it, from the order the outbox row names:
// order id, the tier's terms, the license key, totals, the library link, the product's support
// material and the store's support email. Another store's id does not reach this order.
TEST_P(CheckoutRace, TheReceiptIsRenderedFromTheOrderItNames) {
  buy_keyed_product(1);
  const auto r = buy("receipt");
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_FALSE(r->license_keys.at(0).empty());
  const auto message = must(db_->read<std::string>([&](db::Tx& tx) -> Result<std::string> {
    auto row = SD_TRY(tx.query_one("SELECT message FROM outbox_emails WHERE store_id = $1 AND "
                                   "kind = 'receipt'", {store_id_}));
    return std::string(row->text(0));
  }));
  EXPECT_LT(message.size(), 100u) << "the outbox row holds a reference, not the email";
  const auto ref = outbox::decode_reference(message);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->id, r->order.id);

  const auto email = must(db_->read<std::optional<outbox::OutgoingEmail>>(
      [&](db::Tx& tx) { return receipt_email(tx, *ref, "http://shop.test"); }));
  ASSERT_TRUE(email);
  const auto& l = r->order.lines.at(0);
  EXPECT_EQ(email->kind, "receipt");
  EXPECT_EQ(email->to_address, r->order.email);
  EXPECT_EQ(email->reply_to, r->support_email);
  EXPECT_NE(email->subject.find(r->order.public_id), std::string::npos) << email->subject;
  for (const std::string& part :
       {r->order.public_id, l.product_title + " (" + l.tier_name + ")", "License terms: " + l.terms,
        "License key: " + r->license_keys[0], std::string("Total paid: "),
        std::string("http://shop.test/library"), std::string("Installing fonts on Mac and Windows"),
        std::string("Which license do I need?"), "Write to " + r->support_email}) {
    EXPECT_NE(email->text_body.find(part), std::string::npos) << part << "\n" << email->text_body;
  }

  auto elsewhere = *ref;
  elsewhere.store_id = must(db_->read<int64_t>([&](db::Tx& tx) -> Result<int64_t> {
    auto row = SD_TRY(tx.query_one("SELECT MIN(id) FROM stores WHERE id <> $1", {store_id_}));
    return row->i64(0);
  }));
  const auto other = db_->read<std::optional<outbox::OutgoingEmail>>(
      [&](db::Tx& tx) { return receipt_email(tx, elsewhere, "http://shop.test"); });
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::not_found);
  auto unknown = *ref;
  unknown.kind = "newsletter";
  EXPECT_FALSE(must(db_->read<std::optional<outbox::OutgoingEmail>>(
      [&](db::Tx& tx) { return receipt_email(tx, unknown, "http://shop.test"); })));
}

// The result a checkout expects to write is known before the write (the API makes its answer
// from it there): for a new buyer, the same order and line ids, key, time, totals and session
// as the written one; when the buyer's account appears while the payment runs, the write says
// it is not the predicted one (no session is started for an existing account).
TEST_P(CheckoutRace, TheWrittenOrderIsTheOnePredictedUnlessTheBuyerChanged) {
  buy_keyed_product(0);
  const auto r = buy("predicted");
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_TRUE(predicted_ && as_predicted_);
  EXPECT_TRUE(*as_predicted_);
  const auto& p = *predicted_;
  EXPECT_EQ(p.order.public_id, r->order.public_id);
  EXPECT_EQ(p.order.created_at, r->order.created_at);
  EXPECT_EQ(p.order.total_minor, r->order.total_minor);
  EXPECT_EQ(p.order.tax_minor, r->order.tax_minor);
  EXPECT_EQ(p.order.consent_at, r->order.consent_at);
  ASSERT_EQ(p.order.lines.size(), r->order.lines.size());
  EXPECT_EQ(p.order.lines[0].public_id, r->order.lines[0].public_id);
  EXPECT_EQ(p.order.lines[0].total_minor, r->order.lines[0].total_minor);
  EXPECT_FALSE(r->license_keys.at(0).empty());
  EXPECT_EQ(p.license_keys, r->license_keys);
  ASSERT_TRUE(p.session && r->session);
  EXPECT_EQ(p.session->cookie_token, r->session->cookie_token);
  EXPECT_EQ(p.session->csrf_token, r->session->csrf_token);

  // The same buyer's account is created while this payment runs: the quote saw none.
  provider_.before_charge = [&] {
    must(db_->write<accounts::User>([&](db::Tx& tx) {
      bool created = false;
      return accounts::find_or_create_buyer(tx, "buyer-raced@example.com", "Raced", clock_.now(),
                                            &created);
    }));
  };
  const auto raced = buy("raced");
  ASSERT_TRUE(raced) << describe(raced.error());
  ASSERT_TRUE(predicted_ && as_predicted_);
  EXPECT_TRUE(predicted_->session.has_value());
  EXPECT_FALSE(raced->session.has_value()) << "no session is started for an existing account";
  EXPECT_FALSE(*as_predicted_);
}

INSTANTIATE_TEST_SUITE_P(Backends, CheckoutRace, ::testing::Values(false, true),
                         [](const auto& test) { return test.param ? "postgres" : "sqlite"; });

}  // namespace
}  // namespace sd::flows
