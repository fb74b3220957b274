#include <gtest/gtest.h>

#include <map>

#include "modules/blocks/blocks.hpp"

namespace sd::blocks {
namespace {

TEST(NormaliseEmail, Table) {
  const std::pair<const char*, const char*> cases[] = {
      {"Ana@Example.com", "ana@example.com"},
      {"  ana@example.com ", "ana@example.com"},
      {"ana+shop@example.com", "ana@example.com"},
      {"a.n.a@example.com", "a.n.a@example.com"},  // dots matter outside Gmail
      {"A.N.A+x@Gmail.com", "ana@gmail.com"},
      {"a.na@googlemail.com", "ana@gmail.com"},
      {"ana+@gmail.com", "ana@gmail.com"},
      {"+tag@example.com", "+tag@example.com"},  // an empty local part is not made
      {"ana@gmail.com.evil.test", "ana@gmail.com.evil.test"},
      {"not-an-email", "not-an-email"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(normalise_email(in), want) << in;
}

TEST(MaskEmail, KeepsFirstCharacterAndDomain) {
  EXPECT_EQ(mask_email("ana@example.com"), "a•••@example.com");
  EXPECT_EQ(mask_email("Ñu@example.com"), "Ñ•••@example.com");
  EXPECT_EQ(mask_email("nobody"), "•••");
}

// A chain of accounts, each sharing one card with the next: 1 -fp1- 2 -fp2- 3 -fp3- 4 …
struct Chain {
  int n;
  std::map<int64_t, int> calls;
  Links links() {
    return {[this](int64_t u) -> Result<std::vector<std::string>> {
              calls[u] += 1;
              std::vector<std::string> fps;
              if (u > 1) fps.push_back("fp" + std::to_string(u - 1));
              if (u < n) fps.push_back("fp" + std::to_string(u));
              return fps;
            },
            [](std::string_view fp) -> Result<std::vector<int64_t>> {
              const int64_t k = std::stoll(std::string(fp.substr(2)));
              return std::vector<int64_t>{k, k + 1};
            }};
  }
};

TEST(WalkCoverage, IssueExample) {
  // A and B share card 1, B and C card 2; D is unrelated.
  Links l{[](int64_t u) -> Result<std::vector<std::string>> {
            if (u == 1) return std::vector<std::string>{"c1"};
            if (u == 2) return std::vector<std::string>{"c1", "c2"};
            if (u == 3) return std::vector<std::string>{"c2"};
            return std::vector<std::string>{"c9"};
          },
          [](std::string_view fp) -> Result<std::vector<int64_t>> {
            if (fp == "c1") return std::vector<int64_t>{1, 2};
            if (fp == "c2") return std::vector<int64_t>{2, 3};
            return std::vector<int64_t>{4};
          }};
  const auto c = walk_coverage(1, l, 3, 200).value();
  ASSERT_EQ(c.accounts.size(), 3u);
  EXPECT_EQ(c.accounts[0].user_id, 1);
  EXPECT_EQ(c.accounts[1].user_id, 2);
  EXPECT_EQ(c.accounts[2].user_id, 3);
  EXPECT_EQ(c.accounts[2].depth, 2);
  EXPECT_EQ(c.fingerprints, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_FALSE(c.truncated);
}

TEST(WalkCoverage, DepthBound) {
  Chain chain{10, {}};
  const auto c = walk_coverage(1, chain.links(), 3, 200).value();
  ASSERT_EQ(c.accounts.size(), 4u);  // depths 0..3
  EXPECT_EQ(c.accounts.back().user_id, 4);
  EXPECT_EQ(c.accounts.back().depth, 3);
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(chain.calls.count(5), 0u) << "an account past the bound was read";
}

TEST(WalkCoverage, AccountsBound) {
  // One card shared by 500 accounts: only 200 are covered.
  Links l{[](int64_t) -> Result<std::vector<std::string>> {
            return std::vector<std::string>{"shared"};
          },
          [](std::string_view) -> Result<std::vector<int64_t>> {
            std::vector<int64_t> all;
            for (int64_t i = 1; i <= 500; ++i) all.push_back(i);
            return all;
          }};
  const auto c = walk_coverage(1, l, 3, 200).value();
  EXPECT_EQ(c.accounts.size(), 200u);
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(c.fingerprints.size(), 1u);
}

TEST(WalkCoverage, ExactlyAtBoundsIsNotTruncated) {
  Chain chain{4, {}};
  const auto c = walk_coverage(1, chain.links(), 3, 4).value();
  EXPECT_EQ(c.accounts.size(), 4u);
  EXPECT_FALSE(c.truncated);
}

TEST(WalkCoverage, ErrorsPropagate) {
  Links l{[](int64_t) -> Result<std::vector<std::string>> {
            return fail(ErrorKind::unavailable, "db_down", "x");
          },
          [](std::string_view) -> Result<std::vector<int64_t>> { return std::vector<int64_t>{}; }};
  EXPECT_FALSE(walk_coverage(1, l, 3, 200).has_value());
}

}  // namespace
}  // namespace sd::blocks
