// Sales tax rules: the rate table (parsing, lookup) and the jurisdiction decision. Pure: the
// only input is text and values; the embedded default comes from sd::resources.
#include "modules/tax/tax.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <tuple>
#include <utility>

#include "core/assert.hpp"
#include "core/money.hpp"
#include "core/resources.hpp"
#include "core/time.hpp"

namespace sd::tax {
namespace {

// Every officially assigned ISO 3166-1 alpha-2 code, sorted (binary search). A code outside
// this list is a typo or a made-up value ("XX", "UK", "EU"), never a place we can tax.
constexpr std::array<std::string_view, 249> kCountries{
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
    "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
    "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
    "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
    "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
    "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
    "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
    "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
    "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
    "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
    "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC",
    "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
    "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR",
    "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

// The 27 EU member states (ISO codes; Greece is GR here, not the VAT prefix EL).
constexpr std::array<std::string_view, 27> kEu{
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
};

// US states and DC. Territories (PR, GU, VI, …) have their own alpha-2 codes and are
// declared as countries, so they are not regions here.
constexpr std::array<std::string_view, 51> kUsRegions{
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA",
    "ID", "IL", "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS",
    "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA",
    "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
};

// Canadian provinces and territories.
constexpr std::array<std::string_view, 13> kCaRegions{
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
};

// Binary search needs sorted lists; a mis-sorted edit must not compile.
static_assert(std::is_sorted(kCountries.begin(), kCountries.end()));
static_assert(std::adjacent_find(kCountries.begin(), kCountries.end()) == kCountries.end());
static_assert(std::is_sorted(kEu.begin(), kEu.end()));
static_assert(std::is_sorted(kUsRegions.begin(), kUsRegions.end()));
static_assert(std::is_sorted(kCaRegions.begin(), kCaRegions.end()));

constexpr std::string_view kHeader =
    "country,region,rate_percent,label,effective_from,effective_to";
constexpr size_t kMaxLabelBytes = 40;

bool in_sorted(std::span<const std::string_view> list, std::string_view code) {
  return std::binary_search(list.begin(), list.end(), code);
}

bool is_country(std::string_view code) { return in_sorted(kCountries, code); }

// The subdivision list of a country whose sales tax is set by region; empty otherwise.
std::span<const std::string_view> subdivisions(std::string_view country) {
  if (country == "US") return kUsRegions;
  if (country == "CA") return kCaRegions;
  return {};
}

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// A region code is valid when it is in the country's list, or — for a country the operator's
// table splits by region but we hold no list for — when it looks like an ISO 3166-2 suffix.
bool is_region(std::string_view country, std::string_view region) {
  const auto list = subdivisions(country);
  if (!list.empty()) return in_sorted(list, region);
  return !region.empty() && region.size() <= 3 &&
         std::all_of(region.begin(), region.end(), is_upper_alnum);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(trim(s));
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// "19" → 190000, "8.875" → 88750: one percent is 10,000 ppm, so four decimals are exact and
// a fifth could not be represented — it is rejected rather than rounded.
std::optional<int64_t> parse_rate_ppm(std::string_view s) {
  size_t i = 0;
  int64_t whole = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (i >= 3) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  int64_t frac = 0;
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    ++i;
    const size_t start = i;
    int64_t place = 1000;  // ppm worth of the first decimal of a percent
    while (i < s.size() && is_digit(s[i])) {
      if (i - start >= 4) return std::nullopt;
      frac += (s[i] - '0') * place;
      place /= 10;
      ++i;
    }
    if (i == start || i != s.size()) return std::nullopt;
  }
  const int64_t ppm = whole * 10000 + frac;
  if (ppm > 1000000) return std::nullopt;
  return ppm;
}

// Exactly YYYY-MM-DD: a time of day in a rate table is almost certainly a mistake.
std::optional<Micros> parse_date(std::string_view s) {
  if (s.size() != 10) return std::nullopt;
  return parse_rfc3339(s);
}

tl::unexpected<Error> table_error(size_t line, const std::string& what) {
  return fail(ErrorKind::invalid_input, "tax_table_invalid",
              "tax table line " + std::to_string(line) + ": " + what);
}

std::string place(const Rate& r) {
  return r.region.empty() ? r.country : r.country + "-" + r.region;
}

struct ParsedRow {
  Rate rate;
  size_t line = 0;
};

Result<Rate> parse_row(std::string_view text, size_t line) {
  if (text.find('"') != std::string_view::npos) {
    return table_error(line, "quoted fields are not supported");
  }
  std::array<std::string_view, 6> f;
  size_t n = 0;
  while (true) {
    const size_t comma = text.find(',');
    if (n == f.size()) return table_error(line, "expected 6 fields, found more");
    f[n++] = trim(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (n != f.size()) return table_error(line, "expected 6 fields, found " + std::to_string(n));

  Rate r;
  r.country = std::string(f[0]);
  if (!is_country(r.country)) {
    return table_error(line, "country '" + r.country +
                                 "' is not an upper-case ISO 3166-1 alpha-2 code");
  }
  r.region = std::string(f[1]);
  if (!r.region.empty() && !is_region(r.country, r.region)) {
    return table_error(line, "region '" + r.region + "' is not a subdivision of " + r.country);
  }
  const auto ppm = parse_rate_ppm(f[2]);
  if (!ppm) {
    return table_error(line, "rate_percent '" + std::string(f[2]) +
                                 "' is not a decimal from 0 to 100 with at most 4 decimals");
  }
  r.rate_ppm = *ppm;
  r.label = std::string(f[3]);
  if (r.label.empty() || r.label.size() > kMaxLabelBytes ||
      std::any_of(r.label.begin(), r.label.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return table_error(line, "label must be 1 to 40 printable characters");
  }
  const auto from = parse_date(f[4]);
  if (!from) {
    return table_error(line, "effective_from '" + std::string(f[4]) + "' is not YYYY-MM-DD");
  }
  r.effective_from = *from;
  if (!f[5].empty()) {
    const auto to = parse_date(f[5]);
    if (!to) {
      return table_error(line, "effective_to '" + std::string(f[5]) + "' is not YYYY-MM-DD");
    }
    if (*to <= *from) return table_error(line, "effective_to must be after effective_from");
    r.effective_to = *to;
  }
  return r;
}

bool in_force(const Rate& r, Micros at) {
  return r.effective_from <= at && (!r.effective_to || at < *r.effective_to);
}

}  // namespace

Result<RateTable> RateTable::parse_csv(std::string_view csv) {
  std::vector<ParsedRow> rows;
  size_t line = 0;
  bool header_seen = false;
  while (!csv.empty()) {
    ++line;
    const size_t nl = csv.find('\n');
    std::string_view text = csv.substr(0, nl);
    csv.remove_prefix(nl == std::string_view::npos ? csv.size() : nl + 1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);  // CRLF from spreadsheets
    if (!header_seen) {
      if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM, same reason
      if (trim(text) != kHeader) {
        return table_error(line, "header must be '" + std::string(kHeader) + "'");
      }
      header_seen = true;
      continue;
    }
    if (trim(text).empty()) continue;
    rows.push_back(ParsedRow{SD_TRY(parse_row(text, line)), line});
  }
  if (!header_seen) return table_error(1, "header must be '" + std::string(kHeader) + "'");

  // Sorted by place then start, overlaps are adjacent rows of the same place.
  std::stable_sort(rows.begin(), rows.end(), [](const ParsedRow& a, const ParsedRow& b) {
    return std::tie(a.rate.country, a.rate.region, a.rate.effective_from) <
           std::tie(b.rate.country, b.rate.region, b.rate.effective_from);
  });
  for (size_t i = 1; i < rows.size(); ++i) {
    const Rate& prev = rows[i - 1].rate;
    const Rate& cur = rows[i].rate;
    if (prev.country != cur.country || prev.region != cur.region) continue;
    if (!prev.effective_to || *prev.effective_to > cur.effective_from) {
      const auto [first, second] = std::minmax(rows[i - 1].line, rows[i].line);
      return table_error(second, "effective dates of " + place(cur) + " overlap line " +
                                     std::to_string(first));
    }
  }
  // A country row next to region rows would never be used (find prefers regions); reject
  // it so a table that looks like it taxes a country really does.
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].rate.region.empty()) continue;
    for (const ParsedRow& other : rows) {
      if (other.rate.country == rows[i].rate.country && !other.rate.region.empty()) {
        return table_error(std::max(rows[i].line, other.line),
                           rows[i].rate.country + " has both a country row (line " +
                               std::to_string(rows[i].line) + ") and region rows (line " +
                               std::to_string(other.line) + ")");
      }
    }
  }

  RateTable table;
  table.rates_.reserve(rows.size());
  for (ParsedRow& row : rows) table.rates_.push_back(std::move(row.rate));
  return table;
}

const RateTable& RateTable::builtin() {
  // Parsed once; C++ guarantees thread-safe initialisation of a function-local static. The
  // embedded table is part of the build, so a bad one is a bug (the unit test names the line).
  static const RateTable table = [] {
    const auto csv = sd::resources::find("resources/tax_rates.csv");
    SD_ASSERT(csv.has_value());
    auto parsed = parse_csv(*csv);
    SD_ASSERT(parsed.has_value());
    return std::move(*parsed);
  }();
  return table;
}

std::optional<Rate> RateTable::find(std::string_view country, std::string_view region,
                                    Micros at) const {
  // Where a country is split by region, the country as a whole has no rate: a missing or
  // untaxed region means no tax, never another region's rate.
  const bool by_region = has_regions(country);
  if (by_region && region.empty()) return std::nullopt;
  const std::string_view key = by_region ? region : std::string_view{};
  for (const Rate& r : rates_) {
    if (r.country == country && r.region == key && in_force(r, at)) return r;
  }
  return std::nullopt;
}

bool RateTable::has_regions(std::string_view country) const {
  return std::any_of(rates_.begin(), rates_.end(), [&](const Rate& r) {
    return r.country == country && !r.region.empty();
  });
}

namespace {

// Whether a country's tax depends on the region: always for the countries we hold lists for
// (even if an operator's table has no rows there yet), and for any the table splits.
bool taxes_by_region(const RateTable& table, std::string_view country) {
  return !subdivisions(country).empty() || table.has_regions(country);
}

// "on", " QC ", "US-CA" → "ON", "QC", "CA": forms accept the full ISO 3166-2 code too.
std::string normalise_region(std::string_view country, std::string_view region) {
  std::string out = upper(region);
  const std::string prefix = std::string(country) + "-";
  if (out.starts_with(prefix)) out.erase(0, prefix.size());
  return out;
}

// Card and IP countries come from third parties (issuer BIN tables, GeoIP). A value that is
// not a real country ("", "XX", GeoIP's "A1"/"EU") is treated as unknown, not as a signal.
std::string signal_country(std::string_view code) {
  std::string out = upper(code);
  return is_country(out) ? out : std::string{};
}

}  // namespace

Result<Decision> decide(const RateTable& table, const Evidence& evidence, Micros at) {
  const std::string declared = upper(evidence.declared_country);
  if (declared.size() != 2 || !is_country(declared)) {
    return fail(ErrorKind::invalid_input, "country_invalid",
                "country must be an ISO 3166-1 alpha-2 code such as DE or US", "country");
  }
  // The declaration is validated on its own merits even if card and IP later override it:
  // a form that omits a required region is an input error whatever the other signals say.
  std::string declared_region;
  if (taxes_by_region(table, declared)) {
    declared_region = normalise_region(declared, evidence.declared_region);
    if (declared_region.empty()) {
      return fail(ErrorKind::invalid_input, "region_required",
                  "a state or province is required for " + declared, "region");
    }
    if (!is_region(declared, declared_region)) {
      return fail(ErrorKind::invalid_input, "region_invalid",
                  "'" + declared_region + "' is not a state or province of " + declared, "region");
    }
  }

  const std::string card = signal_country(evidence.card_country);
  const std::string ip = signal_country(evidence.ip_country);

  Decision d;
  if (!card.empty() && card == ip && card != declared) {
    // Two independent signals that agree beat one self-declared one.
    d.country = card;
    d.evidence_rule = "card_and_ip_override_declared";
  } else {
    d.country = declared;
    d.region = declared_region;
    d.evidence_rule = card == declared ? "declared_matches_card" : "declared";
  }

  if (d.country != declared && taxes_by_region(table, d.country)) {
    // Card and IP carry no region; guessing one would charge an arbitrary state's rate.
    d.evidence_rule = "region_unknown";
  } else if (const auto rate = table.find(d.country, d.region, at)) {
    d.rate_ppm = rate->rate_ppm;
    d.label = rate->label;
  }
  d.requires_consent = is_eu(d.country);
  return d;
}

int64_t tax_for(int64_t amount_minor, int64_t rate_ppm) {
  return apply_rate_half_up(amount_minor, rate_ppm);
}

bool is_eu(std::string_view country) { return in_sorted(kEu, country); }

}  // namespace sd::tax
