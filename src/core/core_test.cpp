#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"

namespace sd {
namespace {

TEST(Money, CurrenciesKnowTheirExponent) {
  EXPECT_EQ(currency_from_code("USD")->exponent, 2);
  EXPECT_EQ(currency_from_code("JPY")->exponent, 0);
  EXPECT_EQ(currency_from_code("KWD")->exponent, 3);
  EXPECT_FALSE(currency_from_code("usd"));
  EXPECT_FALSE(currency_from_code("XYZ"));
  EXPECT_FALSE(currency_from_code("US"));
}

TEST(Money, ApplyRateRoundsHalfUpPerLine) {
  struct Case { int64_t amount, ppm, want; };
  const Case cases[] = {
      {1000, 190000, 190},   // 10.00 at 19% → 1.90
      {999, 190000, 190},    // 189.81 → 190
      {250, 100000, 25},     // exact
      {5, 100000, 1},        // 0.5 → 1 (half up)
      {4, 100000, 0},        // 0.4 → 0
      {15, 50000, 1},        // 0.75 → 1
      {-5, 100000, -1},      // half away from zero for negatives (refund postings)
      {0, 190000, 0},
      {INT64_MAX / 1000000, 1000000, INT64_MAX / 1000000},  // no overflow at 100%
  };
  for (const auto& c : cases)
    EXPECT_EQ(apply_rate_half_up(c.amount, c.ppm), c.want) << c.amount << " @ " << c.ppm;
}

TEST(Money, AddChecksCurrencyAndOverflow) {
  const auto usd = *currency_from_code("USD");
  const auto eur = *currency_from_code("EUR");
  EXPECT_EQ(add({100, usd}, {250, usd})->amount_minor, 350);
  EXPECT_EQ(add({100, usd}, {1, eur}).error().code, "currency_mismatch");
  EXPECT_EQ(add({INT64_MAX, usd}, {1, usd}).error().code, "amount_overflow");
}

TEST(Money, FormatDecimal) {
  const auto usd = *currency_from_code("USD");
  EXPECT_EQ(format_decimal({1299, usd}), "12.99");
  EXPECT_EQ(format_decimal({5, usd}), "0.05");
  EXPECT_EQ(format_decimal({-5, usd}), "-0.05");
  EXPECT_EQ(format_decimal({1500, *currency_from_code("JPY")}), "1500");
  EXPECT_EQ(format_decimal({1, *currency_from_code("KWD")}), "0.001");
  EXPECT_EQ(format_decimal({INT64_MIN, usd}), "-92233720368547758.08");
}

TEST(Time, Rfc3339RoundTrips) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1'795'372'000'123'456), "2026-11-22T18:26:40.123456Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(parse_rfc3339("2026-11-22T18:26:40.123456Z"), 1'795'372'000'123'456);
  EXPECT_EQ(parse_rfc3339("2026-11-22T20:26:40.123456+02:00"), 1'795'372'000'123'456);
  EXPECT_EQ(parse_rfc3339("2026-11-22"), 1'795'305'600'000'000);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), 1'709'164'800'000'000);
  EXPECT_FALSE(parse_rfc3339("2023-02-29"));
  EXPECT_FALSE(parse_rfc3339("2026-13-01"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T25:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T18:26:40"));  // no zone
  EXPECT_FALSE(parse_rfc3339("2026-11-22T18:26:40Zjunk"));
  EXPECT_FALSE(parse_rfc3339(""));
}

TEST(Clock, TestClockMovesForward) {
  TestClock c;
  const auto before = c.now();
  c.advance(kMicrosPerDay);
  EXPECT_GE(c.now() - before, kMicrosPerDay);
  EXPECT_EQ(c.offset(), kMicrosPerDay);
}

TEST(Ids, PublicIdsAreRandomAndWellFormed) {
  const auto a = new_public_id("usr");
  const auto b = new_public_id("usr");
  EXPECT_NE(a, b);
  EXPECT_TRUE(looks_like_public_id(a, "usr"));
  EXPECT_FALSE(looks_like_public_id(a, "st"));
  EXPECT_FALSE(looks_like_public_id("usr_short", "usr"));
  EXPECT_FALSE(looks_like_public_id("usr_IIIIIIIIIIIIIIIIIIII", "usr"));  // I is not Crockford
  EXPECT_EQ(random_token(32).size(), 43u);
}

TEST(Ids, PublicIdsSortByTimeAndStayRandomWithin) {
  EXPECT_EQ(base32_of(0, 3), "000");
  EXPECT_EQ(base32_of(32 * 32 - 1, 3), "0ZZ");
  EXPECT_EQ(base32_of(32 * 32 + 1, 2), "01");  // only the low 10 bits
  const auto a = new_public_id("ent");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto b = new_public_id("ent");
  EXPECT_LT(a, b);                              // a later millisecond sorts later
  EXPECT_NE(a.substr(13), b.substr(13));        // 11 random symbols after the 9 of time
  std::set<std::string> tails;
  for (int i = 0; i < 1000; ++i) tails.insert(new_public_id("ent").substr(13));
  EXPECT_EQ(tails.size(), 1000u);
}

TEST(Validation, JsonFieldsNameTheField) {
  auto body = nlohmann::json::parse(R"({"name":"Ana","age":"7","extra":1,"n":5,"b":true})");
  JsonFields f(body, "customer");
  EXPECT_EQ(*f.required_string("name", 1, 10), "Ana");
  auto age = f.optional_int("age", 0, 10);
  ASSERT_FALSE(age);
  EXPECT_EQ(age.error().code, "invalid_type");
  EXPECT_EQ(age.error().param, "customer.age");
  EXPECT_EQ(f.optional_int("n", 6, 10).error().code, "out_of_range");
  EXPECT_EQ(*f.optional_bool("b"), true);
  EXPECT_EQ(f.required_string("missing", 1, 5).error().code, "required");
  auto done = f.finish();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, "unknown_field");
  EXPECT_EQ(done.error().param, "customer.extra");
}

TEST(Validation, StringsAreCheckedForLengthAndCharacters) {
  auto body = nlohmann::json::parse(R"({"a":"","b":"toolong","c":"bad\u0001","d":"ok\nline"})");
  JsonFields f(body);
  EXPECT_EQ(f.required_string("a", 1, 5).error().code, "required");
  EXPECT_EQ(f.required_string("b", 1, 5).error().code, "too_long");
  EXPECT_EQ(f.required_string("c", 1, 10).error().code, "invalid_text");
  EXPECT_TRUE(f.required_string("d", 1, 10));
}

TEST(Validation, ParseJsonObject) {
  EXPECT_EQ(parse_json_object("{").error().code, "malformed_json");
  EXPECT_EQ(parse_json_object("[1]").error().code, "object_expected");
  EXPECT_TRUE(parse_json_object(R"({"a":1})"));
}

TEST(Validation, Emails) {
  EXPECT_TRUE(is_valid_email("ana@example.com"));
  EXPECT_TRUE(is_valid_email("ana+tag@sub.example.co"));
  EXPECT_FALSE(is_valid_email("ana@example"));
  EXPECT_FALSE(is_valid_email("@example.com"));
  EXPECT_FALSE(is_valid_email("a@b@example.com"));
  EXPECT_FALSE(is_valid_email("ana @example.com"));
  EXPECT_FALSE(is_valid_email("ana@example.com\r\nBcc: x@y.z"));
  EXPECT_EQ(canonical_email("  Ana.Núñez@Example.COM "), "ana.núñez@example.com");
  EXPECT_FALSE(is_clean_text("\xC3\x28", true));  // invalid UTF-8
  EXPECT_FALSE(is_clean_text("a\nb", false));
}

}  // namespace
}  // namespace sd

TEST(CursorText, RoundTripsAndRefusesWhatIsNotItsOwn) {
  const std::string plain = "1764000000000000.0.ord_ABC";
  const auto text = sd::encode_cursor_text(plain);
  EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(sd::decode_cursor_text(text, 100), plain);
  EXPECT_FALSE(sd::decode_cursor_text("", 100));
  EXPECT_FALSE(sd::decode_cursor_text("abc", 100));          // odd length
  EXPECT_FALSE(sd::decode_cursor_text("zz", 100));           // not hex
  EXPECT_FALSE(sd::decode_cursor_text("AB", 100));           // upper case is not ours
  EXPECT_FALSE(sd::decode_cursor_text(text, plain.size() - 1));  // longer than allowed
}
