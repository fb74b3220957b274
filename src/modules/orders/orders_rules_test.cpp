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
    const auto id = new_order_public_id(1'700'000'000 * kMicrosPerSecond);
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_GT(seen.size(), 995u);  // 25 random bits within one second
}

TEST(OrdersRules, PublicIdsSortByTheSecondTheyWereMadeIn) {
  const Micros t = 1'700'000'000 * kMicrosPerSecond;
  // Later seconds sort later (within the 2^15 s cycle), whatever the random symbols.
  for (int i = 0; i < 100; ++i) {
    const auto a = new_order_public_id(t), b = new_order_public_id(t + kMicrosPerSecond);
    EXPECT_LT(a.substr(0, 6), b.substr(0, 6)) << a << " " << b;
    EXPECT_EQ(a.substr(0, 6), new_order_public_id(t + 999'999).substr(0, 6));
  }
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

namespace sd::orders {
namespace {

Order paid_order() {
  Order o;
  o.created_at = 1'000;
  o.available_at = 5'000;
  o.payment_brand = "visa";
  o.payment_last4 = "4242";
  return o;
}

std::vector<std::string> statuses(const std::vector<HistoryEvent>& h) {
  std::vector<std::string> out;
  for (const auto& e : h) out.push_back(e.status);
  return out;
}

TEST(OrdersRules, PaymentStatusFollowsWhatWasRefunded) {
  EXPECT_EQ(payment_status(1190, 0), "complete");
  EXPECT_EQ(payment_status(1190, 1), "partially_refunded");
  EXPECT_EQ(payment_status(1190, 1189), "partially_refunded");
  EXPECT_EQ(payment_status(1190, 1190), "refunded");
  EXPECT_EQ(payment_status(0, 0), "complete");  // a free order
}

TEST(OrdersRules, HistoryBeforeTheHoldEndsIsPaidOnly) {
  const auto h = status_history(paid_order(), 4'999, {});
  ASSERT_EQ(statuses(h), std::vector<std::string>{"paid"});
  EXPECT_EQ(h[0].at, 1'000);
  EXPECT_EQ(h[0].note, "Paid with visa ending 4242");
}

TEST(OrdersRules, HistoryShowsFundsAvailableOnceTheClockReachesIt) {
  const auto h = status_history(paid_order(), 5'000, {});
  EXPECT_EQ(statuses(h), (std::vector<std::string>{"paid", "funds_available"}));
  EXPECT_EQ(h[1].at, 5'000);
}

TEST(OrdersRules, HistoryPlacesRecordedEventsByTime) {
  const auto h = status_history(
      paid_order(), 9'000,
      {{"access_revoked", 6'000, "b"}, {"access_revoked", 2'000, "a"}, {"refund", 6'000, "c"}});
  EXPECT_EQ(statuses(h), (std::vector<std::string>{"paid", "access_revoked", "funds_available",
                                                   "access_revoked", "refund"}));
  EXPECT_EQ(h[1].note, "a");
  EXPECT_EQ(h[3].note, "b");  // same instant: recorded order kept
  EXPECT_EQ(h[4].note, "c");
}

}  // namespace
}  // namespace sd::orders
