#include <gtest/gtest.h>

#include "core/time.hpp"
#include "modules/sales/sales.hpp"

namespace sd::sales {
namespace {

TEST(SalesNormalise, FoldsCaseAccentsAndSpace) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"Núñez", "nunez"},
      {"  Núñez\tGARCÍA \n", "nunez garcia"},
      {"ÅSA Öberg", "asa oberg"},
      {"Straße", "strasse"},          // case folding, not just lower case
      {"ﬁle", "file"},                // compatibility ligature
      {"Ｆｕｌｌ", "full"},           // full-width letters
      {"Zoë@Example.COM", "zoe@example.com"},
      {"e\xCC\x81", "e"},             // decomposed accent
      {"a\x1f" "b", "ab"},            // the field separator never survives in a query
      {"bad\xff\xfe utf8", "bad utf8"},  // invalid bytes dropped, not the whole string
      {"SD-AB12-CD34", "sd-ab12-cd34"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(normalise(c.in), c.out) << c.in;
}

// A row with every field search_text reads set.
SaleRow searchable_row() {
  SaleRow r;
  r.order_public_id = "SD-AB12-CD34";
  r.customer_name = "José Núñez";
  r.customer_email = "Jose@Example.com";
  r.product_title = "Brush Pack";
  r.license_key = "KEY-1";
  return r;
}

TEST(SalesNormalise, SearchTextJoinsFieldsWithSeparator) {
  const SaleRow r = searchable_row();
  EXPECT_EQ(search_text(r),
            "sd-ab12-cd34\x1fsdab12cd34\x1fjose nunez\x1fjose@example.com\x1f"
            "brush pack\x1fkey-1");
}

TEST(SalesNormalise, RowsWithTheSameSearchableFieldsHaveTheSameText) {
  const SaleRow a = searchable_row();
  SaleRow b = a;
  b.line_id = 7;  // fields search_text does not read
  b.total_minor = 999;
  b.status = "refunded";
  EXPECT_TRUE(same_search_text(a, b));
  EXPECT_EQ(search_text(a), search_text(b));
  for (std::string SaleRow::*field : {&SaleRow::order_public_id, &SaleRow::customer_name,
                                      &SaleRow::customer_email, &SaleRow::product_title,
                                      &SaleRow::license_key}) {
    SaleRow c = a;
    c.*field += "x";
    EXPECT_FALSE(same_search_text(a, c));
    EXPECT_NE(search_text(a), search_text(c));
  }
}

Filter sample_filter() {
  Filter f;
  f.query = "nunez";
  f.statuses = {"complete"};
  f.from = 1000;
  return f;
}

TEST(SalesCursor, RoundTripsAndIsBoundToTheQuery) {
  const Filter f = sample_filter();
  const Cursor c{1'700'000'000'000'000, 42};
  const auto text = encode_cursor(c, f, Sort::created_desc);
  EXPECT_EQ(text.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  auto back = decode_cursor(text, f, Sort::created_desc);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->key, c.key);
  EXPECT_EQ(back->line_id, c.line_id);

  Filter other = f;
  other.query = "nune";
  for (auto r : {decode_cursor(text, other, Sort::created_desc),
                 decode_cursor(text, f, Sort::total_desc), decode_cursor("", f, Sort::created_desc),
                 decode_cursor("not base64!", f, Sort::created_desc),
                 decode_cursor(text.substr(0, text.size() - 2), f, Sort::created_desc)}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "invalid_parameter");
    EXPECT_EQ(r.error().param, "cursor");
  }
  // Negative keys survive too.
  auto neg = decode_cursor(encode_cursor({-5, 7}, f, Sort::total_asc), f, Sort::total_asc);
  ASSERT_TRUE(neg);
  EXPECT_EQ(neg->key, -5);
}

TEST(SalesCsv, EscapesAndPrefixesFormulas) {
  struct Case {
    std::string in;
    std::string out;
  } cases[] = {
      {"plain", "plain"},
      {"", ""},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"line\nbreak", "\"line\nbreak\""},
      {"cr\rlf", "\"cr\rlf\""},
      {"=1+1", "\"'=1+1\""},
      {"+1", "\"'+1\""},
      {"-1", "\"'-1\""},
      {"@SUM(A1)", "\"'@SUM(A1)\""},
      {"\tx", "\"'\tx\""},
      {"\rx", "\"'\rx\""},
      {"=\"x\"", "\"'=\"\"x\"\"\""},
      {"a=b", "a=b"},  // only the first character matters
      {"Núñez", "Núñez"},
  };
  for (const auto& c : cases) {
    std::string out;
    append_csv_field(out, c.in);
    EXPECT_EQ(out, c.out) << c.in;
  }
}

TEST(SalesCsv, RowHasEveryColumnAndDecimalAmounts) {
  SaleRow r;
  r.order_public_id = "SD-AB12-CD34";
  r.line_public_id = "li_1";
  r.created_at = *parse_rfc3339("2026-11-01T10:00:00Z");
  r.customer_name = "Núñez, José";
  r.customer_email = "j@example.com";
  r.country = "US";
  r.region = "NY";
  r.product_title = "=HYPERLINK(\"x\")";
  r.tier_name = "Personal";
  r.quantity = 2;
  r.unit_price_minor = 500;
  r.tax_minor = 85;
  r.tax_rate_ppm = 85300;
  r.total_minor = 1085;
  r.currency = "USD";
  r.payment_brand = "visa";
  r.payment_last4 = "4242";
  std::string out;
  append_csv_row(out, r);
  EXPECT_EQ(out,
            "SD-AB12-CD34,li_1,2026-11-01T10:00:00Z,\"Núñez, José\",j@example.com,US,NY,"
            "\"'=HYPERLINK(\"\"x\"\")\",Personal,2,5.00,0.85,8.53,10.85,USD,complete,0.00,visa,"
            "4242,\r\n");
  const std::string header = csv_header();
  EXPECT_EQ(std::count(header.begin(), header.end(), ','), 19);
}

// The row writer keeps the last day, currency and rate between rows: rows that differ in
// them, one after the other, must each come out as format_rfc3339 and the decimal rules say.
TEST(SalesCsv, ConsecutiveRowsWithOtherDaysCurrenciesAndRates) {
  struct Case {
    const char* at;
    const char* currency;
    int64_t total_minor;
    int64_t rate_ppm;
    const char* date;
    const char* total;
    const char* rate;
  };
  const Case cases[] = {
      {"2026-11-01T10:00:00Z", "USD", 1085, 85300, "2026-11-01T10:00:00Z", "10.85", "8.53"},
      {"2026-11-01T23:59:59.000001Z", "USD", 5, 85300, "2026-11-01T23:59:59.000001Z", "0.05", "8.53"},
      {"2026-11-02T00:00:00.5Z", "JPY", 1200, 100000, "2026-11-02T00:00:00.500000Z", "1200", "10"},
      {"1969-12-31T23:59:59Z", "BHD", 1, 0, "1969-12-31T23:59:59Z", "0.001", "0"},
      {"2026-11-02T00:00:00Z", "USD", -250, 190000, "2026-11-02T00:00:00Z", "\"'-2.50\"", "19"},
      {"2026-11-02T00:00:00Z", "XXQ", 123, 190000, "2026-11-02T00:00:00Z", "1.23", "19"},
  };
  for (const auto& c : cases) {
    SaleRow r;
    r.created_at = *parse_rfc3339(c.at);
    r.currency = c.currency;
    r.total_minor = c.total_minor;
    r.tax_rate_ppm = c.rate_ppm;
    std::string out;
    append_csv_row(out, r);
    std::vector<std::string> f;
    std::string cur;
    bool quoted = false;
    for (char ch : out) {
      if (ch == '"') quoted = !quoted;
      if (ch == ',' && !quoted) {
        f.push_back(cur);
        cur.clear();
      } else {
        cur += ch;
      }
    }
    ASSERT_EQ(f.size(), 19u) << out;
    EXPECT_EQ(f[2], c.date) << c.at;
    EXPECT_EQ(f[2], format_rfc3339(r.created_at));
    EXPECT_EQ(f[12], c.rate) << c.at;
    EXPECT_EQ(f[13], c.total) << c.at;
    EXPECT_EQ(f[14], c.currency);
  }
}

TEST(SalesCsv, RatePercent) {
  EXPECT_EQ(format_rate_percent(190000), "19");
  EXPECT_EQ(format_rate_percent(88750), "8.875");
  EXPECT_EQ(format_rate_percent(149750), "14.975");
  EXPECT_EQ(format_rate_percent(0), "0");
  EXPECT_EQ(format_rate_percent(1), "0.0001");
}

std::vector<std::pair<std::string, std::string>> P(
    std::initializer_list<std::pair<std::string, std::string>> l) {
  return l;
}

TEST(SalesQuery, DecodesFilters) {
  auto q = parse_query(P({{"q", "  NÚÑEZ "},
                          {"status", "complete,refunded"},
                          {"country", "de"},
                          {"from", "2026-11-01"},
                          {"to", "2026-11-02"},
                          {"min_total_minor", "0"},
                          {"sort", "-total"},
                          {"limit", "100"}}),
                       QueryKind::list);
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->filter.query, "nunez");
  EXPECT_EQ(q->filter.statuses, (std::vector<std::string>{"complete", "refunded"}));
  EXPECT_EQ(q->filter.country, "DE");
  EXPECT_EQ(*q->filter.from, *parse_rfc3339("2026-11-01T00:00:00Z"));
  EXPECT_EQ(*q->filter.to, *parse_rfc3339("2026-11-03T00:00:00Z"));  // bare date: whole day
  EXPECT_EQ(q->sort, Sort::total_desc);
  EXPECT_EQ(q->limit, 100);
  auto t = parse_query(P({{"to", "2026-11-02T00:00:00Z"}}), QueryKind::list);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->filter.to, *parse_rfc3339("2026-11-02T00:00:00Z"));  // timestamp: exclusive
}

TEST(SalesQuery, RefusesWithParam) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> params;
    QueryKind kind;
    const char* code;
    const char* param;
  } cases[] = {
      {P({{"status", "paid"}}), QueryKind::list, "invalid_parameter", "status"},
      {P({{"status", "complete,"}}), QueryKind::list, "invalid_parameter", "status"},
      {P({{"country", "DEU"}}), QueryKind::list, "invalid_parameter", "country"},
      {P({{"country", "1x"}}), QueryKind::list, "invalid_parameter", "country"},
      {P({{"from", "yesterday"}}), QueryKind::list, "invalid_parameter", "from"},
      {P({{"to", "2026-13-01"}}), QueryKind::list, "invalid_parameter", "to"},
      {P({{"from", "2026-11-02"}, {"to", "2026-11-01T00:00:00Z"}}), QueryKind::list,
       "invalid_parameter", "to"},
      {P({{"min_total_minor", "-1"}}), QueryKind::list, "invalid_parameter", "min_total_minor"},
      {P({{"max_total_minor", "1.5"}}), QueryKind::list, "invalid_parameter", "max_total_minor"},
      {P({{"min_total_minor", "10"}, {"max_total_minor", "9"}}), QueryKind::list,
       "invalid_parameter", "max_total_minor"},
      {P({{"sort", "amount"}}), QueryKind::list, "invalid_parameter", "sort"},
      {P({{"limit", "0"}}), QueryKind::list, "invalid_parameter", "limit"},
      {P({{"limit", "101"}}), QueryKind::list, "invalid_parameter", "limit"},
      {P({{"limit", "5"}}), QueryKind::csv, "unknown_parameter", "limit"},
      {P({{"cursor", "x"}}), QueryKind::timeseries, "unknown_parameter", "cursor"},
      {P({{"sort", "total"}}), QueryKind::timeseries, "unknown_parameter", "sort"},
      {P({{"interval", "hour"}}), QueryKind::timeseries, "invalid_parameter", "interval"},
      {P({{"interval", "day"}}), QueryKind::list, "unknown_parameter", "interval"},
      {P({{"bom", "yes"}}), QueryKind::csv, "invalid_parameter", "bom"},
      {P({{"colour", "red"}}), QueryKind::list, "unknown_parameter", "colour"},
      {P({{"q", "a"}, {"q", "b"}}), QueryKind::list, "invalid_parameter", "q"},
  };
  for (const auto& c : cases) {
    auto q = parse_query(c.params, c.kind);
    ASSERT_FALSE(q) << c.params.at(0).first << "=" << c.params.at(0).second;
    EXPECT_EQ(q.error().kind, ErrorKind::invalid_input);
    EXPECT_EQ(q.error().code, c.code) << c.params.at(0).first;
    EXPECT_EQ(q.error().param, c.param) << c.params.at(0).first;
  }
}

TEST(SalesTimeseries, Buckets) {
  const Micros t = *parse_rfc3339("2026-11-05T13:14:15Z");  // a Thursday
  EXPECT_EQ(bucket_start(t, Interval::day), *parse_rfc3339("2026-11-05"));
  EXPECT_EQ(bucket_start(t, Interval::week), *parse_rfc3339("2026-11-02"));  // Monday
  EXPECT_EQ(bucket_start(t, Interval::month), *parse_rfc3339("2026-11-01"));
  EXPECT_EQ(next_bucket(*parse_rfc3339("2026-12-01"), Interval::month), *parse_rfc3339("2027-01-01"));
  EXPECT_EQ(next_bucket(*parse_rfc3339("2028-02-01"), Interval::month), *parse_rfc3339("2028-03-01"));
  EXPECT_EQ(bucket_start(*parse_rfc3339("2026-11-02"), Interval::week), *parse_rfc3339("2026-11-02"));
  const Micros day = 86'400'000'000;
  EXPECT_EQ(default_interval(0, 92 * day), Interval::day);
  EXPECT_EQ(default_interval(0, 93 * day), Interval::week);
  EXPECT_EQ(default_interval(0, 731 * day), Interval::week);
  EXPECT_EQ(default_interval(0, 800 * day), Interval::month);
}

}  // namespace
}  // namespace sd::sales
