#include <gtest/gtest.h>

#include "core/limits.hpp"
#include "modules/accounts/accounts.hpp"

namespace sd::accounts {
namespace {

TEST(AccountsRules, ValidateNewUser) {
  struct Case {
    NewUser u;
    const char* code;
    const char* param;
  };
  const Case cases[] = {
      {{"ana@example.com", "Ana", "longenough"}, "", ""},
      {{"ana", "Ana", "longenough"}, "invalid_email", "email"},
      {{"ana@example", "Ana", "longenough"}, "invalid_email", "email"},
      {{"a na@example.com", "Ana", "longenough"}, "invalid_email", "email"},
      {{"ana@example.com", "", "longenough"}, "required", "name"},
      {{"ana@example.com", std::string(201, 'n'), "longenough"}, "too_long", "name"},
      {{"ana@example.com", "Ana", "short"}, "too_short", "password"},
      {{"ana@example.com", "Ana", std::string(1025, 'p')}, "too_long", "password"},
  };
  for (const auto& c : cases) {
    auto r = validate_new_user(c.u);
    if (*c.code == 0) {
      EXPECT_TRUE(r) << c.u.email;
    } else {
      ASSERT_FALSE(r) << c.u.email << "/" << c.u.name.size();
      EXPECT_EQ(r.error().code, c.code);
      EXPECT_EQ(r.error().param, c.param);
    }
  }
}

TEST(AccountsRules, ThrottleWindow) {
  const Micros start = 1'000'000'000'000;
  const Micros window = limits::login_throttle_window_seconds * kMicrosPerSecond;
  EXPECT_TRUE(throttle_decision(4, start, start + 1, 5));
  auto r = throttle_decision(5, start, start + kMicrosPerSecond, 5);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "too_many_attempts");
  EXPECT_EQ(r.error().kind, ErrorKind::rate_limited);
  EXPECT_EQ(r.error().retry_after_seconds, limits::login_throttle_window_seconds - 1);
  // One microsecond before the window ends: still refused, with at least 1 s to wait.
  auto edge = throttle_decision(9, start, start + window - 1, 5);
  ASSERT_FALSE(edge);
  EXPECT_EQ(edge.error().retry_after_seconds, 1);
  EXPECT_TRUE(throttle_decision(9, start, start + window, 5));
}

}  // namespace
}  // namespace sd::accounts
