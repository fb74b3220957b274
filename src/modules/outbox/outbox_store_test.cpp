// The outbox store against a real database (SQLite, and PostgreSQL with SHOPDESK_TEST_PG_URL):
// a claim takes due emails once until its lease ends, a delivered batch is never due again,
// a failure is retried later or given up.
#include <gtest/gtest.h>

#include "modules/outbox/outbox.hpp"
#include "test_database.hpp"
#include "test_result.hpp"

namespace sd::outbox {
namespace {

using test::describe;
using test::must;

class OutboxStore : public ::testing::TestWithParam<bool /*postgres*/> {
 protected:
  void SetUp() override {
    db_ = tmp_.open_migrated(GetParam(), "outbox");
    if (!db_) GTEST_SKIP() << "SHOPDESK_TEST_PG_URL not set";
  }
  void TearDown() override { db_.reset(); }

  void enqueue_one(const std::string& to, Micros at) {
    OutgoingEmail e{"receipt", "Ana's Fonts", "Buyer", to, "help@ana.test", "Your receipt",
                    "Thank you", {{"X-Shopdesk-Order", "SD-TEST-0001"}}};
    must(db_->write<void>([&](db::Tx& tx) { return enqueue(tx, std::nullopt, e, at); }));
  }
  std::vector<Claimed> claim(Micros now, int limit) {
    return must(db_->write<std::vector<Claimed>>(
        [&](db::Tx& tx) { return claim_due(tx, now, limit, kLease); }));
  }
  std::vector<std::string> recipients(const std::vector<Claimed>& batch) {
    std::vector<std::string> out;
    for (const auto& c : batch) {
      const auto email = decode(c.message);
      out.push_back(email ? email->to_address : "(unreadable)");
    }
    return out;
  }
  int64_t attempts(int64_t id) {
    return must(db_->read<int64_t>([&](db::Tx& tx) -> Result<int64_t> {
      return SD_TRY(tx.query_one("SELECT attempts FROM outbox_emails WHERE id = $1", {id}))->i64(0);
    }));
  }

  static constexpr Micros kLease = 1000;
  test::TestDatabase tmp_;  // declared first: destroyed after db_
  std::unique_ptr<db::Database> db_;
};

TEST_P(OutboxStore, AClaimTakesDueEmailsOnceUntilItsLeaseEnds) {
  enqueue_one("a@x.test", 100);
  enqueue_one("b@x.test", 100);
  enqueue_one("c@x.test", 100);
  enqueue_one("later@x.test", 500);  // not due yet
  const auto first = claim(100, 2);
  EXPECT_EQ(recipients(first), (std::vector<std::string>{"a@x.test", "b@x.test"}));
  EXPECT_EQ(recipients(claim(101, 10)), (std::vector<std::string>{"c@x.test"}));
  EXPECT_TRUE(claim(102, 10).empty());
  // The first lease ends: unsent, those emails are due again (with the one now due).
  EXPECT_EQ(recipients(claim(100 + kLease, 10)),
            (std::vector<std::string>{"a@x.test", "b@x.test", "later@x.test"}));
}

TEST_P(OutboxStore, DeliveredEmailsAreNeverDueAgain) {
  for (const char* to : {"a@x.test", "b@x.test", "c@x.test"}) enqueue_one(to, 100);
  const auto batch = claim(100, 10);
  ASSERT_EQ(batch.size(), 3u);
  must(db_->write<void>([&](db::Tx& tx) {
    return mark_sent(tx, {batch[0].id, batch[2].id}, 110);
  }));
  EXPECT_EQ(attempts(batch[0].id), 1);
  EXPECT_EQ(attempts(batch[1].id), 0);
  EXPECT_EQ(attempts(batch[2].id), 1);
  EXPECT_EQ(recipients(claim(100 + kLease, 10)), (std::vector<std::string>{"b@x.test"}));
  must(db_->write<void>([&](db::Tx& tx) { return mark_sent(tx, {}, 120); }));  // nothing to do
}

TEST_P(OutboxStore, AFailureIsRetriedLaterAndAPermanentOneIsGivenUp) {
  enqueue_one("soft@x.test", 100);
  enqueue_one("hard@x.test", 100);
  const auto batch = claim(100, 10);
  ASSERT_EQ(batch.size(), 2u);
  must(db_->write<void>([&](db::Tx& tx) -> Result<void> {
    SD_TRY_VOID(mark_failed(tx, batch[0].id, batch[0].attempts, "timeout", false, 200));
    return mark_failed(tx, batch[1].id, batch[1].attempts, "bad address", true, 200);
  }));
  EXPECT_TRUE(claim(200 + retry_delay(1) - 1, 10).empty());
  EXPECT_EQ(recipients(claim(200 + retry_delay(1), 10)), (std::vector<std::string>{"soft@x.test"}));
  // After that lease, only the soft failure is due again; the permanent one never is.
  EXPECT_EQ(recipients(claim(1'000'000'000'000, 10)), (std::vector<std::string>{"soft@x.test"}));
  EXPECT_EQ(attempts(batch[1].id), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxStore, ::testing::Values(false, true),
                         [](const auto& test) { return test.param ? "postgres" : "sqlite"; });

}  // namespace
}  // namespace sd::outbox
