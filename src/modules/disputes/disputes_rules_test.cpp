#include <gtest/gtest.h>

#include "modules/disputes/disputes.hpp"

namespace sd::disputes {
namespace {

TEST(DisputeAmount, Table) {
  struct Case {
    int64_t paid, refunded, requested;
    int64_t want;          // when ok
    const char* code;      // when refused
  };
  const Case cases[] = {
      {1000, 0, 0, 1000, nullptr},     // default: the whole charge
      {1000, 300, 0, 700, nullptr},    // what was not refunded
      {1000, 300, 700, 700, nullptr},  // exactly what is left
      {1000, 300, 1, 1, nullptr},
      {1000, 300, 701, 0, "dispute_exceeds_charge"},
      {1000, 1000, 0, 0, "nothing_to_dispute"},
      {0, 0, 0, 0, "nothing_to_dispute"},
      {1000, 0, -5, 0, "out_of_range"},
  };
  for (const auto& c : cases) {
    const auto got = dispute_amount(c.paid, c.refunded, c.requested);
    if (c.code == nullptr) {
      ASSERT_TRUE(got.has_value()) << c.paid << " " << c.refunded << " " << c.requested;
      EXPECT_EQ(*got, c.want);
    } else {
      ASSERT_FALSE(got.has_value()) << c.paid << " " << c.refunded << " " << c.requested;
      EXPECT_EQ(got.error().code, c.code);
    }
  }
}

TEST(DisputeOutcome, OnlyWonOrLost) {
  EXPECT_EQ(*parse_outcome("won"), "won");
  EXPECT_EQ(*parse_outcome("lost"), "lost");
  for (const auto* bad : {"", "open", "WON", "warning_closed"}) {
    const auto r = parse_outcome(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, "invalid_outcome");
    EXPECT_EQ(r.error().param, "outcome");
  }
}

TEST(DisputeBlocksRefund, OpenAndLostOnly) {
  EXPECT_TRUE(blocks_refund("open"));
  EXPECT_TRUE(blocks_refund("lost"));
  EXPECT_FALSE(blocks_refund("won"));
}

}  // namespace
}  // namespace sd::disputes
