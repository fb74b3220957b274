#include <gtest/gtest.h>

#include <numeric>

#include "modules/ledger/ledger.hpp"

namespace sd::ledger {
namespace {

TEST(LedgerRules, PlatformFee) {
  struct Case { int64_t subtotal, bp, fixed, want; };
  const Case cases[] = {
      {1000, 500, 30, 80},    // 5% of 10.00 + 0.30
      {999, 500, 30, 80},     // 49.95 → 50, + 30
      {10, 500, 30, 10},      // capped at the subtotal
      {0, 500, 30, 0},        // free product owes nothing
      {1000, 0, 0, 0},
      {100000, 5000, 0, 50000},
  };
  for (const auto& c : cases)
    EXPECT_EQ(platform_fee(c.subtotal, c.bp, c.fixed), c.want) << c.subtotal << " " << c.bp;
}

TEST(LedgerRules, AllocateIsExactAndFair) {
  EXPECT_EQ(allocate(80, {1000, 1000}), (std::vector<int64_t>{40, 40}));
  EXPECT_EQ(allocate(81, {1000, 1000}), (std::vector<int64_t>{41, 40}));
  EXPECT_EQ(allocate(100, {1, 1, 1}), (std::vector<int64_t>{34, 33, 33}));
  EXPECT_EQ(allocate(7, {0, 0}), (std::vector<int64_t>{7, 0}));
  EXPECT_EQ(allocate(0, {5, 5}), (std::vector<int64_t>{0, 0}));
  const std::vector<int64_t> w{333, 1, 999, 12};
  const auto parts = allocate(1001, w);
  EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), int64_t{0}), 1001);
}

TEST(LedgerRules, SaleEntryBalancesAndHoldsCreatorFunds) {
  const auto e = sale_entry(1, 2, "EUR", 1000, 190, 80, 100, 500, "order");
  ASSERT_TRUE(check_balanced(e));
  ASSERT_EQ(e.postings.size(), 4u);
  EXPECT_EQ(e.postings[0].amount_minor, 1190);  // buyer paid
  EXPECT_EQ(e.postings[3].account, Account::creator);
  EXPECT_EQ(e.postings[3].amount_minor, -920);
  EXPECT_EQ(e.postings[3].available_at, 500);
  // A free product posts nothing.
  EXPECT_TRUE(sale_entry(1, 2, "EUR", 0, 0, 0, 100, 500, "free").postings.empty());
}

TEST(LedgerRules, UnbalancedEntriesAreRefused) {
  Entry e{1, "x", std::nullopt, "", "USD", 0, {{Account::creator, 5, 0}, {Account::payouts, -4, 0}}};
  EXPECT_EQ(check_balanced(e).error().code, "entry_unbalanced");
  e.postings = {{Account::creator, 0, 0}};
  EXPECT_EQ(check_balanced(e).error().code, "entry_unbalanced");
}

}  // namespace
}  // namespace sd::ledger

namespace sd::ledger {
namespace {

TEST(RefundEntry, BalancesAndDebitsTheCreatorAtOnce) {
  const auto e = refund_entry(1, 2, "EUR", 1190, 190, 80, 5000, "refund");
  EXPECT_TRUE(check_balanced(e).has_value());
  int64_t creator = 0, refunds = 0;
  for (const auto& p : e.postings) {
    if (p.account == Account::creator) {
      creator += p.amount_minor;
      EXPECT_EQ(p.available_at, 5000);
    }
    if (p.account == Account::refunds) refunds += p.amount_minor;
  }
  EXPECT_EQ(creator, 920);
  EXPECT_EQ(refunds, -1190);
  // A refund of tax only has no creator posting (no zero postings).
  EXPECT_TRUE(check_balanced(refund_entry(1, 2, "EUR", 10, 10, 0, 1, "t")).has_value());
}

TEST(CoveredAt, FirstReleaseThatCoversTheNeed) {
  const std::vector<Pending> pending{{300, 50}, {100, 20}, {200, 30}, {200, 5}};
  EXPECT_EQ(covered_at(10, pending, 30), std::optional<Micros>(100));
  EXPECT_EQ(covered_at(10, pending, 31), std::optional<Micros>(200));  // 10+20+35 = 65
  EXPECT_EQ(covered_at(10, pending, 65), std::optional<Micros>(200));
  EXPECT_EQ(covered_at(10, pending, 66), std::optional<Micros>(300));
  EXPECT_EQ(covered_at(10, pending, 116), std::nullopt);
  EXPECT_EQ(covered_at(0, {}, 1), std::nullopt);
}

TEST(DisputeEntry, DebitsTheCreatorAtOnceAndTheWinReversesIt) {
  const auto open = dispute_entry(1, 2, "USD", 1190, 500, "dispute");
  ASSERT_TRUE(check_balanced(open).has_value());
  EXPECT_EQ(open.kind, "dispute");
  int64_t creator = 0;
  for (const auto& p : open.postings) {
    if (p.account == Account::creator) {
      creator += p.amount_minor;
      EXPECT_EQ(p.available_at, 500);  // out of the available balance now, not pending
    }
  }
  EXPECT_EQ(creator, 1190);  // the whole disputed amount: tax and fee are not returned
  const auto won = dispute_won_entry(1, 2, "USD", 1190, 900, "won");
  ASSERT_TRUE(check_balanced(won).has_value());
  EXPECT_EQ(won.kind, "dispute_won");
  ASSERT_EQ(won.postings.size(), open.postings.size());
  for (size_t i = 0; i < won.postings.size(); ++i) {
    EXPECT_EQ(won.postings[i].account, open.postings[i].account);
    EXPECT_EQ(won.postings[i].amount_minor, -open.postings[i].amount_minor);
    EXPECT_EQ(won.postings[i].available_at, 900);
  }
}

}  // namespace
}  // namespace sd::ledger
