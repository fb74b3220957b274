#include "flows/order_details.hpp"

#include <gtest/gtest.h>

namespace sd::flows {
namespace {

Transaction tx(const char* type, Micros at, const char* id) {
  return Transaction{type, id, id, at, "", 100, "USD", "complete"};
}

std::vector<std::string> ids(const std::vector<Transaction>& list) {
  std::vector<std::string> out;
  for (const auto& t : list) out.push_back(t.id);
  return out;
}

TEST(TransactionCursor, RoundTripsAndIsOpaque) {
  const TransactionCursor c{1'767'225'600'123'456, 1, "SD-AB12-CD34"};
  const auto text = encode_cursor(c);
  EXPECT_EQ(text.find("SD-"), std::string::npos);
  const auto back = decode_cursor(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->at, c.at);
  EXPECT_EQ(back->rank, c.rank);
  EXPECT_EQ(back->id, c.id);
}

TEST(TransactionCursor, RefusesWhatItDidNotWrite) {
  for (const std::string& bad : std::vector<std::string>{
           "", "abc", "zz", "31", encode_cursor({5, 0, ""}), "2e2e2e", "312e392e41",
           "2d312e302e41" /* "-1.0.A" */, "31322e302e" /* no id */}) {
    const auto r = decode_cursor(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_cursor");
    EXPECT_EQ(r.error().param, "cursor");
  }
}

TEST(TransactionCursor, ResumesEachKindAfterTheCursor) {
  const TransactionCursor on_purchase{100, transaction_rank("purchase"), "SD-B"};
  const TransactionCursor on_refund{100, transaction_rank("refund"), "rf_B"};
  // Same kind: strictly after the id at that instant.
  auto k = resume_after(on_purchase, transaction_rank("purchase"));
  EXPECT_EQ(k.at, 100);
  EXPECT_EQ(k.public_id, "SD-B");
  // Purchases at the refund's instant come after it: all of them remain.
  k = resume_after(on_refund, transaction_rank("purchase"));
  EXPECT_EQ(k.at, 100);
  EXPECT_FALSE(k.public_id);
  // Refunds at the purchase's instant came before it: none of them remain.
  k = resume_after(on_purchase, transaction_rank("refund"));
  EXPECT_EQ(k.at, 99);
  EXPECT_FALSE(k.public_id);
}

TEST(MergeNewestFirst, InterleavesByTimeThenKindAndKeepsSourceOrder) {
  std::vector<std::vector<Transaction>> sources = {
      {tx("purchase", 300, "SD-3"), tx("purchase", 200, "SD-2b"), tx("purchase", 200, "SD-2a"),
       tx("purchase", 100, "SD-1")},
      {tx("refund", 250, "rf_1"), tx("refund", 200, "rf_0")}};
  EXPECT_EQ(ids(merge_newest_first(sources, 10)),
            (std::vector<std::string>{"SD-3", "rf_1", "rf_0", "SD-2b", "SD-2a", "SD-1"}));
  EXPECT_EQ(ids(merge_newest_first(sources, 3)),
            (std::vector<std::string>{"SD-3", "rf_1", "rf_0"}));
  EXPECT_TRUE(merge_newest_first({}, 5).empty());
  EXPECT_TRUE(merge_newest_first({{}, {}}, 5).empty());
}

}  // namespace
}  // namespace sd::flows
