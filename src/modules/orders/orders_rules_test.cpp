#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "modules/orders/orders.hpp"

namespace sd::orders {
namespace {

TEST(OrdersRules, PublicIdsAreShortReadableAndVaried) {
  const std::regex shape("SD-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = new_order_public_id();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_GT(seen.size(), 995u);
}

Line line(int64_t subtotal, int64_t tax, int64_t fee) {
  Line l;
  l.subtotal_minor = subtotal;
  l.tax_minor = tax;
  l.total_minor = subtotal + tax;
  l.fee_minor = fee;
  return l;
}

TEST(OrdersRules, TotalUpSumsLinesExactly) {
  Order o;
  o.lines.push_back(line(1000, 190, 40));
  o.lines.push_back(line(2500, 475, 40));
  ASSERT_TRUE(total_up(o));
  EXPECT_EQ(o.subtotal_minor, 3500);
  EXPECT_EQ(o.tax_minor, 665);
  EXPECT_EQ(o.total_minor, 4165);
  EXPECT_EQ(o.fee_minor, 80);
  EXPECT_EQ(o.net_minor, 3420);
}

TEST(OrdersRules, TotalUpRefusesOverflow) {
  Order o;
  o.lines.push_back(line(INT64_MAX, 0, 0));
  o.lines.push_back(line(1, 0, 0));
  EXPECT_EQ(total_up(o).error().code, "amount_overflow");
}

}  // namespace
}  // namespace sd::orders
