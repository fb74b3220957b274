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
