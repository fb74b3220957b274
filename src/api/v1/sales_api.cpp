// The seller's Sales view (R-SALES-1..3): the list with search, filters, sorting, keyset
// pagination and a summary; sales over time; the CSV export. The contract is
// /work/notes/contract.md; the queries live in modules/sales.
#include <memory>

#include "api/v1/context.hpp"
#include "api/v1/routes.hpp"
#include "core/time.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"

namespace sd::api {
namespace {

constexpr Micros kDay = 86'400'000'000;

nlohmann::json sale_json(const sales::SaleRow& s) {
  return {{"order_id", s.order_public_id},
          {"line_id", s.line_public_id},
          {"created_at", format_rfc3339(s.created_at)},
          {"product", {{"id", s.product_public_id}, {"title", s.product_title}}},
          {"tier", s.tier_name},
          {"quantity", s.quantity},
          {"customer",
           {{"id", s.customer_public_id}, {"name", s.customer_name}, {"email", s.customer_email}}},
          {"status", s.status},
          {"price_minor", s.price_minor},
          {"tax_minor", s.tax_minor},
          {"total_minor", s.total_minor},
          {"refunded_minor", s.refunded_minor},
          {"currency", s.currency},
          {"country", s.country},
          {"region", s.region},
          {"payment", {{"brand", s.payment_brand}, {"last4", s.payment_last4}}},
          {"license_key", s.license_key.empty() ? nlohmann::json(nullptr)
                                                : nlohmann::json(s.license_key)},
          {"refund_request", s.refund_request_reply_by
                                 ? nlohmann::json{{"reply_by", format_rfc3339(*s.refund_request_reply_by)}}
                                 : nlohmann::json(nullptr)}};
}

Result<sales::Query> decode(const Ctx& ctx, sales::QueryKind kind) {
  return sales::parse_query(ctx.req.query, kind);
}

Result<http::Response> list_sales(Ctx& ctx) {
  const auto q = SD_TRY(decode(ctx, sales::QueryKind::list));
  std::optional<sales::Cursor> after;
  if (q.cursor) after = SD_TRY(sales::decode_cursor(*q.cursor, q.filter, q.sort));
  struct Out {
    sales::Page page;
    sales::Summary summary;
    std::string currency;
  };
  // One read transaction: the page and the summary see the same sales.
  auto out = SD_TRY(ctx.svc.db->read<Out>([&](db::Tx& tx) -> Result<Out> {
    auto store = SD_TRY(stores::get_store(tx, ctx.store_id));
    auto page = SD_TRY(sales::list(tx, ctx.store_id, q.filter, q.sort, q.limit, after));
    auto summary = SD_TRY(sales::summarise(tx, ctx.store_id, q.filter));
    return Out{std::move(page), summary, store.currency};
  }));
  auto data = nlohmann::json::array();
  for (const auto& s : out.page.rows) data.push_back(sale_json(s));
  std::optional<std::string> next;
  if (out.page.next) next = sales::encode_cursor(*out.page.next, q.filter, q.sort);
  auto body = list_page(std::move(data), out.page.has_more, next);
  body["summary"] = {{"count", out.summary.count},
                     {"total_minor", out.summary.total_minor},
                     {"currency", out.currency}};
  auto res = json_ok(body);
  res.set_header("Sales-Search-Plan", out.page.plan);  // which index answered (for benchmarks)
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
  add_api_route(router, svc, {M::get, "/api/v1/sales", Access::seller, list_sales});
  add_api_route(router, svc,
                {M::get, "/api/v1/sales/timeseries", Access::seller, sales_timeseries});
  add_api_route(router, svc, {M::get, "/api/v1/sales/export.csv", Access::seller, export_sales});
}

}  // namespace sd::api
