// Pure decisions of the Sales view: text normalisation, query decoding, cursors, time buckets
// and CSV rendering. No I/O.
#include <utf8proc.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "core/money.hpp"
#include "core/time.hpp"
#include "modules/sales/sales.hpp"

namespace sd::sales {
namespace {

constexpr char kFieldSeparator = '\x1f';
constexpr Micros kDay = 86'400'000'000;

// Keeps the valid UTF-8 sequences of `text` and drops every other byte, so that utf8proc (which
// refuses the whole string on one bad byte) always gets something it accepts.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(p, left, &cp);
    if (n < 0 || cp < 0) {
      ++p;
      --left;
      continue;
    }
    out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    p += n;
    left -= n;
  }
  return out;
}

Error bad(std::string param, std::string message) {
  return Error{ErrorKind::invalid_input, "invalid_parameter", std::move(message),
               std::move(param), 0, {}};
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_bare_date(std::string_view s) { return s.size() == 10 && s[4] == '-' && s[7] == '-'; }

// 64-bit FNV-1a: a stable fingerprint (the same in every process and build).
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t fingerprint(const Filter& f, Sort sort) {
  return fnv1a(filter_key(f) + std::to_string(static_cast<int>(sort)));
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64[(buf >> bits) & 63];
    }
  }
  if (bits > 0) out += kB64[(buf << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* pos = std::strchr(kB64, c);
    if (c == '\0' || pos == nullptr) return std::nullopt;
    buf = (buf << 6) | static_cast<uint32_t>(pos - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xff);
    }
  }
  return out;
}

// Days since 1970-01-01 → civil date, and back (Howard Hinnant's algorithms).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  if (m <= 2) --y;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string money_text(int64_t minor, const std::string& currency) {
  Money m{minor, currency_from_code(currency).value_or(Currency{{'X', 'X', 'X', 0}, 2})};
  return format_decimal(m);
}

}  // namespace

std::string normalise(std::string_view text) {
  const std::string clean = valid_utf8(text);
  utf8proc_uint8_t* mapped = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
                              static_cast<utf8proc_ssize_t>(clean.size()), &mapped,
                              static_cast<utf8proc_option_t>(
                                  UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                  UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_STRIPCC));
  std::string folded;
  if (n >= 0) folded.assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  // Collapse white space (STRIPCC already turned tabs and line breaks into spaces).
  std::string out;
  out.reserve(folded.size());
  bool space = false;
  for (char c : folded) {
    if (c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool same_search_text(const SaleRow& a, const SaleRow& b) {
  return a.order_public_id == b.order_public_id && a.customer_name == b.customer_name &&
         a.customer_email == b.customer_email && a.product_title == b.product_title &&
         a.license_key == b.license_key;
}

std::string search_text(const SaleRow& r) {
  std::string compact_id;
  for (char c : r.order_public_id)
    if (c != '-') compact_id += c;
  std::string s;
  for (const std::string* field :
       std::initializer_list<const std::string*>{&r.order_public_id, &compact_id,
                                                 &r.customer_name, &r.customer_email,
                                                 &r.product_title, &r.license_key}) {
    if (!s.empty()) s += kFieldSeparator;
    s += normalise(*field);
  }
  return s;
}

Result<Query> parse_query(const std::vector<std::pair<std::string, std::string>>& params,
                          QueryKind kind) {
  Query q;
  std::vector<std::string_view> seen;
  for (const auto& [name, value] : params) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return fail(bad(name, name + " is given more than once"));
    seen.push_back(name);
    auto& f = q.filter;
    if (name == "q") {
      if (value.size() > 200) return fail(bad(name, "q is longer than 200 bytes"));
      f.query = normalise(value);
    } else if (name == "status") {
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        const std::string one = value.substr(start, comma - start);
        if (std::none_of(std::begin(kStatuses), std::end(kStatuses),
                         [&](const char* s) { return one == s; }))
          return fail(bad(name, "status must be one of complete, refunded, partially_refunded, "
                                "refund_processing, disputed, refund_requested"));
        if (std::find(f.statuses.begin(), f.statuses.end(), one) == f.statuses.end())
          f.statuses.push_back(one);
        start = comma + 1;
      }
    } else if (name == "product_id") {
      if (value.empty() || value.size() > 64) return fail(bad(name, "product_id is not valid"));
      f.product_public_id = value;
    } else if (name == "tier") {
      if (value.empty() || value.size() > 200) return fail(bad(name, "tier is not valid"));
      f.tier = value;
    } else if (name == "country") {
      if (value.size() != 2 || !std::isalpha(static_cast<unsigned char>(value[0])) ||
          !std::isalpha(static_cast<unsigned char>(value[1])))
        return fail(bad(name, "country must be an ISO 3166-1 alpha-2 code"));
      f.country = {static_cast<char>(std::toupper(static_cast<unsigned char>(value[0]))),
                   static_cast<char>(std::toupper(static_cast<unsigned char>(value[1])))};
    } else if (name == "from" || name == "to") {
      auto t = parse_rfc3339(value);
      if (!t) return fail(bad(name, name + " must be an RFC 3339 time or YYYY-MM-DD"));
      // A bare date `to` includes that whole day.
      if (name == "to" && is_bare_date(value)) *t += kDay;
      (name == "from" ? f.from : f.to) = *t;
    } else if (name == "min_total_minor" || name == "max_total_minor") {
      auto v = parse_int(value);
      if (!v || *v < 0) return fail(bad(name, name + " must be a non-negative integer"));
      (name == "min_total_minor" ? f.min_total_minor : f.max_total_minor) = *v;
    } else if (name == "sort" && kind != QueryKind::timeseries) {
      if (value == "created_at") q.sort = Sort::created_asc;
      else if (value == "-created_at") q.sort = Sort::created_desc;
      else if (value == "total") q.sort = Sort::total_asc;
      else if (value == "-total") q.sort = Sort::total_desc;
      else return fail(bad(name, "sort must be created_at, -created_at, total or -total"));
    } else if (name == "limit" && kind == QueryKind::list) {
      auto v = parse_int(value);
      if (!v || *v < 1 || *v > 100) return fail(bad(name, "limit must be between 1 and 100"));
      q.limit = static_cast<int>(*v);
    } else if (name == "cursor" && kind == QueryKind::list) {
      if (value.empty() || value.size() > 200) return fail(bad(name, "cursor is not valid"));
      q.cursor = value;
    } else if (name == "interval" && kind == QueryKind::timeseries) {
      if (value == "day") q.interval = Interval::day;
      else if (value == "week") q.interval = Interval::week;
      else if (value == "month") q.interval = Interval::month;
      else return fail(bad(name, "interval must be day, week or month"));
    } else if (name == "bom" && kind == QueryKind::csv) {
      if (value != "0" && value != "1") return fail(bad(name, "bom must be 0 or 1"));
      q.bom = value == "1";
    } else {
      return fail(Error{ErrorKind::invalid_input, "unknown_parameter",
                        "unknown query parameter " + name, name, 0, {}});
    }
  }
  const auto& f = q.filter;
  if (f.from && f.to && *f.from >= *f.to) return fail(bad("to", "to must be after from"));
  if (f.min_total_minor && f.max_total_minor && *f.min_total_minor > *f.max_total_minor)
    return fail(bad("max_total_minor", "max_total_minor must not be below min_total_minor"));
  return q;
}

std::string filter_key(const Filter& f) {
  std::string s = f.query;
  s += '\x1f';
  for (const auto& st : f.statuses) s += st + ",";
  s += '\x1f' + f.product_public_id + '\x1f' + f.tier + '\x1f' + f.country + '\x1f';
  auto opt = [&s](const std::optional<int64_t>& v) {
    s += v ? std::to_string(*v) : std::string("-");
    s += '\x1f';
  };
  opt(f.from);
  opt(f.to);
  opt(f.min_total_minor);
  opt(f.max_total_minor);
  return s;
}

std::string encode_cursor(const Cursor& c, const Filter& f, Sort sort) {
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(fingerprint(f, sort)));
  return base64url("1." + std::to_string(c.key) + "." + std::to_string(c.line_id) + "." + fp);
}

Result<Cursor> decode_cursor(std::string_view text, const Filter& f, Sort sort) {
  const Error invalid = bad("cursor", "cursor is not valid for this query");
  auto raw = unbase64url(text);
  if (!raw) return fail(invalid);
  std::vector<std::string_view> parts;
  std::string_view rest = *raw;
  while (true) {
    const auto dot = rest.find('.');
    parts.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (parts.size() != 4 || parts[0] != "1") return fail(invalid);
  const auto key = parse_int(parts[1]);
  const auto line = parse_int(parts[2]);
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(fingerprint(f, sort)));
  if (!key || !line || parts[3] != fp) return fail(invalid);
  return Cursor{*key, *line};
}

Interval default_interval(Micros from, Micros to) {
  const Micros span = to - from;
  if (span <= 92 * kDay) return Interval::day;
  if (span <= 731 * kDay) return Interval::week;
  return Interval::month;
}

Micros bucket_start(Micros t, Interval interval) {
  const int64_t days = floor_div(t, kDay);
  switch (interval) {
    case Interval::day:
      return days * kDay;
    case Interval::week: {
      // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
      const int64_t monday = days - ((days + 3) % 7 + 7) % 7;
      return monday * kDay;
    }
    case Interval::month: {
      int64_t y = 0;
      unsigned m = 0, d = 0;
      civil_from_days(days, y, m, d);
      return days_from_civil(y, m, 1) * kDay;
    }
  }
  return t;
}

Micros next_bucket(Micros start, Interval interval) {
  switch (interval) {
    case Interval::day:
      return start + kDay;
    case Interval::week:
      return start + 7 * kDay;
    case Interval::month: {
      int64_t y = 0;
      unsigned m = 0, d = 0;
      civil_from_days(floor_div(start, kDay), y, m, d);
      if (++m == 13) {
        m = 1;
        ++y;
      }
      return days_from_civil(y, m, 1) * kDay;
    }
  }
  return start;
}

const char* interval_name(Interval interval) {
  switch (interval) {
    case Interval::day:
      return "day";
    case Interval::week:
      return "week";
    case Interval::month:
      return "month";
  }
  return "day";
}

std::string csv_header() {
  return "order_id,line_id,date,customer_name,customer_email,country,region,product,"
         "license_tier,quantity,unit_price,tax,tax_rate,total,currency,status,refunded_amount,"
         "payment_brand,payment_last4,license_key\r\n";
}

void append_csv_field(std::string& out, std::string_view field) {
  const bool formula = !field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '-' ||
                                          field[0] == '@' || field[0] == '\t' || field[0] == '\r');
  // (A plain loop: find_first_of calls memchr over the set for every character.)
  bool quote = formula;
  for (size_t i = 0; i < field.size() && !quote; ++i) {
    const char c = field[i];
    quote = c == ',' || c == '"' || c == '\r' || c == '\n';
  }
  if (!quote) {
    out.append(field);
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string format_rate_percent(int64_t rate_ppm) {
  // ppm / 10,000 = percent, with up to four decimals.
  std::string s = std::to_string(rate_ppm / 10000);
  int64_t frac = rate_ppm % 10000;
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(frac));
    std::string f = buf;
    while (!f.empty() && f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s;
}

namespace {

// The CSV row writer writes through a pointer into room made beforehand (a bound of the row's
// size), instead of appending piece by piece: appends cost more than the rest of the row.

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// What append_csv_field does, into `p`.
char* put_field(char* p, std::string_view field) {
  const bool formula = !field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '-' ||
                                          field[0] == '@' || field[0] == '\t' || field[0] == '\r');
  bool quote = formula;
  for (size_t i = 0; i < field.size() && !quote; ++i) {
    const char c = field[i];
    quote = c == ',' || c == '"' || c == '\r' || c == '\n';
  }
  if (!quote) return put(p, field);
  *p++ = '"';
  if (formula) *p++ = '\'';
  for (char c : field) {
    if (c == '"') *p++ = '"';
    *p++ = c;
  }
  *p++ = '"';
  return p;
}

// A non-negative integer's digits.
char* put_digits(char* p, uint64_t v) { return std::to_chars(p, p + 20, v).ptr; }

// money_text of a non-negative amount with `exponent` decimals.
char* put_amount(char* p, uint64_t minor, int exponent) {
  char digits[24];
  const auto len = static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, minor).ptr - digits);
  const auto exp = static_cast<size_t>(exponent);
  if (exp == 0) return put(p, {digits, len});
  if (len <= exp) {
    *p++ = '0';
    *p++ = '.';
    std::memset(p, '0', exp - len);
    p += exp - len;
    return put(p, {digits, len});
  }
  p = put(p, {digits, len - exp});
  *p++ = '.';
  return put(p, {digits + len - exp, exp});
}

// A money field: exponent of the last currency kept; a negative amount (never seen in sales,
// but possible) through the formula guard like any field starting with '-'.
char* put_money_field(char* p, int64_t minor, std::string_view currency) {
  thread_local std::string cached_code;
  thread_local int cached_exponent = 2;
  if (currency != cached_code) {
    cached_exponent =
        currency_from_code(currency).value_or(Currency{{'X', 'X', 'X', 0}, 2}).exponent;
    cached_code.assign(currency);
  }
  if (minor < 0) return put_field(p, money_text(minor, std::string(currency)));
  return put_amount(p, static_cast<uint64_t>(minor), cached_exponent);
}

char* put_int_field(char* p, int64_t v) {
  if (v < 0) return put_field(p, std::to_string(v));
  return put_digits(p, static_cast<uint64_t>(v));
}

// format_rate_percent, into `p`.
char* put_rate_field(char* p, int64_t rate_ppm) {
  if (rate_ppm < 0) return put_field(p, format_rate_percent(rate_ppm));
  p = put_digits(p, static_cast<uint64_t>(rate_ppm / 10000));
  int64_t frac = rate_ppm % 10000;
  if (frac == 0) return p;
  *p++ = '.';
  char d[4];
  for (int i = 3; i >= 0; --i) {
    d[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  size_t n = 4;
  while (d[n - 1] == '0') --n;
  return put(p, {d, n});
}

// format_rfc3339 without the allocation and snprintf per call: the date part of the last day
// is kept (rows come sorted, so consecutive rows mostly share it).
char* put_rfc3339(char* p, Micros t) {
  thread_local int64_t cached_day = INT64_MIN;
  thread_local std::string cached_date;
  const int64_t day = floor_div(t, kDay);
  if (day != cached_day) {
    const std::string full = format_rfc3339(day * kDay);  // "YYYY-MM-DDT00:00:00Z"
    cached_date = full.substr(0, full.find('T') + 1);
    cached_day = day;
  }
  p = put(p, cached_date);
  const Micros rem = t - day * kDay;
  const int64_t secs = rem / kMicrosPerSecond;
  const int64_t frac = rem % kMicrosPerSecond;
  auto two = [](char* q, int64_t v) {
    q[0] = static_cast<char>('0' + v / 10);
    q[1] = static_cast<char>('0' + v % 10);
  };
  two(p, secs / 3600);
  p[2] = ':';
  two(p + 3, secs / 60 % 60);
  p[5] = ':';
  two(p + 6, secs % 60);
  p += 8;
  if (frac != 0) {
    *p++ = '.';
    int64_t f = frac;
    for (int i = 5; i >= 0; --i) {
      p[i] = static_cast<char>('0' + f % 10);
      f /= 10;
    }
    p += 6;
  }
  *p++ = 'Z';
  return p;
}

}  // namespace

void append_csv_row(std::string& out, const CsvFields& r) {
  const std::string_view text[] = {r.order_public_id, r.line_public_id, r.customer_name,
                                   r.customer_email,  r.country,        r.region,
                                   r.product_title,   r.tier_name,      r.currency,
                                   r.status,          r.payment_brand,  r.payment_last4,
                                   r.license_key};
  // Room enough: every text field doubled and quoted (the worst case), the rest at most 256.
  size_t bound = 256;
  for (const auto& t : text) bound += 2 * t.size() + 3;
  const size_t start = out.size();
  out.resize(start + bound);
  char* const begin = out.data();
  char* p = begin + start;
  auto field = [&p](std::string_view v) {
    p = put_field(p, v);
    *p++ = ',';
  };
  field(r.order_public_id);
  field(r.line_public_id);
  p = put_rfc3339(p, r.created_at);
  *p++ = ',';
  field(r.customer_name);
  field(r.customer_email);
  field(r.country);
  field(r.region);
  field(r.product_title);
  field(r.tier_name);
  p = put_int_field(p, r.quantity);
  *p++ = ',';
  p = put_money_field(p, r.unit_price_minor, r.currency);
  *p++ = ',';
  p = put_money_field(p, r.tax_minor, r.currency);
  *p++ = ',';
  p = put_rate_field(p, r.tax_rate_ppm);
  *p++ = ',';
  p = put_money_field(p, r.total_minor, r.currency);
  *p++ = ',';
  field(r.currency);
  field(r.status);
  p = put_money_field(p, r.refunded_minor, r.currency);
  *p++ = ',';
  field(r.payment_brand);
  field(r.payment_last4);
  p = put_field(p, r.license_key);
  *p++ = '\r';
  *p++ = '\n';
  out.resize(static_cast<size_t>(p - begin));
}

void append_csv_row(std::string& out, const SaleRow& r) {
  CsvFields f;
  f.order_public_id = r.order_public_id;
  f.line_public_id = r.line_public_id;
  f.customer_name = r.customer_name;
  f.customer_email = r.customer_email;
  f.country = r.country;
  f.region = r.region;
  f.product_title = r.product_title;
  f.tier_name = r.tier_name;
  f.currency = r.currency;
  f.status = r.status;
  f.payment_brand = r.payment_brand;
  f.payment_last4 = r.payment_last4;
  f.license_key = r.license_key;
  f.created_at = r.created_at;
  f.quantity = r.quantity;
  f.unit_price_minor = r.unit_price_minor;
  f.tax_minor = r.tax_minor;
  f.tax_rate_ppm = r.tax_rate_ppm;
  f.total_minor = r.total_minor;
  f.refunded_minor = r.refunded_minor;
  append_csv_row(out, f);
}

}  // namespace sd::sales
