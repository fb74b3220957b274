// The sales read model against a real (SQLite) database: the version behind cached answers,
// bounded search summaries, and the CSV writer's batches.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "modules/sales/sales.hpp"
#include "platform/db/migrations.hpp"

namespace sd::sales {
namespace {

class SalesStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sd-sales-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    db_ = std::move(*db::open_database("sqlite:" + (dir_ / "t.db").string()));
    ASSERT_TRUE(db::migrate(*db_));
    // Sales rows without the orders behind them: this test is about the read model only.
    ASSERT_TRUE(db_->exec_script("PRAGMA foreign_keys=OFF"));
    for (int64_t store : {1, 2}) {
      ASSERT_TRUE(db_->write<void>([&](db::Tx& tx) -> Result<void> {
        SD_TRY(tx.exec("INSERT INTO users (id, public_id, email, email_canonical, name, "
                       "password_hash, created_at) VALUES ($1, $2, $3, $3, 'U', 'x', 0)",
                       {store, "usr_" + std::to_string(store), "u" + std::to_string(store) + "@x"}));
        SD_TRY(tx.exec(
            "INSERT INTO stores (id, public_id, slug, name, owner_user_id, currency, "
            "support_email, locale, refund_policy, hold_period_days, refund_window_days, "
            "fee_percent_bp, fee_fixed_minor, created_at, updated_at) VALUES ($1, $2, $2, 'S', $1, "
            "'USD', 's@x', 'en', 'none', 7, 30, 500, 30, 0, 0)",
            {store, "st_" + std::to_string(store)}));
        return {};
      }));
    }
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  // `n` sales of `store` from line id `first`, a minute apart, named `name` + i.
  // (With `at` set, all at that time.)
  void sell(int64_t store, int64_t first, int n, const std::string& name, int64_t total = 1000,
            std::optional<Micros> at = std::nullopt) {
    ASSERT_TRUE(db_->write<void>([&](db::Tx& tx) -> Result<void> {
      for (int i = 0; i < n; ++i) {
        SaleRow s;
        s.line_id = first + i;
        s.store_id = store;
        s.order_id = first + i;
        s.order_public_id = "SD-" + std::to_string(100000 + first + i);
        s.line_public_id = "li_" + std::to_string(first + i);
        s.created_at = at ? *at : (first + i) * 60'000'000;
        s.product_public_id = "prd_1";
        s.product_title = "Watercolour Brushes";
        s.tier_name = "Personal";
        s.customer_name = name + " " + std::to_string(i);
        s.customer_email = "c" + std::to_string(first + i) + "@example.com";
        s.unit_price_minor = total;
        s.price_minor = total;
        s.total_minor = total + i;
        s.currency = "USD";
        s.country = "DE";
        SD_TRY_VOID(record(tx, s));
      }
      return {};
    }));
  }
  int64_t version(int64_t store) {
    return **db_->read<std::optional<int64_t>>(
        [&](db::Tx& tx) { return view_version(tx, store); });
  }
  Summary summary(int64_t store, const std::string& q, std::vector<std::string> statuses = {}) {
    Filter f;
    f.query = normalise(q);
    f.statuses = std::move(statuses);
    return *db_->read<Summary>([&](db::Tx& tx) { return summarise(tx, store, f); });
  }
  std::string csv(int64_t store, const Filter& f, Sort sort, int batch_rows) {
    CsvWriter w(*db_, store, f, sort, false, batch_rows);
    std::string doc, chunk;
    while (true) {
      auto more = w.next_chunk(chunk);
      EXPECT_TRUE(more.has_value());
      doc += chunk;
      if (!more || !*more) break;
    }
    return doc;
  }

  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

TEST_F(SalesStore, EveryChangeToAStoresSalesBumpsItsVersionOnly) {
  const int64_t a0 = version(1), b0 = version(2);
  sell(1, 1, 3, "Ana");
  const int64_t a1 = version(1);
  EXPECT_GT(a1, a0);
  EXPECT_EQ(version(2), b0) << "another store's sale leaves it alone";
  ASSERT_TRUE(db_->write<void>([](db::Tx& tx) { return set_status(tx, 2, "refund_processing", 500); }));
  const int64_t a2 = version(1);
  EXPECT_GT(a2, a1);
  ASSERT_TRUE(db_->write<void>([](db::Tx& tx) { return set_refund_request(tx, 3, Micros{99}); }));
  const int64_t a3 = version(1);
  EXPECT_GT(a3, a2);
  ASSERT_TRUE(db_->write<void>([](db::Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("UPDATE stores SET currency = 'EUR' WHERE id = 1"));
    return {};
  }));
  const int64_t a4 = version(1);
  EXPECT_GT(a4, a3) << "the summary shows the currency";
  ASSERT_TRUE(db_->write<void>([](db::Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("UPDATE stores SET name = 'Renamed' WHERE id = 1"));
    return {};
  }));
  EXPECT_EQ(version(1), a4) << "a change the Sales view does not show";
  EXPECT_EQ(version(2), b0);
  // A rolled-back change leaves the version as it was.
  auto failed = db_->write<void>([](db::Tx& tx) -> Result<void> {
    SD_TRY_VOID(set_status(tx, 1, "disputed"));
    return fail(ErrorKind::conflict, "nope", "rolled back");
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(version(1), a4);
}

TEST_F(SalesStore, SearchSummariesStopCountingAtTheBoundAndSaySo) {
  sell(1, 1, 1005, "Wanda Broad");
  sell(1, 2001, 7, "Zed Rare");
  sell(2, 3001, 20, "Zed Rare");  // another store's matches never count
  const auto rare = summary(1, "zed rare");
  EXPECT_TRUE(rare.exact);
  EXPECT_EQ(rare.count, 7);
  EXPECT_EQ(rare.total_minor, 7 * 1000 + (0 + 1 + 2 + 3 + 4 + 5 + 6));
  const auto broad = summary(1, "wanda");
  EXPECT_FALSE(broad.exact);
  EXPECT_EQ(broad.count, 1000);
  // The first 1,000 matches the index gives (oldest first): totals 1000 + i for i < 1000.
  EXPECT_EQ(broad.total_minor, 1000 * 1000 + 999 * 1000 / 2);
  // Under the bound, with a status filter: exact.
  ASSERT_TRUE(db_->write<void>([](db::Tx& tx) { return set_status(tx, 5, "refunded", 1004); }));
  const auto refunded = summary(1, "wanda", {"refunded"});
  EXPECT_TRUE(refunded.exact);
  EXPECT_EQ(refunded.count, 1);
  EXPECT_EQ(refunded.total_minor, 1004);
  // Two letters: the store's newest 10,000 sales are searched; this store has fewer, so exact.
  const auto two = summary(1, "ze");
  EXPECT_TRUE(two.exact);
  EXPECT_EQ(two.count, 7);
}

TEST_F(SalesStore, TwoLetterSummariesLookAtTheNewestTenThousandSales) {
  sell(1, 1, 10'050, "Old Yo", 100);
  const auto s = summary(1, "yo");
  EXPECT_FALSE(s.exact) << "10,050 sales: the oldest 50 were not searched";
  EXPECT_EQ(s.count, 1000);
  const auto none = summary(1, "qx");
  EXPECT_FALSE(none.exact);
  EXPECT_EQ(none.count, 0);
}

// Every page of a search, followed by its cursors, against the same search done by SQL alone:
// a fragment in more rows than the trigram plan takes at once, rows written out of date order,
// another store's matches interleaved, and a fragment rare here but common elsewhere.
TEST_F(SalesStore, SearchPagesOfACommonFragmentAreTheSearchInOrder) {
  sell(1, 1, 2600, "Wanda Broad");
  sell(2, 3001, 400, "Wanda Elsewhere");
  sell(1, 4001, 60, "Wanda Backdated", 700, 5'000'000);  // written late, dated first
  sell(1, 5001, 30, "Zed Rare");
  sell(2, 6001, 2100, "Zed Common");
  ASSERT_TRUE(db_->write<void>([](db::Tx& tx) { return set_status(tx, 7, "refunded", 1006); }));
  auto oracle = [&](const std::string& q, const std::string& status, bool desc) {
    std::vector<int64_t> ids;
    EXPECT_TRUE(db_->read_work([&](db::Tx& tx) -> Result<void> {
      const std::string sql =
          "SELECT line_id FROM sales WHERE store_id = 1 AND instr(search_text, $1) > 0" +
          std::string(status.empty() ? " AND $2 = ''" : " AND status = $2") +
          (desc ? " ORDER BY created_at DESC, line_id DESC" : " ORDER BY created_at, line_id");
      for (const auto& r : SD_TRY(tx.query(sql, {q, status}))) ids.push_back(r.i64(0));
      return {};
    }));
    return ids;
  };
  for (const std::string q : {"wanda", "zed", "broad", "wa"}) {
    for (const std::string status : {"", "complete"}) {
      for (const Sort sort : {Sort::created_desc, Sort::created_asc}) {
        Filter f;
        f.query = normalise(q);
        if (!status.empty()) f.statuses = {status};
        std::vector<int64_t> got;
        std::optional<Cursor> after;
        std::string plans;
        for (int guard = 0; guard < 200; ++guard) {
          auto page = *db_->read<Page>([&](db::Tx& tx) { return list(tx, 1, f, sort, 97, after); });
          for (const auto& r : page.rows) got.push_back(r.line_id);
          if (plans.find(page.plan) == std::string::npos) plans += std::string(page.plan) + " ";
          if (!page.has_more) break;
          after = page.next;
        }
        EXPECT_EQ(got, oracle(q, status, sort == Sort::created_desc))
            << q << " status=" << status << " plans: " << plans;
      }
    }
  }
}

TEST_F(SalesStore, CsvInBatchesIsTheSameDocumentAsInOne) {
  sell(1, 1, 40, "Cara, \"Quoted\"");
  sell(2, 101, 5, "Other");
  for (Sort sort : {Sort::created_desc, Sort::created_asc, Sort::total_desc, Sort::total_asc}) {
    Filter all;
    const std::string one = csv(1, all, sort, 1000);
    EXPECT_EQ(csv(1, all, sort, 7), one);
    EXPECT_EQ(csv(1, all, sort, 40), one) << "a last batch that is exactly full";
    EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 41);
    EXPECT_EQ(one.find("Other"), std::string::npos);
    Filter q;
    q.query = normalise("cara");
    EXPECT_EQ(csv(1, q, sort, 3), one) << "a search that matches every row";
  }
  // The rows, in order, as the list shows them.
  Filter all;
  std::string expected = csv_header();
  auto page = *db_->read<Page>(
      [&](db::Tx& tx) { return list(tx, 1, all, Sort::created_desc, 100, std::nullopt); });
  for (const auto& r : page.rows) append_csv_row(expected, r);
  EXPECT_EQ(csv(1, all, Sort::created_desc, 6), expected);
}

TEST_F(SalesStore, CsvRangesCutThroughTiesAndFiltersAndLoseNothing) {
  sell(1, 1, 30, "Tie A");                        // totals 1000..1029
  sell(1, 201, 30, "Tie B");                      // the same totals again
  sell(1, 401, 9, "Same Minute", 500, 777'000'000);  // one created_at for all nine
  sell(2, 601, 10, "Other");
  ASSERT_TRUE(db_->write<void>([](db::Tx& tx) { return set_status(tx, 5, "refunded", 1004); }));
  for (Sort sort : {Sort::created_desc, Sort::created_asc, Sort::total_desc, Sort::total_asc}) {
    Filter all;
    const std::string one = csv(1, all, sort, 1000);
    EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 70);
    for (int batch : {1, 2, 3, 7, 68, 69, 70}) {
      EXPECT_EQ(csv(1, all, sort, batch), one) << "batch " << batch;
    }
    Filter complete;
    complete.statuses = {"complete"};
    const std::string kept = csv(1, complete, sort, 1000);
    EXPECT_EQ(std::count(kept.begin(), kept.end(), '\n'), 69);
    for (int batch : {1, 4, 9}) EXPECT_EQ(csv(1, complete, sort, batch), kept) << "batch " << batch;
    Filter none;
    none.country = "ZZ";
    EXPECT_EQ(csv(1, none, sort, 2), csv_header());
  }
}

TEST_F(SalesStore, CsvWriterStoppedEarlyEndsItsThreads) {
  sell(1, 1, 50, "Early");
  for (int i = 0; i < 20; ++i) {
    CsvWriter w(*db_, 1, Filter{}, Sort::created_desc, false, 2);
    std::string chunk;
    ASSERT_TRUE(*w.next_chunk(chunk));
    // Destroyed with chunks still being made: the destructor waits for the threads.
  }
}

TEST_F(SalesStore, CsvLeavesOutSalesMadeAfterItStarted) {
  sell(1, 1, 10, "Early");
  CsvWriter w(*db_, 1, Filter{}, Sort::created_asc, false, 4);
  std::string doc, chunk;
  ASSERT_TRUE(*w.next_chunk(chunk));
  doc += chunk;
  sell(1, 500, 3, "Late");
  while (true) {
    auto more = w.next_chunk(chunk);
    ASSERT_TRUE(more.has_value());
    doc += chunk;
    if (!*more) break;
  }
  EXPECT_EQ(w.rows_written(), 10);
  EXPECT_EQ(doc.find("Late"), std::string::npos);
}

}  // namespace
}  // namespace sd::sales
