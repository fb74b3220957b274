#include <gtest/gtest.h>

#include "modules/refunds/refunds.hpp"

namespace sd::refunds {
namespace {

// A line of 1000 + 190 tax (19%), fee 80.
LineState line() { return LineState{1190, 190, 80, 0, 0, 0}; }

TEST(Prorate, FullLineReturnsEverythingExactly) {
  const auto p = prorate(line(), 1190);
  EXPECT_EQ(p.tax_minor, 190);
  EXPECT_EQ(p.fee_minor, 80);
  EXPECT_EQ(p.seller_share_minor, 920);
  EXPECT_TRUE(p.full_line);
}

TEST(Prorate, PartialIsHalfUpInProportion) {
  struct Case {
    int64_t amount, tax, fee;
  };
  // tax = half-up(amount × 190 / 1190); fee = half-up((amount − tax) × 80 / 1000).
  const Case cases[] = {
      {595, 95, 40},  // exactly half
      {1, 0, 0},      // 0.159… → 0
      {4, 1, 0},      // 0.638… → 1; fee 3 × 0.08 = 0.24 → 0
      {100, 16, 7},   // 15.96 → 16; 84 × 0.08 = 6.72 → 7
      {1189, 190, 80} // everything but a cent: clamped so tax and fee never exceed the line
  };
  for (const auto& c : cases) {
    const auto p = prorate(line(), c.amount);
    EXPECT_EQ(p.tax_minor, c.tax) << c.amount;
    EXPECT_EQ(p.fee_minor, c.fee) << c.amount;
    EXPECT_EQ(p.seller_share_minor, c.amount - c.tax - c.fee) << c.amount;
    EXPECT_FALSE(p.full_line);
  }
}

TEST(Prorate, RepeatedPartialsSumToTheLineExactlyAndNeverExceedIt) {
  for (int64_t step : {1, 3, 7, 100, 333, 599}) {
    LineState s = line();
    int64_t tax = 0, fee = 0;
    while (s.refunded_minor < s.total_minor) {
      const int64_t amount = std::min(step, s.total_minor - s.refunded_minor);
      const auto p = prorate(s, amount);
      ASSERT_GE(p.tax_minor, 0);
      ASSERT_GE(p.fee_minor, 0);
      ASSERT_GE(p.seller_share_minor, 0);
      s.refunded_minor += amount;
      s.refunded_tax_minor += p.tax_minor;
      s.refunded_fee_minor += p.fee_minor;
      tax += p.tax_minor;
      fee += p.fee_minor;
      ASSERT_LE(s.refunded_tax_minor, s.tax_minor) << step;
      ASSERT_LE(s.refunded_fee_minor, s.fee_minor) << step;
      // What is left of the line stays consistent: no more tax left than money left.
      ASSERT_LE(s.tax_minor - s.refunded_tax_minor, s.total_minor - s.refunded_minor) << step;
      EXPECT_EQ(p.full_line, s.refunded_minor == s.total_minor);
    }
    EXPECT_EQ(tax, 190) << step;
    EXPECT_EQ(fee, 80) << step;
  }
}

TEST(Prorate, TaxFreeAndFeeFreeLines) {
  const auto p = prorate(LineState{500, 0, 0, 0, 0, 0}, 200);
  EXPECT_EQ(p.tax_minor, 0);
  EXPECT_EQ(p.fee_minor, 0);
  EXPECT_EQ(p.seller_share_minor, 200);
}

TEST(Window, RefusedOneMinuteAfterAllowedOneMinuteBefore) {
  const Micros paid = 1'700'000'000LL * kMicrosPerSecond;
  const Micros minute = 60 * kMicrosPerSecond;
  const Micros end = paid + 90 * kMicrosPerDay;
  struct Case {
    Micros now;
    bool ok;
  };
  for (const auto& c : {Case{paid, true}, Case{end - minute, true}, Case{end, true},
                        Case{end + minute, false}, Case{end + 1, false}}) {
    const auto r = check_window(paid, 90, c.now);
    EXPECT_EQ(r.has_value(), c.ok) << (c.now - paid);
    if (!r) {
      EXPECT_EQ(r.error().code, "refund_window_expired");
    }
  }
  EXPECT_FALSE(check_window(paid, 0, paid + minute).has_value());
}

TEST(LineStatus, FromAmountsAndProcessing) {
  EXPECT_EQ(line_status(100, 0, false), "complete");
  EXPECT_EQ(line_status(100, 40, false), "partially_refunded");
  EXPECT_EQ(line_status(100, 100, false), "refunded");
  EXPECT_EQ(line_status(100, 100, true), "refund_processing");
  EXPECT_EQ(line_status(100, 40, true), "refund_processing");
}

}  // namespace
}  // namespace sd::refunds
