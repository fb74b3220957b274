// The idempotency store against a real (SQLite) database: claim, replay, mismatch, release and
// purge after the retention period.
#include <gtest/gtest.h>

#include <filesystem>

#include "modules/idempotency/idempotency.hpp"
#include "platform/db/migrations.hpp"

namespace sd::idempotency {
namespace {

class IdempotencyStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sd-idem-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    db_ = std::move(*db::open_database("sqlite:" + (dir_ / "t.db").string()));
    ASSERT_TRUE(db::migrate(*db_));
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  Claim claim_at(std::string_view key, std::string_view fp, Micros now) {
    return *db_->write<Claim>([&](db::Tx& tx) { return claim(tx, "user:u1", key, fp, now, 1000); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

TEST_F(IdempotencyStore, ClaimThenReplayThenMismatch) {
  EXPECT_EQ(claim_at("k", "fp1", 100).kind, ClaimKind::claimed);
  EXPECT_EQ(claim_at("k", "fp1", 101).kind, ClaimKind::in_progress);
  StoredResponse r{201, {{"content-type", "application/json"}}, R"({"receipt":"plain-answer-body"})"};
  ASSERT_TRUE(db_->write<void>([&](db::Tx& tx) { return complete(tx, "user:u1", "k", r, 102); }));
  auto replay = claim_at("k", "fp1", 103);
  ASSERT_EQ(replay.kind, ClaimKind::replay);
  EXPECT_EQ(replay.response->body, r.body);
  EXPECT_EQ(claim_at("k", "fp2", 104).kind, ClaimKind::mismatch);
  // The stored answer is sealed: the table holds no readable body. (The marker is long enough
  // that random base64 ciphertext cannot contain it by chance; a two-letter one did, ~3% of runs.)
  auto raw = db_->read<std::string>([](db::Tx& tx) -> Result<std::string> {
    return SD_TRY(tx.query_one("SELECT response FROM idempotency_keys"))->text(0);
  });
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find("plain-answer-body"), std::string::npos) << *raw;
  EXPECT_EQ(raw->find("receipt"), std::string::npos) << *raw;
}

TEST_F(IdempotencyStore, ReleaseLetsARetryRunAgain) {
  EXPECT_EQ(claim_at("k", "fp", 100).kind, ClaimKind::claimed);
  ASSERT_TRUE(db_->write<void>([](db::Tx& tx) { return release(tx, "user:u1", "k"); }));
  EXPECT_EQ(claim_at("k", "fp", 101).kind, ClaimKind::claimed);
}

TEST_F(IdempotencyStore, PurgeDeletesOnlyRecordsOlderThanTheCutoff) {
  EXPECT_EQ(claim_at("old", "fp", 100).kind, ClaimKind::claimed);
  EXPECT_EQ(claim_at("new", "fp", 200).kind, ClaimKind::claimed);
  auto purged = db_->write<int64_t>([](db::Tx& tx) { return purge(tx, 150); });
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(claim_at("old", "fp", 300).kind, ClaimKind::claimed);  // forgotten: runs again
  EXPECT_EQ(claim_at("new", "fp", 201).kind, ClaimKind::in_progress);
}

// Inline recording (a route that writes its answer in its own transaction): lookup only reads;
// the first record wins; a twin of the same request gets the stored answer; another request
// under the key is refused; a key claimed the classic way is "in progress" to a record.
TEST_F(IdempotencyStore, InlineLookupAndRecord) {
  auto look = [&](std::string_view key, std::string_view fp) {
    return *db_->read<Claim>([&](db::Tx& tx) { return lookup(tx, "user:u1", key, fp); });
  };
  auto rec = [&](std::string_view key, std::string_view fp, const StoredResponse& r) {
    return db_->write<std::optional<StoredResponse>>(
        [&](db::Tx& tx) { return record(tx, "user:u1", key, fp, r, 100); });
  };
  EXPECT_EQ(look("k", "fp1").kind, ClaimKind::claimed);
  EXPECT_EQ(look("k", "fp1").kind, ClaimKind::claimed);  // a lookup writes nothing
  StoredResponse first{201, {}, R"({"order":"A"})"};
  auto recorded = rec("k", "fp1", first);
  ASSERT_TRUE(recorded);
  EXPECT_FALSE(recorded->has_value());
  auto twin = rec("k", "fp1", StoredResponse{201, {}, R"({"order":"B"})"});
  ASSERT_TRUE(twin);
  ASSERT_TRUE(twin->has_value());
  EXPECT_EQ((*twin)->body, first.body);
  auto other = rec("k", "fp2", first);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "idempotency_key_reused");
  auto replay = look("k", "fp1");
  ASSERT_EQ(replay.kind, ClaimKind::replay);
  EXPECT_EQ(replay.response->body, first.body);
  EXPECT_EQ(look("k", "fp2").kind, ClaimKind::mismatch);
  EXPECT_EQ(claim_at("pending", "fp", 100).kind, ClaimKind::claimed);
  EXPECT_EQ(look("pending", "fp").kind, ClaimKind::in_progress);
  auto busy = rec("pending", "fp", first);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, "idempotency_request_in_progress");
}

}  // namespace
}  // namespace sd::idempotency
