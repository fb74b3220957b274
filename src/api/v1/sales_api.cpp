// The seller's Sales view (R-SALES-1..3): the list with search, filters, sorting, keyset
// pagination and a summary; sales over time; the CSV export. The contract is
// /work/notes/contract.md; the queries live in modules/sales.
#include <algorithm>
#include <charconv>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/response_cache.hpp"
#include "core/limits.hpp"
#include "api/v1/routes.hpp"
#include "core/time.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"

namespace sd::api {
namespace {

constexpr Micros kDay = 86'400'000'000;

// The Sales list's caches, valid per version of the store's Sales data (sales::view_version;
// see docs/ARCHITECTURE.md, "Sales answers cache"): whole answers by (store, query string),
// and summaries by (store, filter), which every page of one filter shares.
struct SalesCaches {
  bool enabled = true;  // off: every answer made afresh (Services::sales_cache)
  ResponseCache pages{limits::sales_cache_bytes_max};
  std::mutex mu;  // guards summaries
  struct CachedSummary {
    int64_t version = 0;
    sales::Summary summary;
  };
  std::unordered_map<std::string, CachedSummary> summaries;

  std::optional<sales::Summary> find_summary(const std::string& key, int64_t version) {
    std::lock_guard lock(mu);
    auto it = summaries.find(key);
    if (it == summaries.end() || it->second.version != version) return std::nullopt;
    return it->second.summary;
  }
  void put_summary(const std::string& key, int64_t version, const sales::Summary& sum) {
    std::lock_guard lock(mu);
    // Bounded by count: forgetting them all now and then costs one recount each.
    if (summaries.size() >= limits::sales_cached_summaries_max) summaries.clear();
    auto& slot = summaries[key];
    if (slot.version <= version) slot = CachedSummary{version, sum};
  }
};

// The cache key of a list request: the store, then the query parameters sorted by name (the
// order of repeated ones kept). Spellings that parse alike are different keys, which only
// costs a miss.
std::string page_key(int64_t store_id, const http::Request& req) {
  auto params = req.query;
  std::stable_sort(params.begin(), params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string key = std::to_string(store_id);
  for (const auto& [name, value] : params) {
    key += '\x1e';
    key += name;
    key += '\x1f';
    key += value;
  }
  return key;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// One sale as JSON, written straight into `out`: the fields of sale_json in earlier versions,
// in the same (alphabetical) order as nlohmann::json wrote them.
void append_sale(std::string& out, const sales::SaleRow& s) {
  out += R"({"country":)";
  append_json_string(out, s.country);
  out += R"(,"created_at":")";
  out += format_rfc3339(s.created_at);
  out += R"(","currency":)";
  append_json_string(out, s.currency);
  out += R"(,"customer":{"email":)";
  append_json_string(out, s.customer_email);
  out += R"(,"id":)";
  append_json_string(out, s.customer_public_id);
  out += R"(,"name":)";
  append_json_string(out, s.customer_name);
  out += R"(},"license_key":)";
  if (s.license_key.empty()) out += "null";
  else append_json_string(out, s.license_key);
  out += R"(,"line_id":)";
  append_json_string(out, s.line_public_id);
  out += R"(,"order_id":)";
  append_json_string(out, s.order_public_id);
  out += R"(,"payment":{"brand":)";
  append_json_string(out, s.payment_brand);
  out += R"(,"last4":)";
  append_json_string(out, s.payment_last4);
  out += R"(},"price_minor":)";
  append_int(out, s.price_minor);
  out += R"(,"product":{"id":)";
  append_json_string(out, s.product_public_id);
  out += R"(,"title":)";
  append_json_string(out, s.product_title);
  out += R"(},"quantity":)";
  append_int(out, s.quantity);
  out += R"(,"refund_request":)";
  if (s.refund_request_reply_by) {
    out += R"({"reply_by":")";
    out += format_rfc3339(*s.refund_request_reply_by);
    out += R"("})";
  } else {
    out += "null";
  }
  out += R"(,"refunded_minor":)";
  append_int(out, s.refunded_minor);
  out += R"(,"region":)";
  append_json_string(out, s.region);
  out += R"(,"status":)";
  append_json_string(out, s.status);
  out += R"(,"tax_minor":)";
  append_int(out, s.tax_minor);
  out += R"(,"tier":)";
  append_json_string(out, s.tier_name);
  out += R"(,"total_minor":)";
  append_int(out, s.total_minor);
  out += '}';
}

// {"data":[…],"has_more":…,"next_cursor":…,"summary":{count,currency,exact,total_minor}}.
std::string page_body(const sales::Page& page, const std::optional<std::string>& next,
                      const sales::Summary& summary, const std::string& currency) {
  std::string out;
  out.reserve(256 + page.rows.size() * 640);
  out += R"({"data":[)";
  for (size_t i = 0; i < page.rows.size(); ++i) {
    if (i > 0) out += ',';
    append_sale(out, page.rows[i]);
  }
  out += R"(],"has_more":)";
  out += page.has_more ? "true" : "false";
  out += R"(,"next_cursor":)";
  if (next) append_json_string(out, *next);
  else out += "null";
  out += R"(,"summary":{"count":)";
  append_int(out, summary.count);
  out += R"(,"currency":)";
  append_json_string(out, currency);
  out += R"(,"exact":)";
  out += summary.exact ? "true" : "false";
  out += R"(,"total_minor":)";
  append_int(out, summary.total_minor);
  out += "}}";
  return out;
}

// The answer for a cache entry: 304 when the client's copy is current, else the body.
// `Sales-Cache` says whether it was made for this request (miss) or kept from an earlier one.
http::Response answer(const ResponseCache::Entry& e, const http::Request& req, bool hit) {
  http::Response res;
  res.set_header("ETag", e.etag);
  res.set_header("Sales-Cache", hit ? "hit" : "miss");
  // Browsers keep the answer but ask again each time (If-None-Match → 304 while unchanged).
  res.set_header("Cache-Control", "private, no-cache");
  if (auto inm = req.header("if-none-match"); inm && etag_matches(*inm, e.etag)) {
    res.status = 304;
    return res;
  }
  res.status = 200;
  res.set_header("Content-Type", "application/json");
  for (const auto& [name, value] : e.headers) res.set_header(name, value);
  res.shared_body = e.body;
  return res;
}

Result<sales::Query> decode(const Ctx& ctx, sales::QueryKind kind) {
  return sales::parse_query(ctx.req.query, kind);
}

// The fast path (I/O thread, in the caller's read transaction): a cached answer of the current
// version, or nothing.
std::optional<http::Response> cached_sales_page(SalesCaches& caches, const CachedCtx& ctx,
                                               db::Tx& tx) {
  const auto version = sales::view_version(tx, ctx.store_id);
  if (!version || !version->has_value()) return std::nullopt;
  auto hit = caches.pages.find(page_key(ctx.store_id, ctx.req), **version);
  if (!hit) return std::nullopt;
  return answer(*hit, ctx.req, true);
}

Result<http::Response> list_sales(SalesCaches& caches, Ctx& ctx) {
  const auto q = SD_TRY(decode(ctx, sales::QueryKind::list));
  std::optional<sales::Cursor> after;
  if (q.cursor) after = SD_TRY(sales::decode_cursor(*q.cursor, q.filter, q.sort));
  const std::string key = page_key(ctx.store_id, ctx.req);
  const std::string summary_key = std::to_string(ctx.store_id) + '\x1e' + sales::filter_key(q.filter);
  struct Out {
    std::optional<int64_t> version;
    std::shared_ptr<const ResponseCache::Entry> hit;
    sales::Page page;
    sales::Summary summary;
    std::string currency;
  };
  // One read transaction: the version, the page and the summary see the same sales.
  auto out = SD_TRY(ctx.svc.db->read<Out>([&](db::Tx& tx) -> Result<Out> {
    Out o;
    if (caches.enabled) o.version = SD_TRY(sales::view_version(tx, ctx.store_id));
    if (o.version) {
      o.hit = caches.pages.find(key, *o.version);
      if (o.hit) return o;
    }
    o.currency = SD_TRY(stores::get_store(tx, ctx.store_id)).currency;
    o.page = SD_TRY(sales::list(tx, ctx.store_id, q.filter, q.sort, q.limit, after));
    auto cached = o.version ? caches.find_summary(summary_key, *o.version) : std::nullopt;
    o.summary = cached ? *cached : SD_TRY(sales::summarise(tx, ctx.store_id, q.filter));
    if (o.version && !cached) caches.put_summary(summary_key, *o.version, o.summary);
    return o;
  }));
  if (out.hit) return answer(*out.hit, ctx.req, true);
  std::optional<std::string> next;
  if (out.page.next) next = sales::encode_cursor(*out.page.next, q.filter, q.sort);
  auto entry = std::make_shared<ResponseCache::Entry>();
  entry->version = out.version.value_or(0);
  entry->body = std::make_shared<const std::string>(
      page_body(out.page, next, out.summary, out.currency));
  entry->etag = etag_of(*entry->body);
  // Which index answered (for benchmarks).
  entry->headers.emplace_back("Sales-Search-Plan", out.page.plan);
  auto res = answer(*entry, ctx.req, false);
  if (out.version) caches.pages.put(key, std::move(entry));
  return res;
}

Result<http::Response> sales_timeseries(Ctx& ctx) {
  auto q = SD_TRY(decode(ctx, sales::QueryKind::timeseries));
  const Micros now = ctx.svc.clock->now();
  auto& f = q.filter;
  if (!f.to) f.to = f.from && *f.from >= now ? *f.from + 30 * kDay : now;
  if (!f.from) f.from = *f.to - 30 * kDay;
  const auto interval = q.interval.value_or(sales::default_interval(*f.from, *f.to));
  // A day bucket per day over years would be a huge answer: keep it bounded.
  const Micros span = *f.to - *f.from;
  if ((interval == sales::Interval::day && span > 3660 * kDay) ||
      (interval == sales::Interval::week && span > 7 * 3660 * kDay) || span > 36600 * kDay)
    return fail(ErrorKind::invalid_input, "range_too_large",
                "the range has too many buckets for this interval", "interval");
  struct Out {
    std::vector<sales::Bucket> buckets;
    std::string currency;
  };
  auto out = SD_TRY(ctx.svc.db->read<Out>([&](db::Tx& tx) -> Result<Out> {
    auto store = SD_TRY(stores::get_store(tx, ctx.store_id));
    return Out{SD_TRY(sales::timeseries(tx, ctx.store_id, f, interval)), store.currency};
  }));
  auto data = nlohmann::json::array();
  for (const auto& b : out.buckets)
    data.push_back({{"period_start", format_rfc3339(b.period_start)},
                    {"count", b.count},
                    {"total_minor", b.total_minor}});
  return json_ok({{"interval", sales::interval_name(interval)},
                  {"currency", out.currency},
                  {"from", format_rfc3339(*f.from)},
                  {"to", format_rfc3339(*f.to)},
                  {"data", std::move(data)}});
}

std::string yyyymmdd(Micros t) {
  const std::string s = format_rfc3339(t);  // "2026-11-22T…"
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
}

Result<http::Response> export_sales(Ctx& ctx) {
  const auto q = SD_TRY(decode(ctx, sales::QueryKind::csv));
  auto store = SD_TRY(ctx.svc.db->read<stores::Store>(
      [&](db::Tx& tx) { return stores::get_store(tx, ctx.store_id); }));
  auto writer =
      std::make_shared<sales::CsvWriter>(*ctx.svc.db, ctx.store_id, q.filter, q.sort, q.bom);
  // The first chunk is made before answering, so that a failure is still an error status.
  auto first = std::make_shared<std::string>();
  bool more = SD_TRY(writer->next_chunk(*first));
  http::Response res;
  res.status = 200;
  res.set_header("Content-Type", "text/csv; charset=utf-8");
  res.set_header("Content-Disposition", "attachment; filename=\"sales-" + store.slug + "-" +
                                            yyyymmdd(ctx.svc.clock->now()) + ".csv\"");
  res.set_header("Cache-Control", "no-store");
  res.stream = [writer, first, more](std::string& out) mutable -> bool {
    if (first) {
      out = std::move(*first);
      first.reset();
      return more || !out.empty();
    }
    if (!more) return false;
    auto r = writer->next_chunk(out);
    // Headers are gone already: a failure can only cut the body short.
    if (!r) return false;
    more = *r;
    return more;
  };
  return res;
}

}  // namespace

void register_sales_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  auto caches = std::make_shared<SalesCaches>();
  caches->enabled = svc.sales_cache;
  ApiRoute list{M::get, "/api/v1/sales", Access::seller,
                [caches](Ctx& ctx) { return list_sales(*caches, ctx); }};
  if (caches->enabled) {
    list.cached = [caches](const CachedCtx& ctx, db::Tx& tx) {
      return cached_sales_page(*caches, ctx, tx);
    };
  }
  add_api_route(router, svc, std::move(list));
  add_api_route(router, svc,
                {M::get, "/api/v1/sales/timeseries", Access::seller, sales_timeseries});
  add_api_route(router, svc, {M::get, "/api/v1/sales/export.csv", Access::seller, export_sales});
}

}  // namespace sd::api
