// Sales tax on digital goods by jurisdiction (R-TAX-1..3). Pure: no I/O; the rate table is
// parsed from CSV text (the embedded default, or a file the operator supplies).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace sd::tax {

// One row of the table: the rate for digital goods in a country (and region where it applies)
// from `effective_from` (inclusive) until `effective_to` (exclusive; nullopt = open).
struct Rate {
  std::string country;  // ISO 3166-1 alpha-2, upper case ("DE", "US")
  std::string region;   // ISO 3166-2 subdivision code without country ("OR", "QC"), or ""
  int64_t rate_ppm = 0; // parts per million: 19% = 190000
  std::string label;    // "VAT", "GST", "Sales tax", "HST", …
  Micros effective_from = 0;
  std::optional<Micros> effective_to;
};

class RateTable {
 public:
  // Parses CSV with header `country,region,rate_percent,label,effective_from,effective_to`;
  // rate_percent is a decimal string like 19 or 8.875 (parsed exactly, no floating point);
  // dates are YYYY-MM-DD (UTC); effective_to may be empty. invalid_input with the line number.
  static Result<RateTable> parse_csv(std::string_view csv);
  // The table compiled into the binary (resources/tax_rates.csv).
  static const RateTable& builtin();

  // The rate in force at `at` for (country, region): the region's row when the country has
  // region rows, else the country row. Nothing when the place has no tax on digital goods.
  std::optional<Rate> find(std::string_view country, std::string_view region, Micros at) const;
  // Whether the country has any region-level rows (then a region is required at checkout).
  bool has_regions(std::string_view country) const;
  size_t size() const { return rates_.size(); }

 private:
  std::vector<Rate> rates_;
};

// What the buyer and their payment told us about where they are (R-TAX-3).
struct Evidence {
  std::string declared_country;  // from the checkout form (required)
  std::string declared_region;   // required where the country taxes by region
  std::string postal_code;
  std::string card_country;      // from the payment method, when known
  std::string ip_country;        // from the request, when known
};

struct Decision {
  std::string country;
  std::string region;
  int64_t rate_ppm = 0;          // 0 when no tax applies
  std::string label;             // "" when no tax applies
  std::string evidence_rule;     // which rule decided, e.g. "declared_matches_card"
  bool requires_consent = false; // EU: consent to immediate delivery (R-CHK-6)
};

// Decides the jurisdiction from the evidence by the documented rule (README.md):
// the declared country, unless the card's country disagrees with it and agrees with the IP's
// country (two independent signals beat the declaration). invalid_input `country_invalid`
// (param `country`), `region_required` / `region_invalid` (param `region`).
Result<Decision> decide(const RateTable& table, const Evidence& evidence, Micros at);

// Tax on one line: amount × rate, rounded half-up (R-MONEY-1).
int64_t tax_for(int64_t amount_minor, int64_t rate_ppm);

// True for the 27 EU member states.
bool is_eu(std::string_view country);

}  // namespace sd::tax
