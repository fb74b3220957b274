// The Sales answers cache and the JSON string writer behind the Sales list.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "api/v1/json.hpp"
#include "api/v1/response_cache.hpp"

namespace sd::api {
namespace {

std::shared_ptr<const ResponseCache::Entry> entry(int64_t version, std::string body) {
  auto e = std::make_shared<ResponseCache::Entry>();
  e->version = version;
  e->body = std::make_shared<const std::string>(std::move(body));
  e->etag = etag_of(*e->body);
  return e;
}

TEST(ResponseCache, HitsOnlyTheVersionItWasMadeFrom) {
  ResponseCache cache(1 << 20);
  cache.put("1|a", entry(5, "five"));
  ASSERT_NE(cache.find("1|a", 5), nullptr);
  EXPECT_EQ(*cache.find("1|a", 5)->body, "five");
  EXPECT_EQ(cache.find("1|a", 6), nullptr) << "a newer version misses";
  EXPECT_EQ(cache.find("1|a", 5), nullptr) << "and the older entry is gone for good";
  EXPECT_EQ(cache.find("2|a", 5), nullptr) << "another key (another store) misses";
  // A late answer made from an older version never replaces a newer one.
  cache.put("1|a", entry(7, "seven"));
  cache.put("1|a", entry(6, "six"));
  ASSERT_NE(cache.find("1|a", 7), nullptr);
  EXPECT_EQ(*cache.find("1|a", 7)->body, "seven");
}

TEST(ResponseCache, StaysWithinItsBudgetDroppingTheLeastRecentlyUsed) {
  ResponseCache cache(10'000);
  for (int i = 0; i < 10; ++i) cache.put("k" + std::to_string(i), entry(1, std::string(1500, 'x')));
  EXPECT_LE(cache.bytes(), 10'000u);
  EXPECT_EQ(cache.find("k0", 1), nullptr) << "the oldest went first";
  EXPECT_NE(cache.find("k9", 1), nullptr);
  cache.put("huge", entry(1, std::string(20'000, 'x')));
  EXPECT_EQ(cache.find("huge", 1), nullptr) << "larger than the budget: not kept";
  EXPECT_NE(cache.find("k9", 1), nullptr);
}

TEST(ResponseCache, EtagsAndIfNoneMatch) {
  const std::string a = etag_of("{\"data\":[]}");
  EXPECT_EQ(a.size(), 18u);
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a, etag_of("{\"data\":[]}"));
  EXPECT_NE(a, etag_of("{\"data\":[ ]}"));
  EXPECT_NE(etag_of(std::string(4096, 'a')), etag_of(std::string(4095, 'a') + "b"));
  EXPECT_TRUE(etag_matches(a, a));
  EXPECT_TRUE(etag_matches("W/" + a, a));
  EXPECT_TRUE(etag_matches("\"x\", " + a, a));
  EXPECT_TRUE(etag_matches("*", a));
  EXPECT_FALSE(etag_matches("\"x\"", a));
  EXPECT_FALSE(etag_matches("", a));
}

std::shared_ptr<const http::Response> body_response(std::string body) {
  http::Response r;
  r.body = std::move(body);
  return std::make_shared<const http::Response>(std::move(r));
}

db::ChangeStamp stamp_of(uint32_t n) {
  db::ChangeStamp s;
  s.words[4] = n;  // where a WAL-index header keeps its frame count
  return s;
}

TEST(FastPathMemo, ReplaysOnlyForTheSameStateAndBeforeTheRecheckTime) {
  FastPathMemo memo(16, 1 << 20);
  memo.put("k", stamp_of(1), 1000, body_response("one"));
  auto hit = memo.find("k", stamp_of(1), 999);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "one");
  EXPECT_FALSE(memo.find("k", stamp_of(2), 999)) << "something committed since";
  EXPECT_FALSE(memo.find("k", stamp_of(1), 1000)) << "the caller's checks are due again";
  EXPECT_FALSE(memo.find("other", stamp_of(1), 0)) << "another request";
  // A newer answer for the key replaces the older.
  memo.put("k", stamp_of(2), 5000, body_response("two"));
  EXPECT_FALSE(memo.find("k", stamp_of(1), 999));
  EXPECT_EQ(memo.find("k", stamp_of(2), 4999)->body, "two");
  EXPECT_EQ(memo.size(), 1u);
}

TEST(FastPathMemo, StaysWithinItsCountAndBytes) {
  FastPathMemo memo(4, 100);
  for (int i = 0; i < 10; ++i) {
    memo.put("k" + std::to_string(i), stamp_of(1), 10, body_response("x"));
    EXPECT_LE(memo.size(), 4u);
  }
  EXPECT_TRUE(memo.find("k9", stamp_of(1), 0)) << "the newest is kept";
  memo.put("big", stamp_of(1), 10, body_response(std::string(200, 'b')));
  EXPECT_FALSE(memo.find("big", stamp_of(1), 0)) << "larger than the whole budget: not kept";
  for (int i = 0; i < 5; ++i) memo.put("m" + std::to_string(i), stamp_of(1), 10, body_response(std::string(40, 'm')));
  EXPECT_LE(memo.size(), 2u) << "at most 100 bytes of keys and bodies";
  EXPECT_TRUE(memo.find("m4", stamp_of(1), 0));
}

TEST(JsonString, WritesWhatNlohmannDumps) {
  std::mt19937 rng(42);
  const std::vector<std::string> pieces = {"a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b",
                                           "\f", "\x01", "\x1f", "\x7f", "é", "ñ", "Ω", "€",
                                           "😀", "SD-1234", ",", "'"};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    std::string out;
    append_json_string(out, s);
    EXPECT_EQ(out, nlohmann::json(s).dump()) << "for " << s;
  }
}

TEST(JsonString, InvalidUtf8BecomesReplacementCharacters) {
  std::string out;
  append_json_string(out, "a\xff" "b\xc3");
  EXPECT_EQ(out, "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  out.clear();
  append_json_string(out, "\xed\xa0\x80");  // a UTF-16 surrogate encoded in UTF-8
  EXPECT_EQ(out, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace sd::api
