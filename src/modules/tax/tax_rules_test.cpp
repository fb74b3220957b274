#include <gtest/gtest.h>

#include <string>

#include "core/resources.hpp"
#include "core/time.hpp"
#include "modules/tax/tax.hpp"

namespace sd::tax {
namespace {

constexpr std::string_view kHeader =
    "country,region,rate_percent,label,effective_from,effective_to\n";

Micros day(std::string_view ymd) {
  const auto t = parse_rfc3339(ymd);
  EXPECT_TRUE(t.has_value()) << ymd;
  return t.value_or(0);
}

Micros instant(std::string_view rfc3339) { return day(rfc3339); }

const Micros kNow = day("2026-03-01");

RateTable table_of(std::string_view rows) {
  auto t = RateTable::parse_csv(std::string(kHeader) + std::string(rows));
  EXPECT_TRUE(t.has_value()) << (t ? "" : t.error().message);
  return t ? *t : RateTable{};
}

// --- parse_csv -------------------------------------------------------------------------

TEST(TaxTable, ParsesRatePercentExactly) {
  struct Case {
    const char* text;
    int64_t ppm;
  };
  const Case cases[] = {
      {"19", 190000},    {"8.875", 88750}, {"25.5", 255000}, {"14.975", 149750},
      {"0", 0},          {"100", 1000000}, {"0.0001", 1},    {"9.38", 93800},
      {"7.7", 77000},    {"019", 190000},  {"6.6250", 66250}, {" 21 ", 210000},
  };
  for (const auto& c : cases) {
    const auto t = table_of(std::string("DE,,") + c.text + ",VAT,2020-01-01,\n");
    const auto r = t.find("DE", "", kNow);
    ASSERT_TRUE(r.has_value()) << c.text;
    EXPECT_EQ(r->rate_ppm, c.ppm) << c.text;
  }
}

TEST(TaxTable, RejectsBadLinesNamingTheLine) {
  struct Case {
    const char* label;
    std::string csv;
    const char* line;  // expected in the message
  };
  const std::string h(kHeader);
  const std::string ok = "DE,,19,VAT,2020-01-01,\n";
  const Case cases[] = {
      {"no header", "DE,,19,VAT,2020-01-01,\n", "line 1:"},
      {"empty text", "", "line 1:"},
      {"wrong header", "country,rate\n" + ok, "line 1:"},
      {"too few fields", h + ok + "FR,,20,VAT,2020-01-01\n", "line 3:"},
      {"too many fields", h + ok + "FR,,20,VAT,2020-01-01,,\n", "line 3:"},
      {"quoted field", h + "FR,,20,\"VAT\",2020-01-01,\n", "line 2:"},
      {"lower-case country", h + "de,,19,VAT,2020-01-01,\n", "line 2:"},
      {"unknown country", h + ok + "XX,,19,VAT,2020-01-01,\n", "line 3:"},
      {"three-letter country", h + "DEU,,19,VAT,2020-01-01,\n", "line 2:"},
      {"unknown US state", h + "US,ZZ,5,Sales tax,2020-01-01,\n", "line 2:"},
      {"unknown CA province", h + "CA,XY,5,GST,2020-01-01,\n", "line 2:"},
      {"bad region shape", h + "IN,maharashtra,18,GST,2020-01-01,\n", "line 2:"},
      {"empty rate", h + "DE,,,VAT,2020-01-01,\n", "line 2:"},
      {"negative rate", h + "DE,,-1,VAT,2020-01-01,\n", "line 2:"},
      {"percent sign", h + "DE,,19%,VAT,2020-01-01,\n", "line 2:"},
      {"leading dot", h + "DE,,.5,VAT,2020-01-01,\n", "line 2:"},
      {"trailing dot", h + "DE,,5.,VAT,2020-01-01,\n", "line 2:"},
      {"two dots", h + "DE,,1.2.3,VAT,2020-01-01,\n", "line 2:"},
      {"exponent", h + "DE,,1e2,VAT,2020-01-01,\n", "line 2:"},
      {"five decimals", h + "DE,,0.00001,VAT,2020-01-01,\n", "line 2:"},
      {"over 100", h + "DE,,100.0001,VAT,2020-01-01,\n", "line 2:"},
      {"four digits", h + "DE,,1000,VAT,2020-01-01,\n", "line 2:"},
      {"decimal comma", h + "DE,,19;5,VAT,2020-01-01,\n", "line 2:"},
      {"empty label", h + "DE,,19,,2020-01-01,\n", "line 2:"},
      {"long label", h + "DE,,19," + std::string(41, 'x') + ",2020-01-01,\n", "line 2:"},
      {"empty from", h + "DE,,19,VAT,,\n", "line 2:"},
      {"bad from", h + "DE,,19,VAT,2020-13-01,\n", "line 2:"},
      {"datetime from", h + "DE,,19,VAT,2020-01-01T00:00:00Z,\n", "line 2:"},
      {"bad to", h + "DE,,19,VAT,2020-01-01,2021-02-30\n", "line 2:"},
      {"to equals from", h + "DE,,19,VAT,2020-01-01,2020-01-01\n", "line 2:"},
      {"to before from", h + "DE,,19,VAT,2020-01-01,2019-01-01\n", "line 2:"},
      {"open range then another", h + ok + "FR,,20,VAT,2020-01-01,\nDE,,16,VAT,2021-01-01,\n",
       "line 4:"},
      {"ranges overlap by a day",
       h + "CH,,7.7,VAT,2020-01-01,2024-01-02\nCH,,8.1,VAT,2024-01-01,\n", "line 3:"},
      {"same start twice", h + "US,WA,9.38,Sales tax,2020-01-01,2021-01-01\n"
                              "US,WA,9.4,Sales tax,2020-01-01,2022-01-01\n", "line 3:"},
      {"later line earlier range", h + "FI,,25.5,VAT,2024-09-01,\nFI,,24,VAT,2020-01-01,\n",
       "line 3:"},
      {"country row beside region rows", h + "CA,,5,GST,2020-01-01,\nCA,ON,13,HST,2020-01-01,\n",
       "line 3:"},
  };
  for (const auto& c : cases) {
    const auto t = RateTable::parse_csv(c.csv);
    ASSERT_FALSE(t.has_value()) << c.label;
    EXPECT_EQ(t.error().kind, ErrorKind::invalid_input) << c.label;
    EXPECT_EQ(t.error().code, "tax_table_invalid") << c.label;
    EXPECT_NE(t.error().message.find(c.line), std::string::npos)
        << c.label << ": " << t.error().message;
  }
}

TEST(TaxTable, OverlapMessageNamesBothLines) {
  const auto t = RateTable::parse_csv(std::string(kHeader) +
                                      "CH,,7.7,VAT,2020-01-01,\nJP,,10,JCT,2020-01-01,\n"
                                      "CH,,8.1,VAT,2024-01-01,\n");
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message.find("line 4:"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("line 2"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("CH"), std::string::npos) << t.error().message;
}

TEST(TaxTable, AcceptsAdjacentRangesCrlfBomAndBlankLines) {
  const auto t = RateTable::parse_csv(
      "\xEF\xBB\xBF" "country,region,rate_percent,label,effective_from,effective_to\r\n"
      "FI,,24,VAT,2020-01-01,2024-09-01\r\n"
      "\r\n"
      "FI,,25.5,VAT,2024-09-01,\r\n");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->size(), 2u);
  EXPECT_EQ(t->find("FI", "", kNow)->rate_ppm, 255000);
  // A header alone is a valid (empty) table: the operator may charge no tax anywhere.
  const auto empty = RateTable::parse_csv(kHeader);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->size(), 0u);
}

// --- find ------------------------------------------------------------------------------

TEST(TaxTable, FindPicksTheRowInForce) {
  const auto t = table_of(
      "FI,,24,VAT,2020-01-01,2024-09-01\n"
      "FI,,25.5,VAT,2024-09-01,\n"
      "US,WA,9.38,Sales tax,2020-01-01,\n"
      "US,MD,6,Sales tax,2021-03-14,\n"
      "CA,ON,13,HST,2020-01-01,\n"
      "JP,,10,JCT,2020-01-01,\n");
  struct Case {
    const char* country;
    const char* region;
    const char* at;
    int64_t ppm;  // -1 = no rate
    const char* label;
  };
  const Case cases[] = {
      {"FI", "", "2024-08-31T23:59:59.999999Z", 240000, "VAT"},
      {"FI", "", "2024-09-01", 255000, "VAT"},  // from is inclusive, to exclusive
      {"FI", "", "2019-12-31", -1, ""},         // before the table starts
      {"FI", "AX", "2025-01-01", 255000, "VAT"},  // region ignored: FI has no region rows
      {"US", "WA", "2026-03-01", 93800, "Sales tax"},
      {"US", "OR", "2026-03-01", -1, ""},       // untaxed state: no row
      {"US", "", "2026-03-01", -1, ""},         // the US as a whole has no rate
      {"US", "MD", "2021-03-13", -1, ""},
      {"US", "MD", "2021-03-14", 60000, "Sales tax"},
      {"CA", "ON", "2026-03-01", 130000, "HST"},
      {"CA", "QC", "2026-03-01", -1, ""},
      {"JP", "", "2026-03-01", 100000, "JCT"},
      {"BR", "", "2026-03-01", -1, ""},         // a country not in the table
  };
  for (const auto& c : cases) {
    const auto r = t.find(c.country, c.region, instant(c.at));
    const std::string where = std::string(c.country) + "-" + c.region + "@" + c.at;
    if (c.ppm < 0) {
      EXPECT_FALSE(r.has_value()) << where;
    } else {
      ASSERT_TRUE(r.has_value()) << where;
      EXPECT_EQ(r->rate_ppm, c.ppm) << where;
      EXPECT_EQ(r->label, c.label) << where;
    }
  }
  EXPECT_TRUE(t.has_regions("US"));
  EXPECT_TRUE(t.has_regions("CA"));
  EXPECT_FALSE(t.has_regions("FI"));
  EXPECT_FALSE(t.has_regions("BR"));
}

// --- tax_for ---------------------------------------------------------------------------

TEST(TaxFor, RoundsHalfUpPerLine) {
  struct Case {
    int64_t amount;
    int64_t ppm;
    int64_t tax;
  };
  const Case cases[] = {
      {1000, 190000, 190},   // 10.00 at 19% → 1.90
      {999, 190000, 190},    // 189.81 → 190
      {50, 190000, 10},      // 9.5 → 10 (half up)
      {150, 255000, 38},     // 38.25 → 38
      {2, 250000, 1},        // 0.5 → 1
      {1, 190000, 0},        // 0.19 → 0
      {0, 190000, 0},
      {1000, 0, 0},
      {1234, 88750, 110},    // 109.5175 → 110
      {10000, 149750, 1498}, // 1497.5 → 1498
      {-50, 190000, -10},    // refunds mirror charges: away from zero on .5
  };
  for (const auto& c : cases) {
    EXPECT_EQ(tax_for(c.amount, c.ppm), c.tax) << c.amount << " at " << c.ppm;
  }
}

// --- decide ----------------------------------------------------------------------------

struct DecideCase {
  const char* label;
  Evidence evidence;
  const char* country;  // expected decision, or the error code when `error` is set
  const char* region;
  int64_t ppm;
  const char* rule;
  bool consent;
  bool error = false;
  const char* param = "";
};

TEST(TaxDecide, AppliesTheEvidenceRule) {
  const auto t = table_of(
      "DE,,19,VAT,2020-01-01,\n"
      "FR,,20,VAT,2020-01-01,\n"
      "GB,,20,VAT,2020-01-01,\n"
      "US,WA,9.38,Sales tax,2020-01-01,\n"
      "US,NY,8.53,Sales tax,2020-01-01,\n"
      "CA,ON,13,HST,2020-01-01,\n"
      "CA,QC,14.975,GST+QST,2020-01-01,\n");
  auto ev = [](const char* c, const char* r, const char* card, const char* ip) {
    return Evidence{c, r, "", card, ip};
  };
  const DecideCase cases[] = {
      {"declared only", ev("DE", "", "", ""), "DE", "", 190000, "declared", true},
      {"card agrees", ev("DE", "", "DE", ""), "DE", "", 190000, "declared_matches_card", true},
      {"card and ip agree", ev("DE", "", "DE", "DE"), "DE", "", 190000, "declared_matches_card",
       true},
      {"ip alone disagrees", ev("DE", "", "", "FR"), "DE", "", 190000, "declared", true},
      {"card alone disagrees", ev("DE", "", "FR", ""), "DE", "", 190000, "declared", true},
      {"card and ip disagree with each other", ev("DE", "", "FR", "GB"), "DE", "", 190000,
       "declared", true},
      {"ip agrees, card differs", ev("DE", "", "FR", "DE"), "DE", "", 190000, "declared", true},
      {"card and ip override", ev("DE", "", "FR", "FR"), "FR", "", 200000,
       "card_and_ip_override_declared", true},
      {"override out of the EU", ev("DE", "", "GB", "GB"), "GB", "", 200000,
       "card_and_ip_override_declared", false},
      {"override into the EU", ev("GB", "", "DE", "DE"), "DE", "", 190000,
       "card_and_ip_override_declared", true},
      {"override to an untaxed country", ev("DE", "", "BR", "BR"), "BR", "", 0,
       "card_and_ip_override_declared", false},
      {"override to a region country", ev("DE", "", "US", "US"), "US", "", 0, "region_unknown",
       false},
      {"override away from the US drops the region", ev("US", "WA", "CA", "CA"), "CA", "", 0,
       "region_unknown", false},
      {"US declared region", ev("US", "WA", "US", "US"), "US", "WA", 93800,
       "declared_matches_card", false},
      {"US untaxed state", ev("US", "OR", "", ""), "US", "OR", 0, "declared", false},
      {"US state whose row is absent", ev("US", "CA", "US", ""), "US", "CA", 0,
       "declared_matches_card", false},
      {"US declared, card+ip elsewhere", ev("US", "NY", "GB", "GB"), "GB", "", 200000,
       "card_and_ip_override_declared", false},
      {"CA province", ev("CA", "ON", "", ""), "CA", "ON", 130000, "declared", false},
      {"CA Quebec", ev("CA", "QC", "CA", "US"), "CA", "QC", 149750, "declared_matches_card", false},
      {"lower case normalised", ev("de", "", "de", "de"), "DE", "", 190000,
       "declared_matches_card", true},
      {"lower-case region and spaces", ev(" us ", " wa ", "", ""), "US", "WA", 93800, "declared",
       false},
      {"full ISO 3166-2 region", ev("CA", "ca-on", "", ""), "CA", "ON", 130000, "declared", false},
      {"region ignored where not used", ev("DE", "BY", "", ""), "DE", "", 190000, "declared",
       true},
      {"junk signals are unknown", ev("DE", "", "XX", "XX"), "DE", "", 190000, "declared", true},
      {"GeoIP EU pseudo-code is unknown", ev("GB", "", "EU", "EU"), "GB", "", 200000, "declared",
       false},
      {"unknown country", ev("XX", "", "", ""), "country_invalid", "", 0, "", false, true,
       "country"},
      {"empty country", ev("", "", "DE", "DE"), "country_invalid", "", 0, "", false, true,
       "country"},
      {"three letters", ev("DEU", "", "", ""), "country_invalid", "", 0, "", false, true,
       "country"},
      {"UK is not ISO", ev("UK", "", "", ""), "country_invalid", "", 0, "", false, true,
       "country"},
      {"US without region", ev("US", "", "", ""), "region_required", "", 0, "", false, true,
       "region"},
      {"CA without region, even if overridden", ev("CA", " ", "DE", "DE"), "region_required", "",
       0, "", false, true, "region"},
      {"US bad region", ev("US", "ZZ", "", ""), "region_invalid", "", 0, "", false, true,
       "region"},
      {"US region is a CA province", ev("US", "ON", "", ""), "region_invalid", "", 0, "", false,
       true, "region"},
      {"CA region is a US state", ev("CA", "WA", "", ""), "region_invalid", "", 0, "", false, true,
       "region"},
      {"US territory is a country, not a region", ev("US", "PR", "", ""), "region_invalid", "", 0,
       "", false, true, "region"},
  };
  for (const auto& c : cases) {
    const auto d = decide(t, c.evidence, kNow);
    if (c.error) {
      ASSERT_FALSE(d.has_value()) << c.label;
      EXPECT_EQ(d.error().kind, ErrorKind::invalid_input) << c.label;
      EXPECT_EQ(d.error().code, c.country) << c.label;
      EXPECT_EQ(d.error().param, c.param) << c.label;
      continue;
    }
    ASSERT_TRUE(d.has_value()) << c.label << ": " << d.error().message;
    EXPECT_EQ(d->country, c.country) << c.label;
    EXPECT_EQ(d->region, c.region) << c.label;
    EXPECT_EQ(d->rate_ppm, c.ppm) << c.label;
    EXPECT_EQ(d->label.empty(), c.ppm == 0) << c.label;
    EXPECT_EQ(d->evidence_rule, c.rule) << c.label;
    EXPECT_EQ(d->requires_consent, c.consent) << c.label;
  }
}

TEST(TaxDecide, RegionRulesFollowTheOperatorsTable) {
  // An operator table that taxes CA nationally still needs a province (CA is a region
  // country by law), and the country row then applies to every province.
  const auto national = table_of("CA,,5,GST,2020-01-01,\n");
  const auto d = decide(national, Evidence{"CA", "ON", "", "", ""}, kNow);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->rate_ppm, 50000);
  EXPECT_FALSE(decide(national, Evidence{"CA", "", "", "", ""}, kNow).has_value());
  // A table that splits another country by region makes that country need a region too.
  const auto split = table_of("IN,MH,18,GST,2020-01-01,\n");
  const auto missing = decide(split, Evidence{"IN", "", "", "", ""}, kNow);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "region_required");
  const auto mh = decide(split, Evidence{"IN", "mh", "", "", ""}, kNow);
  ASSERT_TRUE(mh.has_value());
  EXPECT_EQ(mh->rate_ppm, 180000);
  // Card and IP in such a country carry no region, so no regional rate is guessed.
  const auto into = decide(split, Evidence{"DE", "", "", "IN", "IN"}, kNow);
  ASSERT_TRUE(into.has_value());
  EXPECT_EQ(into->country, "IN");
  EXPECT_EQ(into->rate_ppm, 0);
  EXPECT_EQ(into->evidence_rule, "region_unknown");
}

TEST(TaxDecide, IsEuListsTheMemberStates) {
  int members = 0;
  for (const char* c : {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
                        "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT",
                        "NL", "PL", "PT", "RO", "SE", "SI", "SK"}) {
    EXPECT_TRUE(is_eu(c)) << c;
    ++members;
  }
  EXPECT_EQ(members, 27);
  for (const char* c : {"GB", "NO", "CH", "IS", "LI", "EL", "AX", "US", "", "de"}) {
    EXPECT_FALSE(is_eu(c)) << c;
  }
}

// --- the built-in table ----------------------------------------------------------------

TEST(TaxBuiltin, EmbeddedCsvParses) {
  const auto csv = resources::find("resources/tax_rates.csv");
  ASSERT_TRUE(csv.has_value());
  const auto parsed = RateTable::parse_csv(*csv);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->size(), RateTable::builtin().size());
}

TEST(TaxBuiltin, CoversTheRequiredPlaces) {
  const RateTable& t = RateTable::builtin();
  EXPECT_EQ(&t, &RateTable::builtin());  // parsed once
  int eu_with_rate = 0;
  for (const char* c : {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
                        "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT",
                        "NL", "PL", "PT", "RO", "SE", "SI", "SK"}) {
    const auto r = t.find(c, "", kNow);
    EXPECT_TRUE(r.has_value()) << c;
    if (r) {
      EXPECT_EQ(r->label, "VAT") << c;
      EXPECT_GE(r->rate_ppm, 170000) << c;  // no EU standard rate is below 17%
      ++eu_with_rate;
    }
  }
  EXPECT_EQ(eu_with_rate, 27);
  for (const char* p : {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK",
                        "YT"}) {
    EXPECT_TRUE(t.find("CA", p, kNow).has_value()) << "CA-" << p;
  }
  for (const char* s : {"OR", "MT", "NH", "DE", "AK"}) {
    EXPECT_FALSE(t.find("US", s, day("2020-06-01")).has_value()) << "US-" << s;
    EXPECT_FALSE(t.find("US", s, kNow).has_value()) << "US-" << s;
  }
  EXPECT_TRUE(t.has_regions("US"));
  EXPECT_TRUE(t.has_regions("CA"));
  EXPECT_FALSE(t.has_regions("DE"));
  for (const char* c : {"GB", "NO", "CH", "JP", "AU"}) {
    EXPECT_TRUE(t.find(c, "", kNow).has_value()) << c;
  }
}

TEST(TaxBuiltin, TaxAtTheBuiltinRates) {
  const RateTable& t = RateTable::builtin();
  struct Case {
    const char* country;
    const char* region;
    const char* at;
    int64_t amount;
    int64_t tax;  // -1 = no rate applies
  };
  const Case cases[] = {
      {"DE", "", "2026-03-01", 1000, 190},     // 10.00 → 1.90 tax, 11.90 total
      {"DE", "", "2026-03-01", 999, 190},
      {"DE", "", "2020-10-01", 1000, 160},     // the 2020 temporary 16%
      {"US", "OR", "2026-03-01", 1000, -1},
      {"US", "WA", "2026-03-01", 1000, 94},    // 9.38%: 93.8 → 94
      {"US", "WA", "2026-03-01", 10000, 938},
      {"US", "TX", "2026-03-01", 1999, 164},   // 8.2%: 163.918 → 164
      {"US", "NY", "2026-03-01", 1000, 85},    // 8.53%: 85.3 → 85
      {"US", "CA", "2026-03-01", 1000, -1},    // California does not tax digital goods
      {"CA", "ON", "2026-03-01", 1000, 130},
      {"CA", "QC", "2026-03-01", 1000, 150},   // 14.975%: 149.75 → 150
      {"CA", "NS", "2025-03-31", 1000, 150},
      {"CA", "NS", "2025-04-01", 1000, 140},
      {"JP", "", "2026-03-01", 1000, 100},
      {"CH", "", "2023-12-31", 1000, 77},
      {"CH", "", "2024-01-01", 1000, 81},
      {"FI", "", "2024-08-31", 1000, 240},
      {"FI", "", "2024-09-01", 1000, 255},
      {"EE", "", "2025-06-30", 1000, 220},
      {"EE", "", "2025-07-01", 1000, 240},
  };
  for (const auto& c : cases) {
    const std::string where = std::string(c.country) + "-" + c.region + "@" + c.at;
    const auto r = t.find(c.country, c.region, day(c.at));
    if (c.tax < 0) {
      EXPECT_FALSE(r.has_value()) << where;
      continue;
    }
    ASSERT_TRUE(r.has_value()) << where;
    EXPECT_EQ(tax_for(c.amount, r->rate_ppm), c.tax) << where;
  }
  // The decision path end to end: 10.00 in Germany is 1.90 tax, 11.90 total, with consent.
  const auto d = decide(t, Evidence{"DE", "", "10115", "DE", "DE"}, kNow);
  ASSERT_TRUE(d.has_value());
  const int64_t tax = tax_for(1000, d->rate_ppm);
  EXPECT_EQ(tax, 190);
  EXPECT_EQ(1000 + tax, 1190);
  EXPECT_TRUE(d->requires_consent);
  EXPECT_EQ(d->evidence_rule, "declared_matches_card");
}

}  // namespace
}  // namespace sd::tax
