// Sessions in the database, on SQLite and (with SHOPDESK_TEST_PG_URL) PostgreSQL: keys that
// sort by start time, and cookies of both formats resolving to their user.
#include <gtest/gtest.h>

#include "modules/accounts/accounts.hpp"
#include "platform/crypto/crypto.hpp"
#include "test_database.hpp"
#include "test_result.hpp"

namespace sd::accounts {
namespace {

using test::describe;
using test::must;

class SessionStore : public ::testing::TestWithParam<bool /*postgres*/> {
 protected:
  void SetUp() override {
    db_ = tmp_.open_migrated(GetParam(), "sessions");
    if (!db_) GTEST_SKIP() << "SHOPDESK_TEST_PG_URL not set";
    user_ = must(db_->write<User>([&](db::Tx& tx) {
      return create_user(tx, {"ana@example.com", "Ana", ""}, "", kT0);
    }));
  }
  void TearDown() override { db_.reset(); }

  std::optional<Principal> resolve(const std::string& cookie, Micros now) {
    return must(db_->read<std::optional<Principal>>(
        [&](db::Tx& tx) { return resolve_session(tx, cookie, now, nullptr); }));
  }
  std::vector<std::string> keys() {
    return must(db_->read<std::vector<std::string>>([&](db::Tx& tx) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      SD_TRY_VOID(tx.each("SELECT token_hash FROM sessions ORDER BY id", {},
                          [&](const db::RowView& r) {
                            out.emplace_back(r.text(0));
                            return true;
                          }));
      return out;
    }));
  }

  static constexpr Micros kT0 = 1'790'000'000'000'000;
  test::TestDatabase tmp_;  // declared first: destroyed after db_
  std::unique_ptr<db::Database> db_;
  User user_;
};

TEST_P(SessionStore, KeysSortByStartTimeAndHoldNoUsableToken) {
  std::vector<StartedSession> started;
  for (int i = 0; i < 5; ++i) {
    started.push_back(must(db_->write<StartedSession>([&](db::Tx& tx) {
      return start_session(tx, user_.id, kT0 + i * 1000);  // a millisecond apart
    })));
  }
  const auto stored = keys();
  ASSERT_EQ(stored.size(), 5u);
  EXPECT_TRUE(std::is_sorted(stored.begin(), stored.end()));
  for (size_t i = 0; i < started.size(); ++i) {
    EXPECT_EQ(stored[i].find(started[i].cookie_token.substr(10)), std::string::npos)
        << "the key must not contain the token's secret part";
    const auto p = resolve(started[i].cookie_token, kT0 + 10'000);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->user.id, user_.id);
    EXPECT_EQ(p->csrf_token, started[i].csrf_token);
  }
}

TEST_P(SessionStore, ACookieOfTheEarlierFormatStillResolves) {
  // Stored before time-ordered keys: a plain token, and the plain SHA-256 hex of it.
  const std::string old_token = "b2xkLXN0eWxlLXRva2VuLXdpdGhvdXQtYS1kb3Q";
  must(db_->write<bool>([&](db::Tx& tx) -> Result<bool> {
    SD_TRY(tx.exec("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
                   "last_seen_at) VALUES ($1, $2, 'csrf', $3, $3)",
                   {crypto::sha256_hex(old_token), user_.id, kT0}));
    return true;
  }));
  const auto p = resolve(old_token, kT0 + 1000);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user.id, user_.id);
}

TEST_P(SessionStore, AForgedOrAlteredCookieResolvesToNothing) {
  const auto s = must(db_->write<StartedSession>(
      [&](db::Tx& tx) { return start_session(tx, user_.id, kT0); }));
  auto altered = s.cookie_token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(resolve(altered, kT0 + 1000));
  // The stored key itself, presented as a cookie, is not a credential.
  EXPECT_FALSE(resolve(keys().at(0), kT0 + 1000));
  auto retimed = s.cookie_token;
  retimed[0] = retimed[0] == '1' ? '2' : '1';
  EXPECT_FALSE(resolve(retimed, kT0 + 1000));
  EXPECT_TRUE(resolve(s.cookie_token, kT0 + 1000));
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionStore, ::testing::Values(false, true),
                         [](const auto& test) { return test.param ? "postgres" : "sqlite"; });

}  // namespace
}  // namespace sd::accounts
