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

// A new session's stored key keeps the token's time prefix and ends with the whole token's
// hash (never the secret); a token from before the prefix is stored as its plain hash.
TEST(AccountsRules, SessionKeyKeepsTheTimePrefixAndHashesTheToken) {
  const auto a = new_session(1'767'225'600'000'000).cookie_token;
  const auto b = new_session(1'767'225'600'001'000).cookie_token;
  const auto ka = session_key(a);
  EXPECT_EQ(ka, session_key(a));
  EXPECT_EQ(ka.substr(0, 10), a.substr(0, 10));
  EXPECT_EQ(ka[9], '.');
  EXPECT_EQ(ka.size(), 10u + 64u);
  EXPECT_EQ(ka.find(a.substr(10)), std::string::npos);
  EXPECT_LT(ka, session_key(b)) << "keys sort by the session's start";
  const std::string legacy(43, 'x');
  EXPECT_EQ(session_key(legacy).size(), 64u);
  EXPECT_EQ(session_key(legacy).find('.'), std::string::npos);
}

}  // namespace
}  // namespace sd::accounts
