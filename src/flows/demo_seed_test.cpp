// seed-demo's data against what the real code keeps, on SQLite and (with SHOPDESK_TEST_PG_URL)
// PostgreSQL, in both of its modes (row by row checks of the kept balance; bulk with deferred
// indexes): an independent audit in SQL here, check_demo_store's own, and a corruption each
// audit must catch.
#include "flows/demo_seed.hpp"

#include <gtest/gtest.h>

#include <set>

#include "modules/sales/sales.hpp"
#include "platform/db/migrations.hpp"
#include "test_database.hpp"
#include "test_result.hpp"

namespace sd::flows {
namespace {

using test::describe;
using test::must;

enum class Backend { sqlite, postgres };
struct Param {
  Backend backend;
  bool bulk;
};

class FixedClock final : public Clock {
 public:
  Micros now() const override { return 1'790'000'000'000'000; }  // 2026-09-21
};

class DemoSeed : public ::testing::TestWithParam<Param> {
 protected:
  static constexpr int64_t kOrders = 3000;

  void SetUp() override {
    const auto opened = tmp_.url(GetParam().backend == Backend::postgres, "demo-seed");
    if (!opened) GTEST_SKIP() << "SHOPDESK_TEST_PG_URL not set";
    const std::string url = *opened;
    db_ = must(db::open_database(url));
    must(db::migrate(*db_));
    if (GetParam().bulk) {  // as `shopdesk seed-demo` loads a big data set
      db_.reset();
      db_ = must(db::open_database(url, {.bulk_load = true}));
    }
    DemoSeedOptions o;
    o.orders = kOrders;
    o.other_stores = 2;
    o.seed = 7;
    o.data_dir = tmp_.dir().string();
    o.bulk = GetParam().bulk;
    seeded_ = must(seed_demo(*db_, clock_, tax::RateTable::builtin(), o));
    if (GetParam().bulk) {
      db_.reset();
      db_ = must(db::open_database(url));
    }
  }

  void TearDown() override { db_.reset(); }

  int64_t scalar(const std::string& sql, int64_t store_id) {
    return must(db_->read<int64_t>([&](db::Tx& tx) -> Result<int64_t> {
      return SD_TRY(tx.query_one(sql, {store_id}))->i64(0);
    }));
  }
  void exec(const std::string& sql) {
    must(db_->write<void>([&](db::Tx& tx) -> Result<void> {
      SD_TRY(tx.exec(sql));
      return {};
    }));
  }

  FixedClock clock_;
  test::TestDatabase tmp_;  // declared before db_: destroyed after it
  std::unique_ptr<db::Database> db_;
  DemoSeedResult seeded_;
};

INSTANTIATE_TEST_SUITE_P(Modes, DemoSeed,
                         ::testing::Values(Param{Backend::sqlite, false}, Param{Backend::sqlite, true},
                                           Param{Backend::postgres, false},
                                           Param{Backend::postgres, true}),
                         [](const auto& test) {
                           return std::string(test.param.backend == Backend::sqlite ? "sqlite"
                                                                                    : "postgres") +
                                  (test.param.bulk ? "_bulk" : "_rows");
                         });

TEST_P(DemoSeed, BuildsTheBenchmarkShapeConsistentlyInEveryStore) {
  ASSERT_TRUE(seeded_.created);
  EXPECT_EQ(seeded_.products, 20);
  ASSERT_EQ(seeded_.store_ids.size(), 3u);
  EXPECT_EQ(seeded_.orders_total, kOrders + 2 * (kOrders / 20));
  const int64_t demo = seeded_.store_ids[0];
  const Micros now = clock_.now();
  for (const int64_t store : seeded_.store_ids) {
    SCOPED_TRACE("store " + std::to_string(store));
    EXPECT_TRUE(must(check_demo_store(*db_, store)).empty());
    // Ledger: every entry balanced, and the sales in it are what buyers paid.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM (SELECT entry_id FROM postings WHERE store_id = $1 "
                     "GROUP BY entry_id HAVING SUM(amount_minor) <> 0) x", store), 0);
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(p.amount_minor), 0) FROM postings p JOIN journal_entries e "
                     "ON e.id = p.entry_id WHERE p.store_id = $1 AND e.kind = 'sale' "
                     "AND p.account = 'buyer_payments'", store),
              scalar("SELECT SUM(total_minor) FROM orders WHERE store_id = $1", store));
    // One sales row per order line, with the line's amounts.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM sales WHERE store_id = $1", store),
              scalar("SELECT COUNT(*) FROM order_lines WHERE store_id = $1", store));
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM sales s JOIN order_lines l ON l.id = s.line_id "
                     "WHERE s.store_id = $1 AND s.total_minor = l.total_minor "
                     "AND s.refunded_minor = l.refunded_minor", store),
              scalar("SELECT COUNT(*) FROM sales WHERE store_id = $1", store));
    // The all-time rollup is the rows grouped (check_demo_store compares days and months too).
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(count), 0) FROM sales_rollup WHERE store_id = $1 "
                     "AND grain = 'a'", store),
              scalar("SELECT COUNT(*) FROM sales WHERE store_id = $1", store));
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(total_minor), 0) FROM sales_rollup WHERE store_id = $1 "
                     "AND grain = 'a' AND status = 'refunded'", store),
              scalar("SELECT COALESCE(SUM(total_minor), 0) FROM sales WHERE store_id = $1 "
                     "AND status = 'refunded'", store));
    // Refunded never above what was paid, and each line's refunds sum to its refunded amount.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM order_lines WHERE store_id = $1 "
                     "AND refunded_minor > total_minor", store), 0);
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE store_id = $1", store),
              scalar("SELECT COALESCE(SUM(refunded_minor), 0) FROM order_lines WHERE store_id = $1",
                     store));
    // Over the past year, in several tax jurisdictions, from buyers of this store only.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders WHERE store_id = $1 AND (created_at > " +
                         std::to_string(now) + " OR created_at < " +
                         std::to_string(now - 365 * kMicrosPerDay) + ")", store), 0);
    EXPECT_GE(scalar("SELECT COUNT(DISTINCT tax_country) FROM orders WHERE store_id = $1", store), 5);
    EXPECT_GE(scalar("SELECT COUNT(DISTINCT tax_rate_ppm) FROM orders WHERE store_id = $1", store), 5);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
                     "WHERE o.store_id = $1 AND c.store_id <> o.store_id", store), 0);
  }
  // The demo store: about 3% refunded, some in part, some still processing; 20 products with
  // tiers and 2 bundles; buyers with accents and mixed-case emails.
  const int64_t refunds = scalar("SELECT COUNT(*) FROM refunds WHERE store_id = $1", demo);
  EXPECT_GE(refunds, kOrders * 2 / 100);
  EXPECT_LE(refunds, kOrders * 4 / 100);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM sales WHERE store_id = $1 AND status = 'partially_refunded'",
                   demo), 0);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM sales WHERE store_id = $1 AND status = 'refunded'", demo), 0);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM refunds WHERE store_id = $1 AND status = 'processing'", demo), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM products WHERE store_id = $1", demo), 20);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT bundle_product_id) FROM bundle_items WHERE store_id = $1",
                   demo), 2);
  EXPECT_GE(scalar("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM product_tiers WHERE store_id = $1 "
                   "GROUP BY product_id) x", demo), 3);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM entitlements e JOIN order_lines l ON l.id = e.order_line_id "
                   "WHERE e.store_id = $1 AND e.product_id <> l.product_id", demo), 0);  // bundles
  EXPECT_GT(scalar("SELECT COUNT(*) FROM license_keys WHERE store_id = $1", demo), 0);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM customers WHERE store_id = $1 AND name LIKE '%ñ%'", demo), 0);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM customers WHERE store_id = $1 AND email <> lower(email)",
                   demo), 0);
  EXPECT_GE(scalar("SELECT COUNT(DISTINCT payment_fingerprint) FROM orders WHERE store_id = $1", demo),
            5);
}

TEST_P(DemoSeed, SearchFindsAGeneratedCustomerByAnAccentlessFragment) {
  const int64_t demo = seeded_.store_ids[0];
  auto page = must(db_->read<sales::Page>([&](db::Tx& tx) {
    sales::Filter f;
    f.query = sales::normalise("nunez");
    return sales::list(tx, demo, f, sales::Sort::created_desc, 50, std::nullopt);
  }));
  ASSERT_FALSE(page.rows.empty());
  for (const auto& r : page.rows) {
    EXPECT_NE(r.customer_name.find("Núñez"), std::string::npos) << r.customer_name;
    EXPECT_EQ(r.store_id, demo);
  }
}

TEST_P(DemoSeed, TheAuditsCatchABrokenRollupLedgerAndSalesRow) {
  const int64_t demo = seeded_.store_ids[0];
  ASSERT_TRUE(must(check_demo_store(*db_, demo)).empty());
  // A sales row whose total no longer matches its line (and so its rollup).
  exec("UPDATE sales SET total_minor = total_minor + 1 WHERE line_id = (SELECT MIN(line_id) "
       "FROM sales WHERE store_id = " + std::to_string(demo) + ")");
  auto problems = must(check_demo_store(*db_, demo));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("without a matching sales row"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("rollup"), std::string::npos) << problems[1];
  // An unbalanced entry (postings are append-only: a new one). PostgreSQL refuses it itself.
  const std::string unbalance =
      "INSERT INTO postings (entry_id, store_id, account, currency, amount_minor, available_at, "
      "created_at) SELECT MIN(id), store_id, 'creator', 'USD', -1, 0, 0 FROM journal_entries "
      "WHERE store_id = " + std::to_string(demo) + " GROUP BY store_id";
  if (GetParam().backend == Backend::postgres) {
    EXPECT_THROW(exec(unbalance), std::runtime_error);
  } else {
    exec(unbalance);
    problems = must(check_demo_store(*db_, demo));
    EXPECT_NE(problems[0].find("unbalanced journal entries"), std::string::npos) << problems[0];
  }
  // Another store is untouched.
  EXPECT_TRUE(must(check_demo_store(*db_, seeded_.store_ids[1])).empty());
}

TEST_P(DemoSeed, SeedingAgainLeavesTheStoreAsItIs) {
  DemoSeedOptions o;
  o.orders = 10;
  o.data_dir = tmp_.dir().string();
  const auto again = must(seed_demo(*db_, clock_, tax::RateTable::builtin(), o));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders WHERE store_id = $1", seeded_.store_ids[0]), kOrders);
}

}  // namespace
}  // namespace sd::flows
