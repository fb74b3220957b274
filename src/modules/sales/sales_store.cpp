// SQL of the sales read model, and nothing else.
//
// How a search runs (the plan) depends on how selective it is, because the two indexes fail in
// opposite cases: the trigram index (FTS5 `trigram` on SQLite, pg_trgm GIN on PostgreSQL)
// answers a rare fragment at once but has to visit every posting of a common one, while walking
// the store's newest-first index with a substring test finds a page of a common fragment within
// a few hundred rows but may walk the whole store for a rare one. A probe of the store's newest
// rows estimates the density of matches and picks:
//   index    no search text: the keyset index alone;
//   walk     fragments under 3 characters (no trigram to look up), stores whose newest rows are
//            all there is, and fragments dense enough that a page is found within ~20k rows;
//   trigram  everything else;
//   order    a whole order id ("SD-XXXX-XXXX", any case): that order's lines, through the
//            orders' unique index (the trigram index would read the postings of every trigram
//            of it, which grow with the table: 0.7 ms at 1M orders, 2.7 ms at 10M).
// Counts and sums (the summary, the timeseries) choose differently: see aggregate_plan.
#include <algorithm>
#include <array>
#include <cctype>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "core/assert.hpp"
#include "modules/sales/sales.hpp"

namespace sd::sales {

enum class Plan { index, walk, trigram, order };

// How one request searches: the plan, and for the trigram plan on SQLite the MATCH expression
// with the number of rows it matches in all stores (counted up to a bound; -1 when not counted).
struct Search {
  Plan plan = Plan::index;
  std::string match;
  int64_t estimate = -1;
};

namespace {

const char* plan_name(Plan p) {
  switch (p) {
    case Plan::index:
      return "index";
    case Plan::walk:
      return "walk";
    case Plan::trigram:
      return "trigram";
    case Plan::order:
      return "order";
  }
  return "";
}

constexpr const char* kRefundRequested = "refund_requested";
constexpr int kProbeRows = 2000;
// Walk when the expected number of rows walked for one page stays under ~20k.
constexpr int64_t kWalkRowsMax = 20000;
constexpr int kTrigramChars = 3;
// A fragment in at most this many rows (all stores) takes the trigram plan without a probe:
// looking at them all costs less than the probe.
constexpr int64_t kTrigramRowsSure = 2000;
// A search's summary counts at most this many matches (see summarise).
constexpr int64_t kSummaryMatchesMax = 1000;
// Under 3 code points, the summary searches the store's newest this many sales.
constexpr int64_t kSummaryWalkRowsMax = 10000;

constexpr const char* kColumns =
    "line_id, store_id, order_id, order_public_id, line_public_id, created_at, product_id, "
    "product_public_id, product_title, tier_name, quantity, customer_id, customer_public_id, "
    "customer_name, customer_email, status, unit_price_minor, price_minor, tax_minor, "
    "tax_rate_ppm, total_minor, refunded_minor, currency, country, region, payment_brand, "
    "payment_last4, license_key, refund_request_reply_by";

// From a collected Row or straight from the statement (RowView), in kColumns order.
template <class R>
SaleRow read_row(const R& r) {
  SaleRow s;
  s.line_id = r.i64(0);
  s.store_id = r.i64(1);
  s.order_id = r.i64(2);
  s.order_public_id = r.text(3);
  s.line_public_id = r.text(4);
  s.created_at = r.i64(5);
  s.product_id = r.i64(6);
  s.product_public_id = r.text(7);
  s.product_title = r.text(8);
  s.tier_name = r.text(9);
  s.quantity = r.i64(10);
  s.customer_id = r.i64(11);
  s.customer_public_id = r.text(12);
  s.customer_name = r.text(13);
  s.customer_email = r.text(14);
  s.status = r.text(15);
  s.unit_price_minor = r.i64(16);
  s.price_minor = r.i64(17);
  s.tax_minor = r.i64(18);
  s.tax_rate_ppm = r.i64(19);
  s.total_minor = r.i64(20);
  s.refunded_minor = r.i64(21);
  s.currency = r.text(22);
  s.country = r.text(23);
  s.region = r.text(24);
  s.payment_brand = r.text(25);
  s.payment_last4 = r.text(26);
  s.license_key = r.text(27);
  if (!r.is_null(28)) s.refund_request_reply_by = r.i64(28);
  return s;
}

// A statement whose conditions depend on the filter. Both back ends want every `$n` of the
// parameter list to appear in the text, and Tx takes a fixed list, so the statement always has
// kParams parameters: the unused ones are NULL and appear in a condition that is always true.
class Sql {
 public:
  static constexpr int kParams = 24;

  std::string bind(db::Value v) {
    SD_ASSERT(used_ < kParams);
    vals_[static_cast<size_t>(used_)] = std::move(v);
    return "$" + std::to_string(++used_);
  }
  // Conditions that reference the parameters nobody bound (append inside a WHERE).
  std::string unused() const {
    std::string s;
    for (int i = used_ + 1; i <= kParams; ++i) s += " AND CAST($" + std::to_string(i) + " AS TEXT) IS NULL";
    return s;
  }
  Result<std::vector<db::Row>> query(db::Tx& tx, const std::string& sql) const {
    const auto& v = vals_;
    return tx.query(sql, {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
                          v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20],
                          v[21], v[22], v[23]});
  }
  // Streams the rows (no copy of each column into a Row).
  Result<void> each(db::Tx& tx, const std::string& sql,
                    const std::function<bool(const db::RowView&)>& on_row) const {
    const auto& v = vals_;
    return tx.each(sql,
                   {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                    v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22],
                    v[23]},
                   on_row);
  }

 private:
  std::array<db::Value, kParams> vals_{db::Value(nullptr), db::Value(nullptr), db::Value(nullptr),
                                       db::Value(nullptr), db::Value(nullptr), db::Value(nullptr),
                                       db::Value(nullptr), db::Value(nullptr), db::Value(nullptr),
                                       db::Value(nullptr), db::Value(nullptr), db::Value(nullptr),
                                       db::Value(nullptr), db::Value(nullptr), db::Value(nullptr),
                                       db::Value(nullptr), db::Value(nullptr), db::Value(nullptr),
                                       db::Value(nullptr), db::Value(nullptr), db::Value(nullptr),
                                       db::Value(nullptr), db::Value(nullptr), db::Value(nullptr)};
  int used_ = 0;
};

// The filter's conditions other than the search text (" AND …").
std::string filter_sql(Sql& q, const Filter& f) {
  std::string w;
  if (!f.statuses.empty()) {
    // "refund_requested" is not a row status: it is an open request on the row's order.
    std::vector<std::string> row_statuses;
    bool requested = false;
    for (const auto& st : f.statuses) {
      if (st == kRefundRequested) requested = true;
      else row_statuses.push_back(st);
    }
    std::string any;
    if (!row_statuses.empty()) {
      any += "status IN (";
      for (size_t i = 0; i < row_statuses.size(); ++i) any += (i ? ", " : "") + q.bind(row_statuses[i]);
      any += ")";
    }
    if (requested) any += std::string(any.empty() ? "" : " OR ") + "refund_request_reply_by IS NOT NULL";
    w += " AND (" + any + ")";
  }
  if (!f.product_public_id.empty()) w += " AND product_public_id = " + q.bind(f.product_public_id);
  if (!f.tier.empty()) w += " AND tier_name = " + q.bind(f.tier);
  if (!f.country.empty()) w += " AND country = " + q.bind(f.country);
  if (f.from) w += " AND created_at >= " + q.bind(*f.from);
  if (f.to) w += " AND created_at < " + q.bind(*f.to);
  if (f.min_total_minor) w += " AND total_minor >= " + q.bind(*f.min_total_minor);
  if (f.max_total_minor) w += " AND total_minor <= " + q.bind(*f.max_total_minor);
  return w;
}

std::string substring_test(Sql& q, db::Dialect d, const std::string& text) {
  return d == db::Dialect::sqlite ? " AND instr(search_text, " + q.bind(text) + ") > 0"
                                  : " AND strpos(search_text, " + q.bind(text) + ") > 0";
}

size_t codepoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Whether a normalised query is a whole order id: "sd-" and two groups of four characters of
// the ids' alphabet (Crockford's base 32) joined by "-".
bool is_order_id(std::string_view q) {
  constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  if (q.size() != 12 || !q.starts_with("sd-") || q[7] != '-') return false;
  for (size_t i = 3; i < q.size(); ++i) {
    if (i != 7 && kAlphabet.find(q[i]) == std::string_view::npos) return false;
  }
  return true;
}

// The order plan's condition: the store's lines of the order with that public id. On SQLite
// `+store_id` keeps the planner off the store's index (which sorts, but would visit every one
// of the store's sales: 0.4 s at 1M): the order's few lines come from sales_order.
std::string order_sql(Sql& q, db::Dialect d, int64_t store_id, std::string_view query) {
  std::string public_id(query);
  for (char& c : public_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return std::string(d == db::Dialect::sqlite ? "+" : "") + "store_id = " + q.bind(store_id) +
         " AND order_id = (SELECT id FROM orders WHERE public_id = " + q.bind(public_id) + ")";
}

// The FTS5 query for a normalised fragment of 3+ code points (the phrase of its trigrams, which
// the substring test then confirms), and how many rows it matches in all stores, counted up to
// kTrigramRowsSure + 1 only, so that a common fragment costs no more than a rare one. (Looking
// up per-trigram document counts in an fts5vocab table was tried: it reads each trigram's
// whole doclist, 4 ms for the "sd-" of every order id at 100,000 orders.)
std::string fts_phrase(std::string_view fragment) {
  // Every row's text starts with its order id, "sd-…": that trigram's postings are the whole
  // table (3.4 ms to read at 1,000,000 orders, against 0.3 ms for the rest of an order id). The
  // substring test confirms the whole fragment, so the phrase may leave that prefix out.
  constexpr std::string_view kOrderPrefix = "sd-";
  if (fragment.starts_with(kOrderPrefix) && codepoints(fragment.substr(kOrderPrefix.size())) >= 3)
    fragment.remove_prefix(kOrderPrefix.size());
  std::string phrase = "\"";
  for (char c : fragment) phrase += c == '"' ? std::string("\"\"") : std::string(1, c);
  return phrase + "\"";
}

Result<Search> trigram_match(db::Tx& tx, const std::string& fragment) {
  std::string phrase = fts_phrase(fragment);
  int64_t estimate = 0;
  SD_TRY_VOID(tx.each("SELECT count(*) FROM (SELECT rowid FROM sales_search WHERE sales_search "
                      "MATCH $1 LIMIT $2)",
                      {phrase, kTrigramRowsSure + 1}, [&](const db::RowView& r) {
                        estimate = r.i64(0);
                        return false;
                      }));
  return Search{Plan::trigram, std::move(phrase), estimate};
}

// The search text condition for a plan, and the store condition that goes with it. For the
// trigram plan on SQLite, `+store_id` keeps the planner from walking the store's index: the
// row ids come from the FTS5 index and are then checked (and the substring test confirms).
std::string search_sql(Sql& q, db::Dialect d, const Filter& f, const Search& search,
                       int64_t store_id) {
  std::string w;
  const Plan plan = search.plan;
  if (plan == Plan::order) return order_sql(q, d, store_id, f.query);
  if (plan == Plan::trigram && d == db::Dialect::sqlite) {
    w += "+store_id = " + q.bind(store_id) +
         " AND line_id IN (SELECT rowid FROM sales_search WHERE sales_search MATCH " +
         q.bind(search.match) + ")";
  } else {
    w += "store_id = " + q.bind(store_id);
  }
  if (plan == Plan::trigram && d == db::Dialect::postgres) {
    std::string pattern = "%";
    for (char c : f.query) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += "%";
    w += " AND search_text LIKE " + q.bind(pattern);
  } else if (plan != Plan::index) {
    w += substring_test(q, d, f.query);
  }
  return w;
}

// The plan of a page: see the top of this file. On SQLite a fragment in few rows goes to the
// trigram index at once; for the others a probe of the store's newest rows measures how dense
// the matches are.
Result<Search> choose_plan(db::Tx& tx, int64_t store_id, const Filter& f) {
  if (f.query.empty()) return Search{Plan::index, "", -1};
  if (codepoints(f.query) < kTrigramChars) return Search{Plan::walk, "", -1};
  if (is_order_id(f.query)) return Search{Plan::order, "", -1};
  Search trigram{Plan::trigram, "", -1};
  if (tx.dialect() == db::Dialect::sqlite) {
    trigram = SD_TRY(trigram_match(tx, f.query));
    if (trigram.estimate <= kTrigramRowsSure) return trigram;
  }
  Sql q;
  const std::string store = q.bind(store_id);
  const std::string probe = std::to_string(kProbeRows);
  std::string where = " WHERE 1 = 1" + filter_sql(q, f) + substring_test(q, tx.dialect(), f.query);
  const std::string sql =
      "SELECT (SELECT count(*) FROM (SELECT line_id FROM sales WHERE store_id = " + store +
      " ORDER BY created_at DESC, line_id DESC LIMIT " + probe + ") a), (SELECT count(*) FROM "
      "(SELECT status, product_public_id, tier_name, country, created_at, total_minor, "
      "refund_request_reply_by, search_text FROM sales WHERE store_id = " + store +
      " ORDER BY created_at DESC, line_id DESC LIMIT " + probe + ") b" + where + q.unused() + ")";
  auto rows = SD_TRY(q.query(tx, sql));
  const int64_t seen = rows.at(0).i64(0);
  const int64_t hits = rows.at(0).i64(1);
  if (seen < kProbeRows) return Search{Plan::walk, "", -1};  // the whole store was just looked at
  if (hits > 0 && (51 * kProbeRows) / hits <= kWalkRowsMax) return Search{Plan::walk, "", -1};
  return trigram;
}

std::string order_by(Sort sort) {
  switch (sort) {
    case Sort::created_desc:
      return " ORDER BY created_at DESC, line_id DESC";
    case Sort::created_asc:
      return " ORDER BY created_at ASC, line_id ASC";
    case Sort::total_desc:
      return " ORDER BY total_minor DESC, line_id DESC";
    case Sort::total_asc:
      return " ORDER BY total_minor ASC, line_id ASC";
  }
  return "";
}

bool sorts_by_total(Sort sort) { return sort == Sort::total_desc || sort == Sort::total_asc; }

// The rows strictly after the cursor in sort order (`after`), or those at or before it (the end
// of a CSV range), as " AND …". The first, redundant bound is what lets the planner start the
// index range at the cursor: with parameters, the OR alone made SQLite walk the store's index
// from its start (a deep page cost 1.2 ms instead of 0.4).
std::string cursor_bound_sql(Sql& q, Sort sort, const Cursor& c, bool after) {
  const bool desc = sort == Sort::created_desc || sort == Sort::total_desc;
  const std::string dir = after != desc ? " >" : " <";  // towards the rows wanted
  const std::string col = sorts_by_total(sort) ? "total_minor" : "created_at";
  const std::string k0 = q.bind(c.key), k1 = q.bind(c.key), id = q.bind(c.line_id);
  return " AND " + col + dir + "= " + k0 + " AND (" + col + dir + " " + k1 + " OR line_id" + dir +
         (after ? " " : "= ") + id + ")";
}

std::string keyset_sql(Sql& q, Sort sort, const Cursor& c) {
  return cursor_bound_sql(q, sort, c, true);
}

std::string until_sql(Sql& q, Sort sort, const Cursor& c) {
  return cursor_bound_sql(q, sort, c, false);
}

Cursor cursor_after(const SaleRow& r, Sort sort) {
  return Cursor{sorts_by_total(sort) ? r.total_minor : r.created_at, r.line_id};
}

// SELECT `columns` of the rows the filter matches after `after` (and up to `max_line_id`, and
// at or before `until`), in sort order, at most `limit` rows, with the plan's search condition.
std::string select_sql(Sql& q, db::Dialect d, int64_t store_id, const Filter& f, Sort sort,
                       int64_t limit, const std::optional<Cursor>& after,
                       std::optional<int64_t> max_line_id, const Search& search,
                       const char* columns, const std::optional<Cursor>& until = std::nullopt) {
  std::string where = search_sql(q, d, f, search, store_id) + filter_sql(q, f);
  if (after) where += keyset_sql(q, sort, *after);
  if (until) where += until_sql(q, sort, *until);
  if (max_line_id) where += " AND line_id <= " + q.bind(*max_line_id);
  const std::string lim = q.bind(limit);
  return std::string("SELECT ") + columns + " FROM sales WHERE " + where + q.unused() +
         order_by(sort) + " LIMIT " + lim;
}

Result<Page> list_with_plan(db::Tx& tx, int64_t store_id, const Filter& f, Sort sort, int limit,
                            const std::optional<Cursor>& after, const Search& search) {
  Sql q;
  const std::string sql = select_sql(q, tx.dialect(), store_id, f, sort, int64_t{limit} + 1,
                                     after, std::nullopt, search, kColumns);
  Page page;
  page.plan = plan_name(search.plan);
  page.rows.reserve(static_cast<size_t>(limit) + 1);
  SD_TRY_VOID(q.each(tx, sql, [&](const db::RowView& r) {
    page.rows.push_back(read_row(r));
    return true;
  }));
  page.has_more = page.rows.size() > static_cast<size_t>(limit);
  if (page.has_more) {
    page.rows.pop_back();
    page.next = cursor_after(page.rows.back(), sort);
  }
  return page;
}

constexpr Micros kDayMicros = 86'400'000'000;

int64_t month_of_day(int64_t day) { return bucket_start(day * kDayMicros, Interval::month) / kDayMicros; }

// Adds `count` sales of `total_minor` to one rollup row.
Result<void> add_to_rollup_row(db::Tx& tx, int64_t store_id, std::string_view grain,
                               int64_t period, std::string_view status,
                               std::string_view product_public_id, std::string_view tier,
                               std::string_view country, int64_t count, int64_t total_minor) {
  SD_TRY(tx.exec(
      "INSERT INTO sales_rollup (store_id, grain, period, status, product_public_id, "
      "tier_name, country, count, total_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "ON CONFLICT (store_id, grain, period, status, product_public_id, tier_name, country) "
      "DO UPDATE SET count = sales_rollup.count + excluded.count, "
      "total_minor = sales_rollup.total_minor + excluded.total_minor",
      {store_id, grain, period, status, product_public_id, tier, country, count, total_minor}));
  return {};
}

// Adds `count` sales of `total_minor` to the day's, the month's and the all-time rollup rows.
Result<void> add_to_rollup(db::Tx& tx, int64_t store_id, Micros created_at,
                           std::string_view status, std::string_view product_public_id,
                           std::string_view tier, std::string_view country, int64_t count,
                           int64_t total_minor) {
  const int64_t day = created_at / kDayMicros;
  for (const auto& [grain, period] : {std::pair<const char*, int64_t>{"d", day},
                                      std::pair<const char*, int64_t>{"m", month_of_day(day)},
                                      std::pair<const char*, int64_t>{"a", 0}}) {
    SD_TRY_VOID(add_to_rollup_row(tx, store_id, grain, period, status, product_public_id, tier,
                                  country, count, total_minor));
  }
  return {};
}

}  // namespace

void RollupBatch::add(const SaleRow& s) {
  const int64_t day = s.created_at / kDayMicros;
  for (const auto& [grain, period] : {std::pair<char, int64_t>{'d', day},
                                      std::pair<char, int64_t>{'m', month_of_day(day)},
                                      std::pair<char, int64_t>{'a', 0}}) {
    auto& sum =
        sums_[{s.store_id, grain, period, s.status, s.product_public_id, s.tier_name, s.country}];
    sum.first += 1;
    sum.second += s.total_minor;
  }
}

Result<void> RollupBatch::write(db::Tx& tx) {
  // Rows the rollup already has are added to one by one; the others (nearly all, in a new
  // store) are appended together.
  std::set<decltype(sums_)::key_type> existing;
  std::set<int64_t> stores;
  for (const auto& [key, sum] : sums_) stores.insert(std::get<0>(key));
  for (const int64_t store_id : stores)
    SD_TRY_VOID(tx.each("SELECT grain, period, status, product_public_id, tier_name, country "
                        "FROM sales_rollup WHERE store_id = $1",
                        {store_id}, [&](const db::RowView& r) {
                          existing.insert({store_id, r.text(0).empty() ? '?' : r.text(0)[0],
                                           r.i64(1), std::string(r.text(2)), std::string(r.text(3)),
                                           std::string(r.text(4)), std::string(r.text(5))});
                          return true;
                        }));
  std::vector<db::Value> rows;
  for (const auto& [key, sum] : sums_) {
    const auto& [store_id, grain, period, status, product, tier, country] = key;
    if (existing.contains(key)) {
      SD_TRY_VOID(add_to_rollup_row(tx, store_id, std::string_view(&grain, 1), period, status,
                                    product, tier, country, sum.first, sum.second));
      continue;
    }
    for (db::Value v : {db::Value(store_id), db::Value(std::string(1, grain)), db::Value(period),
                        db::Value(status), db::Value(product), db::Value(tier), db::Value(country),
                        db::Value(sum.first), db::Value(sum.second)})
      rows.push_back(std::move(v));
  }
  SD_TRY_VOID(tx.append_rows("sales_rollup",
                             {"store_id", "grain", "period", "status", "product_public_id",
                              "tier_name", "country", "count", "total_minor"},
                             rows));
  sums_.clear();
  return {};
}

namespace {

// A date range cut into what the rollup answers (all time, whole months, whole days) and what
// the rows themselves answer (the partial days at its edges). Bounds are optional (open ends).
struct Piece {
  enum Kind { rows, days, months, all } kind;
  std::optional<int64_t> lo, hi;  // micros for rows; day numbers for days and months
};

std::vector<Piece> cut_range(std::optional<Micros> from, std::optional<Micros> to) {
  std::vector<Piece> out;
  if (!from && !to) return {Piece{Piece::all, std::nullopt, std::nullopt}};
  std::optional<int64_t> d0, d1;  // whole days [d0, d1)
  if (from) d0 = *from / kDayMicros + (*from % kDayMicros != 0 ? 1 : 0);
  if (to) d1 = *to / kDayMicros;
  if (d0 && d1 && *d0 >= *d1) {  // no whole day inside
    out.push_back({Piece::rows, from, to});
    return out;
  }
  if (from && *from % kDayMicros != 0) out.push_back({Piece::rows, from, *d0 * kDayMicros});
  if (to && *to % kDayMicros != 0) out.push_back({Piece::rows, *d1 * kDayMicros, to});
  std::optional<int64_t> m0, m1;  // whole months [m0, m1), as day numbers
  if (d0) {
    m0 = month_of_day(*d0);
    if (*m0 < *d0) m0 = next_bucket(*m0 * kDayMicros, Interval::month) / kDayMicros;
  }
  if (d1) m1 = month_of_day(*d1);
  if (m0 && m1 && *m0 >= *m1) {
    out.push_back({Piece::days, d0, d1});
    return out;
  }
  if (d0 && *d0 < *m0) out.push_back({Piece::days, d0, m0});
  out.push_back({Piece::months, m0, m1});
  if (d1 && *m1 < *d1) out.push_back({Piece::days, m1, d1});
  return out;
}

// Whether the rollup can answer this filter: no search text and no amount range.
bool rollup_answers(const Filter& f) {
  return f.query.empty() && !f.min_total_minor && !f.max_total_minor &&
         std::find(f.statuses.begin(), f.statuses.end(), kRefundRequested) == f.statuses.end();
}

// (day number, count, total) rows of one piece; grouped by day when `by_day`, else one row.
Result<std::vector<db::Row>> piece_rows(db::Tx& tx, int64_t store_id, const Filter& f,
                                        const Piece& p, bool by_day) {
  Filter g = f;
  g.from.reset();
  g.to.reset();
  Sql q;
  if (p.kind == Piece::rows) {
    g.from = p.lo;
    g.to = p.hi;
    const std::string where = "store_id = " + q.bind(store_id) + filter_sql(q, g);
    return q.query(tx, std::string("SELECT ") + (by_day ? "created_at / 86400000000" : "0") +
                           ", count(*), COALESCE(sum(total_minor), 0) FROM sales WHERE " + where +
                           q.unused() + (by_day ? " GROUP BY created_at / 86400000000" : ""));
  }
  std::string where = "store_id = " + q.bind(store_id) +
                      " AND grain = " +
                      q.bind(p.kind == Piece::days ? "d" : p.kind == Piece::months ? "m" : "a");
  if (p.lo) where += " AND period >= " + q.bind(*p.lo);
  if (p.hi) where += " AND period < " + q.bind(*p.hi);
  where += filter_sql(q, g);
  return q.query(tx, std::string("SELECT ") + (by_day ? "period" : "0") +
                         ", COALESCE(sum(count), 0), COALESCE(sum(total_minor), 0) FROM "
                         "sales_rollup WHERE " + where + q.unused() +
                         (by_day ? " GROUP BY period" : ""));
}

}  // namespace

Result<void> record(db::Tx& tx, const SaleRow& s) { return record(tx, s, search_text(s)); }

Result<void> record(db::Tx& tx, const SaleRow& s, std::string text) {
  SD_TRY(tx.exec(
      "INSERT INTO sales (line_id, store_id, order_id, order_public_id, line_public_id, "
      "created_at, product_id, product_public_id, product_title, tier_name, quantity, "
      "customer_id, customer_public_id, customer_name, customer_email, status, unit_price_minor, "
      "price_minor, tax_minor, tax_rate_ppm, total_minor, refunded_minor, currency, country, "
      "region, payment_brand, payment_last4, license_key, search_text, search_version) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
      "$20, $21, $22, $23, $24, $25, $26, $27, $28, $29, 1)",
      {s.line_id, s.store_id, s.order_id, s.order_public_id, s.line_public_id, s.created_at,
       s.product_id, s.product_public_id, s.product_title, s.tier_name, s.quantity, s.customer_id,
       s.customer_public_id, s.customer_name, s.customer_email, s.status, s.unit_price_minor,
       s.price_minor, s.tax_minor, s.tax_rate_ppm, s.total_minor, s.refunded_minor, s.currency,
       s.country, s.region, s.payment_brand, s.payment_last4, s.license_key, text}));
  if (tx.dialect() == db::Dialect::sqlite) {
    // Deferred: a commit group's index rows then make one FTS5 segment, not one per checkout.
    SD_TRY_VOID(tx.exec_deferred([line_id = s.line_id, text](db::Tx& t) -> Result<void> {
      SD_TRY(t.exec("INSERT INTO sales_search (rowid, search_text) VALUES ($1, $2)",
                    {line_id, text}));
      return {};
    }));
  }
  return add_to_rollup(tx, s.store_id, s.created_at, s.status, s.product_public_id, s.tier_name,
                       s.country, 1, s.total_minor);
}

Result<void> record_many(db::Tx& tx, const std::vector<SaleRow>& rows, RollupBatch* rollup) {
  if (rows.empty()) return {};
  RollupBatch own;
  RollupBatch& changes = rollup != nullptr ? *rollup : own;
  std::vector<db::Value> values, search;
  values.reserve(rows.size() * 30);
  search.reserve(rows.size() * 2);
  for (const auto& s : rows) {
    std::string text = search_text(s);
    const size_t at = values.size();
    values.resize(at + 30, nullptr);
    db::Value* v = &values[at];
    *v++ = s.line_id; *v++ = s.store_id; *v++ = s.order_id; *v++ = s.order_public_id;
    *v++ = s.line_public_id; *v++ = s.created_at; *v++ = s.product_id; *v++ = s.product_public_id;
    *v++ = s.product_title; *v++ = s.tier_name; *v++ = s.quantity; *v++ = s.customer_id;
    *v++ = s.customer_public_id; *v++ = s.customer_name; *v++ = s.customer_email;
    *v++ = s.status; *v++ = s.unit_price_minor; *v++ = s.price_minor; *v++ = s.tax_minor;
    *v++ = s.tax_rate_ppm; *v++ = s.total_minor; *v++ = s.refunded_minor; *v++ = s.currency;
    *v++ = s.country; *v++ = s.region; *v++ = s.payment_brand; *v++ = s.payment_last4;
    *v++ = s.license_key;
    if (tx.dialect() == db::Dialect::sqlite) {
      *v++ = text;
      search.emplace_back(s.line_id);
      search.emplace_back(std::move(text));
    } else {
      *v++ = std::move(text);
    }
    *v++ = 1;
    changes.add(s);
  }
  SD_TRY_VOID(tx.append_rows(
      "sales",
      {"line_id", "store_id", "order_id", "order_public_id", "line_public_id", "created_at",
       "product_id", "product_public_id", "product_title", "tier_name", "quantity", "customer_id",
       "customer_public_id", "customer_name", "customer_email", "status", "unit_price_minor",
       "price_minor", "tax_minor", "tax_rate_ppm", "total_minor", "refunded_minor", "currency",
       "country", "region", "payment_brand", "payment_last4", "license_key", "search_text",
       "search_version"},
      values));
  if (!search.empty()) SD_TRY_VOID(tx.append_rows("sales_search", {"rowid", "search_text"}, search));
  return rollup != nullptr ? Result<void>{} : own.write(tx);
}

// FTS5's defaults are automerge 4 and crisismerge 16. It refuses a 2,001st segment, so level 0
// is still merged, all at once, every 1,000 segments. (While FTS5 is part of a transaction each
// statement flushes its pending terms into a segment: record_many gives it thousands of rows a
// statement, so segments stay large enough.)
Result<void> defer_search_merges(db::Tx& tx) {
  if (tx.dialect() != db::Dialect::sqlite) return {};
  SD_TRY(tx.exec("INSERT INTO sales_search (sales_search, rank) VALUES ('automerge', 0)"));
  SD_TRY(tx.exec("INSERT INTO sales_search (sales_search, rank) VALUES ('crisismerge', 1000)"));
  return {};
}

Result<void> merge_search_index(db::Tx& tx) {
  if (tx.dialect() != db::Dialect::sqlite) return {};
  SD_TRY(tx.exec("INSERT INTO sales_search (sales_search) VALUES ('optimize')"));
  SD_TRY(tx.exec("INSERT INTO sales_search (sales_search, rank) VALUES ('automerge', 4)"));
  SD_TRY(tx.exec("INSERT INTO sales_search (sales_search, rank) VALUES ('crisismerge', 16)"));
  return {};
}

Result<void> rollup_status_change(db::Tx& tx, const SaleRow& s, std::string_view from_status,
                                  std::string_view to_status) {
  if (from_status == to_status) return {};
  SD_TRY_VOID(add_to_rollup(tx, s.store_id, s.created_at, from_status, s.product_public_id,
                            s.tier_name, s.country, -1, -s.total_minor));
  return add_to_rollup(tx, s.store_id, s.created_at, to_status, s.product_public_id, s.tier_name,
                       s.country, 1, s.total_minor);
}

Result<int64_t> backfill_search(db::Database& db) {
  int64_t total = 0;
  while (true) {
    int64_t done = 0;
    SD_TRY_VOID(db.write_work([&](db::Tx& tx) -> Result<void> {
      done = 0;
      auto rows = SD_TRY(tx.query(std::string("SELECT ") + kColumns +
                                  ", search_text FROM sales WHERE search_version = 0 "
                                  "ORDER BY line_id LIMIT 500"));
      for (const auto& r : rows) {
        const SaleRow s = read_row(r);
        const std::string text = search_text(s);
        if (tx.dialect() == db::Dialect::sqlite) {
          SD_TRY(tx.exec("INSERT INTO sales_search (sales_search, rowid, search_text) "
                         "VALUES ('delete', $1, $2)",
                         {s.line_id, r.text(28)}));
          SD_TRY(tx.exec("INSERT INTO sales_search (rowid, search_text) VALUES ($1, $2)",
                         {s.line_id, text}));
        }
        SD_TRY(tx.exec("UPDATE sales SET search_text = $1, search_version = 1 WHERE line_id = $2",
                       {text, s.line_id}));
        ++done;
      }
      return {};
    }));
    total += done;
    if (done == 0) return total;
  }
}

Result<Page> list(db::Tx& tx, int64_t store_id, const Filter& f, Sort sort, int limit,
                  const std::optional<Cursor>& after) {
  const Search search = SD_TRY(choose_plan(tx, store_id, f));
  return list_with_plan(tx, store_id, f, sort, limit, after, search);
}

Result<std::optional<int64_t>> view_version(db::Tx& tx, int64_t store_id) {
  if (tx.dialect() != db::Dialect::sqlite) return std::optional<int64_t>{};
  int64_t version = 0;  // no row yet: the store never had a sale
  SD_TRY_VOID(tx.each("SELECT version FROM sales_versions WHERE store_id = $1", {store_id},
                      [&](const db::RowView& r) {
                        version = r.i64(0);
                        return false;
                      }));
  return std::optional<int64_t>{version};
}

Result<Summary> summarise(db::Tx& tx, int64_t store_id, const Filter& f) {
  if (rollup_answers(f)) {
    Summary sum;
    for (const auto& piece : cut_range(f.from, f.to)) {
      for (const auto& r : SD_TRY(piece_rows(tx, store_id, f, piece, false))) {
        sum.count += r.i64(1);
        sum.total_minor += r.i64(2);
      }
    }
    return sum;
  }
  if (f.query.empty()) {  // an amount range or open refund requests: every matching row
    Sql q;
    const std::string where = "store_id = " + q.bind(store_id) + filter_sql(q, f);
    auto rows = SD_TRY(q.query(tx, "SELECT count(*), COALESCE(sum(total_minor), 0) FROM sales "
                                   "WHERE " + where + q.unused()));
    return Summary{rows.at(0).i64(0), rows.at(0).i64(1), true};
  }
  if (is_order_id(f.query)) {  // one order's lines: all of them, exactly
    Sql q;
    const std::string where = order_sql(q, tx.dialect(), store_id, f.query) + filter_sql(q, f);
    auto rows = SD_TRY(q.query(tx, "SELECT count(*), COALESCE(sum(total_minor), 0) FROM sales "
                                   "WHERE " + where + q.unused()));
    return Summary{rows.at(0).i64(0), rows.at(0).i64(1), true};
  }
  // A search: at most kSummaryMatchesMax matches are counted, so that a broad fragment costs
  // what a rare one does; with more, the summary says so (exact = false) and counts the first
  // kSummaryMatchesMax. Under 3 code points there is no trigram to look up: the store's newest
  // kSummaryWalkRowsMax sales (those the other filters keep) are searched.
  Sql q;
  const std::string cap = q.bind(kSummaryMatchesMax);
  std::string sql;
  const bool walk = codepoints(f.query) < kTrigramChars;
  if (walk) {
    // The newest rows of the store (in the date range, if any), then the other filters and the
    // substring test on them: the work is bounded whatever the filters keep.
    Filter range;
    range.from = f.from;
    range.to = f.to;
    const std::string store = q.bind(store_id);
    const std::string in_range = filter_sql(q, range);
    const std::string visit = q.bind(kSummaryWalkRowsMax + 1);
    const std::string keep = "1 = 1" + filter_sql(q, f) + substring_test(q, tx.dialect(), f.query);
    // Each visited row is kept (1) or not; the kept ones are numbered in order, and the first
    // `cap` of them summed.
    sql = "SELECT count(*) FILTER (WHERE kept = 1), COALESCE(sum(total_minor) FILTER (WHERE "
          "kept = 1 AND n <= " + cap + "), 0), count(*) FROM (SELECT total_minor, kept, sum(kept) OVER "
          "(ORDER BY created_at DESC, line_id DESC ROWS UNBOUNDED PRECEDING) AS n FROM (SELECT "
          "total_minor, created_at, line_id, CASE WHEN " + keep + " THEN 1 ELSE 0 END AS kept "
          "FROM (SELECT status, product_public_id, tier_name, country, created_at, line_id, "
          "total_minor, refund_request_reply_by, search_text FROM sales WHERE store_id = " +
          store + in_range + q.unused() + " ORDER BY created_at DESC, line_id DESC LIMIT " +
          visit + ") v) k) w";
    auto rows = SD_TRY(q.query(tx, sql));
    const int64_t matches = rows.at(0).i64(0);
    const int64_t visited = rows.at(0).i64(2);
    return Summary{std::min(matches, kSummaryMatchesMax), rows.at(0).i64(1),
                   visited <= kSummaryWalkRowsMax && matches <= kSummaryMatchesMax};
  }
  std::string inner;
  if (tx.dialect() == db::Dialect::sqlite) {
    // The FTS5 index drives (CROSS JOIN keeps it outside), so that LIMIT stops the walk early.
    inner = "SELECT s.total_minor FROM sales_search CROSS JOIN sales s ON s.line_id = "
            "sales_search.rowid WHERE sales_search MATCH " + q.bind(fts_phrase(f.query)) +
            " AND s.store_id = " + q.bind(store_id) + " AND instr(s.search_text, " +
            q.bind(f.query) + ") > 0" + filter_sql(q, f);
  } else {
    inner = "SELECT total_minor FROM sales WHERE " +
            search_sql(q, tx.dialect(), f, Search{Plan::trigram, "", -1}, store_id) +
            filter_sql(q, f);
  }
  sql = "SELECT count(*), COALESCE(sum(CASE WHEN n <= " + cap + " THEN total_minor END), 0) "
        "FROM (SELECT total_minor, row_number() OVER () AS n FROM (" + inner + q.unused() +
        " LIMIT " + q.bind(kSummaryMatchesMax + 1) + ") m) c";
  auto rows = SD_TRY(q.query(tx, sql));
  const int64_t counted = rows.at(0).i64(0);
  return Summary{std::min(counted, kSummaryMatchesMax), rows.at(0).i64(1),
                 counted <= kSummaryMatchesMax};
}

Result<std::vector<Bucket>> timeseries(db::Tx& tx, int64_t store_id, const Filter& f,
                                       Interval interval) {
  SD_ASSERT(f.from && f.to);
  // (day number, count, total) rows: from the rollup when it answers the filter (months only
  // for month buckets, which they fill exactly), else from the rows themselves.
  std::vector<db::Row> rows;
  if (rollup_answers(f)) {
    for (auto piece : cut_range(f.from, f.to)) {
      if (piece.kind == Piece::all) piece.kind = Piece::months;  // periods are needed here
      if (piece.kind == Piece::months && interval != Interval::month) piece.kind = Piece::days;
      for (auto& r : SD_TRY(piece_rows(tx, store_id, f, piece, true))) rows.push_back(std::move(r));
    }
  } else {
    Search search{f.query.empty() ? Plan::index : Plan::walk, "", -1};
    if (is_order_id(f.query)) {
      search = Search{Plan::order, "", -1};
    } else if (codepoints(f.query) >= kTrigramChars) {
      search = Search{Plan::trigram, fts_phrase(f.query), -1};
    }
    Sql q;
    const std::string where = search_sql(q, tx.dialect(), f, search, store_id) + filter_sql(q, f);
    // Days in SQL (integer division on both back ends), weeks and months from days here.
    rows = SD_TRY(q.query(tx, "SELECT created_at / 86400000000 AS day, count(*), "
                              "COALESCE(sum(total_minor), 0) FROM sales WHERE " +
                                  where + q.unused() + " GROUP BY created_at / 86400000000"));
  }
  std::vector<Bucket> out;
  for (Micros t = bucket_start(*f.from, interval); t < *f.to; t = next_bucket(t, interval))
    out.push_back(Bucket{t, 0, 0});
  for (const auto& r : rows) {
    const Micros start = bucket_start(r.i64(0) * 86'400'000'000, interval);
    // Buckets are sorted and few (at most a few hundred): a binary search is plenty.
    auto it = std::lower_bound(out.begin(), out.end(), start,
                               [](const Bucket& b, Micros s) { return b.period_start < s; });
    if (it == out.end() || it->period_start != start) continue;
    it->count += r.i64(1);
    it->total_minor += r.i64(2);
  }
  return out;
}

// The CSV's columns, then what the keyset needs.
constexpr const char* kCsvColumns =
    "order_public_id, line_public_id, customer_name, customer_email, country, region, "
    "product_title, tier_name, currency, status, payment_brand, payment_last4, license_key, "
    "created_at, quantity, unit_price_minor, tax_minor, tax_rate_ppm, total_minor, "
    "refunded_minor, line_id";

namespace {

// One CSV chunk: the rows of `q` (kCsvColumns) appended to `out`; the count and the last row's
// cursor.
struct ChunkMade {
  int64_t rows = 0;
  std::optional<Cursor> last;
};

Result<ChunkMade> make_chunk(db::Tx& tx, const Sql& q, const std::string& sql, bool by_total,
                             std::string& out) {
  ChunkMade made;
  SD_TRY_VOID(q.each(tx, sql, [&](const db::RowView& r) {
    CsvFields f;
    f.order_public_id = r.text(0);
    f.line_public_id = r.text(1);
    f.customer_name = r.text(2);
    f.customer_email = r.text(3);
    f.country = r.text(4);
    f.region = r.text(5);
    f.product_title = r.text(6);
    f.tier_name = r.text(7);
    f.currency = r.text(8);
    f.status = r.text(9);
    f.payment_brand = r.text(10);
    f.payment_last4 = r.text(11);
    f.license_key = r.text(12);
    f.created_at = r.i64(13);
    f.quantity = r.i64(14);
    f.unit_price_minor = r.i64(15);
    f.tax_minor = r.i64(16);
    f.tax_rate_ppm = r.i64(17);
    f.total_minor = r.i64(18);
    f.refunded_minor = r.i64(19);
    append_csv_row(out, f);
    made.last = Cursor{by_total ? f.total_minor : f.created_at, r.i64(20)};
    ++made.rows;
    return true;
  }));
  return made;
}

}  // namespace

// The parallel export (no search text): the store's rows in sort order are cut into ranges of
// `batch_rows` index entries (the end of each found by skipping that many entries of the
// store's covering index, before the filter), and two threads make the ranges' chunks, each in
// a scan transaction of its own, at most kAhead chunks beyond the one the reader waits for.
// Ranges are disjoint and cover the whole order, so the chunks in range order are the document.
// One cut at a time (each starts where the last ended), made outside the lock (`cutting`), so
// the reader never waits on a query to take a chunk that is ready.
struct CsvWriter::Parallel {
  static constexpr int64_t kAhead = 3;
  static constexpr int kThreads = 2;

  struct Made {
    std::string text;
    int64_t rows = 0;
    std::optional<Error> error;
  };

  CsvWriter& w;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Cursor> next_from;  // the next range starts after it (none: at the start)
  int64_t next_index = 0;           // the next range to hand out
  int64_t total = -1;               // ranges in all, once the last was handed out
  int64_t wanted = 0;               // the chunk the reader waits for
  bool cutting = false;             // a thread is finding the end of range next_index - 1
  std::map<int64_t, Made> ready;
  bool stop = false;
  std::vector<std::thread> threads;

  explicit Parallel(CsvWriter& writer) : w(writer) {}

  // The cursor of the `batch_rows`-th row after `from` (index entries only), if there is one.
  Result<std::optional<Cursor>> range_end(db::Tx& tx, const std::optional<Cursor>& from) {
    const bool by_total = sorts_by_total(w.sort_);
    Sql q;
    std::string where = "store_id = " + q.bind(w.store_id_);
    if (from) where += keyset_sql(q, w.sort_, *from);
    where += " AND line_id <= " + q.bind(*w.max_line_id_);
    const std::string skip = q.bind(int64_t{w.batch_rows_} - 1);
    std::optional<Cursor> end;
    SD_TRY_VOID(q.each(tx,
                       std::string("SELECT ") + (by_total ? "total_minor" : "created_at") +
                           ", line_id FROM sales WHERE " + where + q.unused() + order_by(w.sort_) +
                           " LIMIT 1 OFFSET " + skip,
                       [&](const db::RowView& r) {
                         end = Cursor{r.i64(0), r.i64(1)};
                         return false;
                       }));
    return end;
  }

  void run() {
    const bool by_total = sorts_by_total(w.sort_);
    for (;;) {
      int64_t index = 0;
      std::optional<Cursor> from, until;
      Made made;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] {
          return stop || total >= 0 || (!cutting && next_index < wanted + kAhead);
        });
        if (stop || total >= 0) return;
        index = next_index++;
        from = next_from;
        cutting = true;
      }
      // On a scan connection too (a small page cache): the cuts read the whole index.
      std::optional<Cursor> cut;
      auto end = w.db_.scan_work([&](db::Tx& tx) -> Result<void> {
        cut = SD_TRY(range_end(tx, from));
        return {};
      });
      {
        std::lock_guard lock(mu);
        cutting = false;
        if (!end) {
          made.error = end.error();
          total = index + 1;
        } else if (!cut) {
          total = index + 1;  // the last range: to the end
        } else {
          until = next_from = *cut;
        }
      }
      cv.notify_all();
      if (!made.error) {
        auto ran = w.db_.scan_work([&](db::Tx& tx) -> Result<void> {
          made.text.clear();
          Sql q;
          const std::string sql =
              select_sql(q, tx.dialect(), w.store_id_, w.filter_, w.sort_, w.batch_rows_, from,
                         w.max_line_id_, *w.search_, kCsvColumns, until);
          made.rows = SD_TRY(make_chunk(tx, q, sql, by_total, made.text)).rows;
          return {};
        });
        if (!ran) made.error = ran.error();
      }
      std::lock_guard lock(mu);
      ready.emplace(index, std::move(made));
      cv.notify_all();
    }
  }

  void finish() {
    {
      std::lock_guard lock(mu);
      stop = true;
    }
    cv.notify_all();
    for (auto& t : threads) t.join();
    threads.clear();
  }
};

CsvWriter::CsvWriter(db::Database& db, int64_t store_id, Filter f, Sort sort, bool bom,
                     int batch_rows)
    : db_(db),
      store_id_(store_id),
      filter_(std::move(f)),
      sort_(sort),
      bom_(bom),
      batch_rows_(batch_rows) {}

CsvWriter::~CsvWriter() {
  if (parallel_) parallel_->finish();
}

Result<bool> CsvWriter::next_chunk(std::string& out) {
  out.clear();
  if (!started_) {
    started_ = true;
    if (bom_) out += "\xEF\xBB\xBF";
    out += csv_header();
    SD_TRY_VOID(db_.scan_work([&](db::Tx& tx) -> Result<void> {
      auto r = SD_TRY(tx.query("SELECT COALESCE(max(line_id), 0) FROM sales WHERE store_id = $1",
                               {store_id_}));
      max_line_id_ = r.at(0).i64(0);
      search_ = std::make_shared<const Search>(SD_TRY(choose_plan(tx, store_id_, filter_)));
      return {};
    }));
    if (search_->plan == Plan::index) {
      parallel_ = std::make_unique<Parallel>(*this);
      try {
        for (int i = 0; i < Parallel::kThreads; ++i)
          parallel_->threads.emplace_back([p = parallel_.get()] { p->run(); });
      } catch (const std::system_error&) {
        parallel_->finish();  // no thread to spare: one chunk after another, as below
        parallel_.reset();
      }
    }
  }
  if (parallel_) return next_parallel_chunk(out);
  if (done_) return false;
  const size_t start = out.size();
  const bool by_total = sorts_by_total(sort_);
  ChunkMade made;
  SD_TRY_VOID(db_.scan_work([&](db::Tx& tx) -> Result<void> {
    out.resize(start);  // a work may run more than once
    Sql q;
    const std::string sql = select_sql(q, tx.dialect(), store_id_, filter_, sort_, batch_rows_,
                                       after_, max_line_id_, *search_, kCsvColumns);
    made = SD_TRY(make_chunk(tx, q, sql, by_total, out));
    return {};
  }));
  rows_ += made.rows;
  if (made.last) after_ = made.last;
  done_ = made.rows < batch_rows_;
  return !done_ || !out.empty();
}

Result<bool> CsvWriter::next_parallel_chunk(std::string& out) {
  Parallel& p = *parallel_;
  std::unique_lock lock(p.mu);
  p.cv.wait(lock, [&] {
    return p.ready.count(p.wanted) > 0 || (p.total >= 0 && p.wanted >= p.total);
  });
  if (p.ready.count(p.wanted) == 0) return !out.empty();  // done (or only the header)
  auto node = p.ready.extract(p.wanted);
  ++p.wanted;
  p.cv.notify_all();
  lock.unlock();
  auto& made = node.mapped();
  if (made.error) {  // the export ends here: later calls say it is complete
    p.finish();
    parallel_.reset();
    done_ = true;
    return fail(*made.error);
  }
  out += made.text;
  rows_ += made.rows;
  return true;
}

}  // namespace sd::sales
