#include "flows/order_details.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/ids.hpp"
#include "flows/block_customer.hpp"
#include "modules/catalog/catalog.hpp"
#include "modules/entitlements/entitlements.hpp"
#include "modules/licenses/licenses.hpp"

namespace sd::flows {
namespace {

// Counts per file of one entitlement, listed against the files its product ever had.
Result<void> add_downloads(db::Tx& tx, const entitlements::Entitlement& e, LineDetails& out) {
  const auto counts = SD_TRY(entitlements::download_counts(tx, e.id));
  std::map<int64_t, int64_t> by_file(counts.begin(), counts.end());
  for (const auto& f : SD_TRY(catalog::files_ever(tx, e.product_id))) {
    const auto it = by_file.find(f.id);
    const int64_t n = it == by_file.end() ? 0 : it->second;
    if (f.deleted && n == 0) continue;
    out.files.push_back({f.public_id, f.filename, n});
    out.downloads += n;
  }
  return {};
}

Result<std::string> product_title(db::Tx& tx, const orders::Line& line, int64_t product_id) {
  if (product_id == line.product_id) return line.product_title;
  return SD_TRY(catalog::get_product_by_id(tx, product_id)).title;
}

Result<OrderDetails> read_details(db::Tx& tx, int64_t store_id, std::string_view public_id,
                                  Micros now) {
  OrderDetails d;
  d.order = SD_TRY(orders::get_order(tx, store_id, public_id));
  d.customer = SD_TRY(orders::get_customer(tx, store_id, d.order.customer_id));
  const auto ents = SD_TRY(entitlements::list_for_order(tx, store_id, d.order.id));
  std::vector<orders::HistoryEvent> recorded;
  for (const auto& line : d.order.lines) {
    LineDetails ld;
    ld.line = line;
    ld.license_key = SD_TRY(licenses::key_for_line(tx, line.id));
    for (const auto& e : ents) {
      if (e.order_line_id != line.id) continue;
      if (e.product_id == line.product_id && ld.entitlement_public_id.empty()) {
        ld.entitlement_public_id = e.public_id;
        ld.revoked = e.revoked_at.has_value();
      }
      SD_TRY_VOID(add_downloads(tx, e, ld));
      // Entitlements keep only their current revocation: a restore clears it, so a restored
      // access shows as never revoked.
      if (e.revoked_at) {
        const auto title = SD_TRY(product_title(tx, line, e.product_id));
        recorded.push_back({"access_revoked", *e.revoked_at,
                            "Access to " + title + " revoked" +
                                (e.revoked_reason.empty() ? "" : ": " + e.revoked_reason)});
      }
    }
    d.lines.push_back(std::move(ld));
  }
  d.refunds = SD_TRY(refunds::list_for_order(tx, d.order.id));
  d.refund_requests = SD_TRY(refunds::requests_for_order(tx, d.order.id));
  for (const auto& r : d.refunds) {
    recorded.push_back({"refund_processing", r.created_at,
                        "Refund " + r.public_id + " of " + std::to_string(r.amount_minor) + " " +
                            r.currency + " issued: " + r.reason});
    if (r.succeeded_at)
      recorded.push_back({"refund_succeeded", *r.succeeded_at,
                          "Refund " + r.public_id + " completed by the payment provider"});
  }
  d.disputes = SD_TRY(disputes::list_for_order(tx, d.order.id));
  for (const auto& x : d.disputes) {
    recorded.push_back({"dispute_opened", x.opened_at,
                        "Dispute " + x.public_id + " of " + std::to_string(x.amount_minor) + " " +
                            x.currency + " opened by the buyer's bank: " + x.reason});
    if (x.resolved_at)
      recorded.push_back({"dispute_" + x.status, *x.resolved_at,
                          "Dispute " + x.public_id + (x.status == "won"
                                                          ? " won: funds and access restored"
                                                          : " lost: the funds stay with the buyer")});
  }
  std::stable_sort(recorded.begin(), recorded.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  d.history = orders::status_history(d.order, now, std::move(recorded));
  return d;
}

}  // namespace

Result<OrderDetails> order_details(db::Database& db, int64_t store_id,
                                   std::string_view order_public_id, Micros now) {
  return db.read<OrderDetails>(
      [&](db::Tx& tx) { return read_details(tx, store_id, order_public_id, now); });
}

Result<orders::CustomerSummary> customer_summary(db::Database& db, int64_t store_id,
                                                 std::string_view customer_public_id) {
  return db.read<orders::CustomerSummary>(
      [&](db::Tx& tx) { return orders::customer_summary(tx, store_id, customer_public_id); });
}

Result<CustomerDetails> customer_details(db::Database& db, int64_t store_id,
                                         std::string_view customer_public_id) {
  return db.read<CustomerDetails>([&](db::Tx& tx) -> Result<CustomerDetails> {
    CustomerDetails d;
    d.summary = SD_TRY(orders::customer_summary(tx, store_id, customer_public_id));
    d.block_id = SD_TRY(block_id_of(tx, store_id, d.summary.customer.id));
    return d;
  });
}

Result<TransactionPage> customer_transactions(db::Database& db, int64_t store_id,
                                              std::string_view customer_public_id, int limit,
                                              const std::optional<std::string>& cursor) {
  std::optional<TransactionCursor> after;
  if (cursor) after = SD_TRY(decode_cursor(*cursor));
  const int purchase_rank = transaction_rank("purchase");
  return db.read<TransactionPage>([&](db::Tx& tx) -> Result<TransactionPage> {
    const auto summary = SD_TRY(orders::customer_summary(tx, store_id, customer_public_id));
    std::optional<orders::Keyset> keyset;
    if (after) keyset = resume_after(*after, purchase_rank);
    // One source per kind, each asked for one row more than the page to learn has_more.
    std::vector<std::vector<Transaction>> sources(2);
    for (const auto& p :
         SD_TRY(orders::customer_purchases(tx, store_id, summary.customer.id, keyset, limit + 1))) {
      sources[0].push_back({"purchase", p.order_public_id, p.order_public_id, p.created_at,
                            p.description, p.total_minor, p.currency,
                            orders::payment_status(p.total_minor, p.refunded_minor)});
    }
    const int refund_rank = transaction_rank("refund");
    std::optional<Micros> refund_at;
    std::optional<std::string> refund_id;
    if (after) {
      const auto k = resume_after(*after, refund_rank);
      refund_at = k.at;
      refund_id = k.public_id;
    }
    for (const auto& r : SD_TRY(refunds::customer_refunds(tx, store_id, summary.customer.id,
                                                          refund_at, refund_id, limit + 1))) {
      sources[1].push_back({"refund", r.public_id, r.order_public_id, r.created_at,
                            "Refund of order " + r.order_public_id + ": " + r.reason,
                            r.amount_minor, r.currency, r.status});
    }
    TransactionPage page;
    page.data = merge_newest_first(std::move(sources), static_cast<size_t>(limit) + 1);
    page.has_more = page.data.size() > static_cast<size_t>(limit);
    if (page.has_more) {
      page.data.resize(static_cast<size_t>(limit));
      const auto& last = page.data.back();
      page.next_cursor = encode_cursor({last.created_at, transaction_rank(last.type), last.id});
    }
    page.totals = {summary.orders_count, summary.total_spent_minor, summary.refunded_minor,
                   summary.total_spent_minor - summary.refunded_minor, summary.currency};
    return page;
  });
}

// --- rules ----------------------------------------------------------------------------------

int transaction_rank(std::string_view type) { return type == "refund" ? 1 : 0; }

// Opaque to clients: hex of "<at>.<rank>.<id>". Ids are public ids, so nothing internal leaks.
std::string encode_cursor(const TransactionCursor& c) {
  return encode_cursor_text(std::to_string(c.at) + "." + std::to_string(c.rank) + "." + c.id);
}

Result<TransactionCursor> decode_cursor(std::string_view text) {
  const auto bad = [] {
    return fail(ErrorKind::invalid_input, "invalid_cursor", "cursor is not valid", "cursor");
  };
  const auto decoded = decode_cursor_text(text, 200);
  if (!decoded) return bad();
  const std::string& plain = *decoded;
  const auto dot1 = plain.find('.');
  const auto dot2 = dot1 == std::string::npos ? dot1 : plain.find('.', dot1 + 1);
  if (dot2 == std::string::npos || dot2 + 1 >= plain.size()) return bad();
  TransactionCursor c;
  const char* b = plain.data();
  auto [e1, ec1] = std::from_chars(b, b + dot1, c.at);
  auto [e2, ec2] = std::from_chars(b + dot1 + 1, b + dot2, c.rank);
  if (ec1 != std::errc{} || e1 != b + dot1 || ec2 != std::errc{} || e2 != b + dot2 || c.at < 0 ||
      c.rank < 0 || c.rank > 1)
    return bad();
  c.id = plain.substr(dot2 + 1);
  return c;
}

orders::Keyset resume_after(const TransactionCursor& c, int rank) {
  if (rank == c.rank) return {c.at, c.id};
  // A lower kind at the cursor's instant comes after the cursor: all of it remains.
  if (rank < c.rank) return {c.at, std::nullopt};
  // A higher kind at that instant was all shown before the cursor.
  return {c.at - 1, std::nullopt};
}

std::vector<Transaction> merge_newest_first(std::vector<std::vector<Transaction>> sources,
                                            size_t limit) {
  std::vector<Transaction> out;
  std::vector<size_t> next(sources.size(), 0);
  while (out.size() < limit) {
    size_t best = sources.size();
    for (size_t s = 0; s < sources.size(); ++s) {
      if (next[s] >= sources[s].size()) continue;
      const auto& t = sources[s][next[s]];
      if (best == sources.size()) {
        best = s;
        continue;
      }
      const auto& b = sources[best][next[best]];
      if (t.created_at > b.created_at ||
          (t.created_at == b.created_at && transaction_rank(t.type) > transaction_rank(b.type)))
        best = s;
    }
    if (best == sources.size()) break;
    out.push_back(std::move(sources[best][next[best]++]));
  }
  return out;
}

}  // namespace sd::flows
