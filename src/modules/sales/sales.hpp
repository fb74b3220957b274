// The Sales view's read model (R-SALES-1..3): one denormalised row per order line, written in
// the same transaction as the order (and, later, its refunds and disputes), and the queries the
// Sales view, its CSV export and `shopdesk export-sales` run over it.
//
// Search (R-SALES-2) matches a fragment of the order id, customer name, email (so also its
// domain), product title or license key, ignoring case and accents: both the row's text and the
// query go through `normalise`. How a search runs depends on how selective it is (see
// sales_store.cpp): a broad fragment walks the store's newest-first index with a substring test,
// a selective one goes through the trigram index, and a whole order id finds that order's lines.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::sales {

// One sale as written and as read back.
struct SaleRow {
  int64_t line_id = 0;
  int64_t store_id = 0;
  int64_t order_id = 0;
  std::string order_public_id;
  std::string line_public_id;
  Micros created_at = 0;
  int64_t product_id = 0;
  std::string product_public_id;
  std::string product_title;
  std::string tier_name;
  int64_t quantity = 1;
  int64_t customer_id = 0;
  std::string customer_public_id;
  std::string customer_name;
  std::string customer_email;
  std::string status = "complete";  // complete | refunded | partially_refunded | …
  int64_t unit_price_minor = 0;
  int64_t price_minor = 0;  // line subtotal
  int64_t tax_minor = 0;
  int64_t tax_rate_ppm = 0;
  int64_t total_minor = 0;
  int64_t refunded_minor = 0;
  std::string currency;
  std::string country;
  std::string region;
  std::string payment_brand;
  std::string payment_last4;
  std::string license_key;
  std::optional<Micros> refund_request_reply_by;  // an open buyer refund request's deadline  // "" when the line has none
};

// The one write entry point: inserts the row with its derived search text (and index entry).
Result<void> record(db::Tx& tx, const SaleRow& row);
// The same with `text` = search_text(row), computed before the transaction.
Result<void> record(db::Tx& tx, const SaleRow& row, std::string text);
// Rollup changes of many rows gathered in memory, to be written at once (one change per rollup
// row they touch) by the transaction that records the rows.
class RollupBatch {
 public:
  void add(const SaleRow& row);  // counted under row.status
  Result<void> write(db::Tx& tx);  // and empties the batch

 private:
  std::map<std::tuple<int64_t, char, int64_t, std::string, std::string, std::string, std::string>,
           std::pair<int64_t, int64_t>>
      sums_;  // (store, grain, period, status, product, tier, country) → (count, total)
};
// Generators (seed-demo): record() for many rows in few statements. Their rollup changes go to
// `rollup` when given (the caller writes it before committing), else are written at once.
Result<void> record_many(db::Tx& tx, const std::vector<SaleRow>& rows,
                         RollupBatch* rollup = nullptr);
// Bulk loads, in their transaction: the search index (SQLite FTS5) stops merging its segments
// while rows go in, then merge_search_index merges them into one (cheaper than merging as it
// grows, and the fastest shape to search) and restores the default merge settings.
// PostgreSQL's index is an ordinary one: nothing to do.
Result<void> defer_search_merges(db::Tx& tx);
Result<void> merge_search_index(db::Tx& tx);

// Rewrites the search text of rows written before migration 0004 (idempotent, batched; cheap
// when nothing is left). Returns how many rows it rewrote.
Result<int64_t> backfill_search(db::Database& db);

// ---------------------------------------------------------------------------------------------
// Pure rules (sales_rules.cpp).

// Lower case (Unicode case folding, compatibility forms) without accents or other combining
// marks, control characters dropped, runs of white space collapsed to one space, trimmed.
// Invalid UTF-8 bytes are dropped. "  Núñez\tGARCÍA " → "nunez garcia".
std::string normalise(std::string_view text);

// The normalised search text of a row: its searchable fields joined by U+001F.
std::string search_text(const SaleRow& row);
// Whether the fields search_text reads are equal (then so are the texts).
bool same_search_text(const SaleRow& a, const SaleRow& b);

inline constexpr const char* kStatuses[] = {"complete", "refunded", "partially_refunded",
                                            "refund_processing", "disputed", "refund_requested"};

enum class Sort { created_desc, created_asc, total_desc, total_asc };

// Everything a Sales view query filters on. Empty / unset members do not filter.
struct Filter {
  std::string query;                  // normalised (see normalise)
  std::vector<std::string> statuses;  // any of them
  std::string product_public_id;
  std::string tier;      // exact tier name
  std::string country;   // upper-case ISO 3166-1 alpha-2
  std::optional<Micros> from;  // inclusive
  std::optional<Micros> to;    // exclusive
  std::optional<int64_t> min_total_minor;  // inclusive
  std::optional<int64_t> max_total_minor;  // inclusive
};

enum class Interval { day, week, month };

// Which query parameters a request may carry.
enum class QueryKind { list, timeseries, csv };

// A decoded Sales query (the API's query string, or the CLI's options as the same pairs).
struct Query {
  Filter filter;
  Sort sort = Sort::created_desc;
  int limit = 50;
  std::optional<std::string> cursor;  // still encoded; see decode_cursor
  std::optional<Interval> interval;
  bool bom = false;
};

// Validates and decodes parameters as /work/notes/contract.md describes them. Errors are
// invalid_input with `param` set: `invalid_parameter`, or `unknown_parameter` for a name the
// kind does not take.
Result<Query> parse_query(const std::vector<std::pair<std::string, std::string>>& params,
                          QueryKind kind);

// A canonical text of a filter (equal filters give equal texts): a cache key.
std::string filter_key(const Filter& f);

// The keyset position after a row: (sort key, line id). The encoded form is opaque to clients
// and carries a fingerprint of the filter and sort, so a cursor cannot be reused with others.
struct Cursor {
  int64_t key = 0;  // created_at or total_minor, as the sort says
  int64_t line_id = 0;
};
std::string encode_cursor(const Cursor& c, const Filter& f, Sort sort);
// invalid_input `invalid_parameter` (param "cursor") when malformed or made for another query.
Result<Cursor> decode_cursor(std::string_view text, const Filter& f, Sort sort);

// Timeseries defaults: day up to 92 days, week up to 2 years, else month.
Interval default_interval(Micros from, Micros to);
// The start (UTC) of the bucket holding `t`; weeks start on Monday.
Micros bucket_start(Micros t, Interval interval);
Micros next_bucket(Micros start, Interval interval);
const char* interval_name(Interval interval);

// CSV (RFC 4180, CRLF). Fields starting with = + - @ TAB or CR get a leading ' so that a
// spreadsheet shows them as text instead of running them as formulas.
std::string csv_header();
void append_csv_field(std::string& out, std::string_view field);
void append_csv_row(std::string& out, const SaleRow& row);
// The CSV fields of a sale as views (into the row being read, valid while it is).
struct CsvFields {
  std::string_view order_public_id, line_public_id, customer_name, customer_email, country,
      region, product_title, tier_name, currency, status, payment_brand, payment_last4,
      license_key;
  Micros created_at = 0;
  int64_t quantity = 0, unit_price_minor = 0, tax_minor = 0, tax_rate_ppm = 0, total_minor = 0,
          refunded_minor = 0;
};
void append_csv_row(std::string& out, const CsvFields& row);
// "19", "8.875": parts per million as a percentage without trailing zeros.
std::string format_rate_percent(int64_t rate_ppm);

// ---------------------------------------------------------------------------------------------
// Queries (sales_store.cpp). All are scoped to one store.

struct Summary {
  int64_t count = 0;
  int64_t total_minor = 0;
  // False when a search's summary stopped counting (see summarise): `count` and `total_minor`
  // are then those of the first matches only, lower bounds of the real ones.
  bool exact = true;
};

struct Page {
  std::vector<SaleRow> rows;
  bool has_more = false;
  std::optional<Cursor> next;  // set when has_more
  const char* plan = "";       // how the search ran: "index", "walk", "trigram" or "order"
};

Result<Page> list(db::Tx& tx, int64_t store_id, const Filter& f, Sort sort, int limit,
                  const std::optional<Cursor>& after);

// The version of the store's Sales data (its rows, the rollup, the store's currency) in the
// caller's snapshot. Every change to them bumps it in the changing transaction (SQLite
// triggers, migration 0015), so equal versions mean equal data. Nothing on PostgreSQL, which
// keeps no version: answers made there must not be reused.
Result<std::optional<int64_t>> view_version(db::Tx& tx, int64_t store_id);

// Moves a sale from one status to another in the rollup behind summaries and charts (call in
// the transaction that changes the row's status; `s` as it was, with its created_at, product,
// tier, country and total).
Result<void> rollup_status_change(db::Tx& tx, const SaleRow& s, std::string_view from_status,
                                  std::string_view to_status);

// Count and sum of total_minor over every row the filter matches. Without search text or an
// amount range it reads the per-day and per-month rollup (and the rows of partial days). With
// search text it counts at most 1,000 matches (under 3 characters: among the store's newest
// 10,000 sales), and says whether that was all of them (Summary::exact).
Result<Summary> summarise(db::Tx& tx, int64_t store_id, const Filter& f);

struct Bucket {
  Micros period_start = 0;
  int64_t count = 0;
  int64_t total_minor = 0;
};
// Zero-filled buckets from the one holding `f.from` up to the one holding `f.to` (exclusive);
// both must be set.
Result<std::vector<Bucket>> timeseries(db::Tx& tx, int64_t store_id, const Filter& f,
                                       Interval interval);

struct Search;  // how a query searches (sales_store.cpp)

// The CSV document (header first, then rows in sort order) in chunks of at most `batch_rows`
// rows, each read in a short scan transaction (Database::scan_work) straight from the statement
// into the chunk, so memory stays flat and no transaction is held while a slow client reads.
// Without search text, two threads of its own make the chunks (each a range of the store's
// index, cut in advance; at most a few chunks ahead of the reader), in order. Rows written
// after the export started are left out (it is of the sales that existed then). For the HTTP
// endpoint and the CLI alike.
class CsvWriter {
 public:
  CsvWriter(db::Database& db, int64_t store_id, Filter f, Sort sort, bool bom,
            int batch_rows = 4096);
  ~CsvWriter();  // stops the threads (after the chunk each is making)
  // The next chunk into `out` (cleared first); false when the document is complete.
  Result<bool> next_chunk(std::string& out);
  int64_t rows_written() const { return rows_; }

 private:
  struct Parallel;  // sales_store.cpp
  Result<bool> next_parallel_chunk(std::string& out);
  std::unique_ptr<Parallel> parallel_;
  db::Database& db_;
  int64_t store_id_;
  Filter filter_;
  Sort sort_;
  bool bom_;
  int batch_rows_;
  bool started_ = false;
  bool done_ = false;
  int64_t rows_ = 0;
  std::optional<int64_t> max_line_id_;
  std::optional<Cursor> after_;
  std::shared_ptr<const Search> search_;  // the plan, chosen with the first batch
};

// A line's new status (complete | refunded | partially_refunded | refund_processing | disputed),
// and its refunded amount when a refund changed it, written in the transaction of the refund or
// dispute that changed it; the rollup moves the line from its old status to the new one.
Result<void> set_status(db::Tx& tx, int64_t line_id, std::string_view status,
                        std::optional<int64_t> refunded_minor = std::nullopt);
// Marks the sale rows of an order as having an open buyer refund request until `reply_by`, or
// clears the mark (std::nullopt) when the seller answers it. In the request's transaction.
Result<void> set_refund_request(db::Tx& tx, int64_t order_id, std::optional<Micros> reply_by);

}  // namespace sd::sales
