#include <gtest/gtest.h>

#include <regex>

#include "modules/licenses/licenses.hpp"

namespace sd::licenses {
namespace {

TEST(LicensesRules, KeysHaveTheDocumentedShape) {
  const std::regex shape("([0-9A-HJKMNP-TV-Z]{5}-){3}[0-9A-HJKMNP-TV-Z]{5}");
  const auto a = new_license_key();
  EXPECT_TRUE(std::regex_match(a, shape)) << a;
  EXPECT_NE(a, new_license_key());
}

TEST(LicensesRules, NormalizeAcceptsWhatUsersType) {
  EXPECT_EQ(normalize_key("  abcde-12345 "), "ABCDE-12345");
  EXPECT_EQ(normalize_key("ABCDE"), "ABCDE");
  EXPECT_EQ(normalize_key(""), "");
}

}  // namespace
}  // namespace sd::licenses
