#include <gtest/gtest.h>

#include "modules/stores/stores.hpp"

namespace sd::stores {
namespace {

struct Case {
  const char* label;
  StoreChanges changes;
  const char* code;   // "" = valid
  const char* param;
};

TEST(StoresRules, ValidateChangesNamesTheOffendingField) {
  auto with = [](auto fn) {
    StoreChanges c;
    fn(c);
    return c;
  };
  const Case cases[] = {
      {"empty is valid", {}, "", ""},
      {"all valid", with([](auto& c) {
         c.name = "Ana's Fonts"; c.support_email = "help@ana.example"; c.currency = "EUR";
         c.locale = "es"; c.refund_policy = "within_days:14"; c.hold_period_days = 0;
         c.refund_window_days = 365; c.fee_percent_bp = 5000; c.fee_fixed_minor = 0; }), "", ""},
      {"empty name", with([](auto& c) { c.name = ""; }), "required", "name"},
      {"long name", with([](auto& c) { c.name = std::string(101, 'x'); }), "too_long", "name"},
      {"bad email", with([](auto& c) { c.support_email = "nope"; }), "invalid_email", "support_email"},
      {"bad currency", with([](auto& c) { c.currency = "XYZ"; }), "unsupported_currency", "currency"},
      {"lower currency", with([](auto& c) { c.currency = "usd"; }), "unsupported_currency", "currency"},
      {"bad locale", with([](auto& c) { c.locale = "fr"; }), "unsupported_locale", "locale"},
      {"bad policy", with([](auto& c) { c.refund_policy = "sometimes"; }), "invalid_refund_policy", "refund_policy"},
      {"policy 0 days", with([](auto& c) { c.refund_policy = "within_days:0"; }), "invalid_refund_policy", "refund_policy"},
      {"policy 366", with([](auto& c) { c.refund_policy = "within_days:366"; }), "invalid_refund_policy", "refund_policy"},
      {"policy junk", with([](auto& c) { c.refund_policy = "within_days:3x"; }), "invalid_refund_policy", "refund_policy"},
      {"hold 91", with([](auto& c) { c.hold_period_days = 91; }), "out_of_range", "hold_period_days"},
      {"hold -1", with([](auto& c) { c.hold_period_days = -1; }), "out_of_range", "hold_period_days"},
      {"window 0", with([](auto& c) { c.refund_window_days = 0; }), "out_of_range", "refund_window_days"},
      {"fee 5001", with([](auto& c) { c.fee_percent_bp = 5001; }), "out_of_range", "fee_percent_bp"},
      {"fixed fee too big", with([](auto& c) { c.fee_fixed_minor = 100001; }), "out_of_range", "fee_fixed_minor"},
  };
  for (const auto& tc : cases) {
    auto r = validate_changes(tc.changes);
    if (std::string(tc.code).empty()) {
      EXPECT_TRUE(r) << tc.label << ": " << (r ? "" : r.error().code);
    } else {
      ASSERT_FALSE(r) << tc.label;
      EXPECT_EQ(r.error().code, tc.code) << tc.label;
      EXPECT_EQ(r.error().param, tc.param) << tc.label;
      EXPECT_EQ(r.error().kind, ErrorKind::invalid_input) << tc.label;
    }
  }
}

TEST(StoresRules, Slugify) {
  EXPECT_EQ(slugify("Ana's Fonts!"), "anas-fonts");
  EXPECT_EQ(slugify("  Café  Núñez "), "caf-n-ez");
  EXPECT_EQ(slugify("!!!"), "store");
  EXPECT_LE(slugify(std::string(200, 'a')).size(), 40u);
}

TEST(StoresRules, DefaultsAndApply) {
  auto s = default_store("Ana", 7, "ana@example.com");
  EXPECT_EQ(s.currency, "USD");
  EXPECT_EQ(s.support_email, "ana@example.com");
  EXPECT_EQ(s.hold_period_days, 7);
  EXPECT_EQ(s.refund_window_days, 90);
  StoreChanges c;
  c.locale = "es";
  c.fee_percent_bp = 0;
  auto t = apply_changes(s, c);
  EXPECT_EQ(t.locale, "es");
  EXPECT_EQ(t.fee_percent_bp, 0);
  EXPECT_EQ(t.name, "Ana");
}

}  // namespace
}  // namespace sd::stores
