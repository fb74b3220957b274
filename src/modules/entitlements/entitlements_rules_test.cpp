#include <gtest/gtest.h>

#include "modules/entitlements/entitlements.hpp"

namespace sd::entitlements {
namespace {

TEST(EntitlementsRules, SignedLinksVerifyUntilTheyExpire) {
  const LinkClaims c{"ent_A", "file_B", 1000};
  const auto token = sign_link(c, "key");
  auto ok = verify_link(token, "key", 999);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->entitlement_public_id, "ent_A");
  EXPECT_EQ(ok->file_public_id, "file_B");
  EXPECT_EQ(verify_link(token, "key", 1000).error().code, "download_link_expired");
  EXPECT_EQ(verify_link(token, "other-key", 999).error().code, "download_link_invalid");
}

TEST(EntitlementsRules, TamperedLinksAreRefused) {
  const auto token = sign_link({"ent_A", "file_B", 1000}, "key");
  const auto other = sign_link({"ent_A", "file_C", 1000}, "key");
  // Payload of one, signature of another.
  const auto spliced = other.substr(0, other.find('.')) + token.substr(token.find('.'));
  EXPECT_EQ(verify_link(spliced, "key", 1).error().code, "download_link_invalid");
  for (const char* bad : {"", ".", "abc", "abc.def", "YWJj.00"}) {
    auto r = verify_link(bad, "key", 1);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::forbidden);
  }
}

}  // namespace
}  // namespace sd::entitlements
