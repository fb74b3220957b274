// SQL of the refunds module, and nothing else.
#include "core/ids.hpp"
#include "core/limits.hpp"
#include "modules/refunds/refunds.hpp"

namespace sd::refunds {
namespace {

constexpr const char* kRefundColumns =
    "id, public_id, store_id, order_id, currency, amount_minor, tax_minor, fee_minor, "
    "seller_share_minor, reason, status, provider_key, provider_refund_id, created_at, "
    "settles_at, succeeded_at";

Refund refund_of(const db::Row& r) {
  return Refund{r.i64(0),  r.text(1),      r.i64(2),  r.i64(3),      r.text(4),  r.i64(5),
                r.i64(6),  r.i64(7),       r.i64(8),  r.text(9),     r.text(10), r.text(11),
                r.opt_text(12), r.i64(13), r.i64(14), r.opt_i64(15), {}};
}

Result<void> add_lines(db::Tx& tx, Refund& r) {
  for (const auto& row : SD_TRY(tx.query(
           "SELECT rl.order_line_id, l.public_id, rl.amount_minor, rl.tax_minor, rl.fee_minor, "
           "rl.full_line FROM refund_lines rl JOIN order_lines l ON l.id = rl.order_line_id "
           "WHERE rl.refund_id = $1 ORDER BY rl.order_line_id",
           {r.id}))) {
    r.lines.push_back({row.i64(0), row.text(1), row.i64(2), row.i64(3), row.i64(4),
                       row.boolean(5)});
  }
  return {};
}

}  // namespace

Result<Refund> insert(db::Tx& tx, Refund r) {
  r.public_id = new_public_id("re");
  r.provider_key = "rf:" + r.public_id;
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO refunds (public_id, store_id, order_id, currency, amount_minor, tax_minor, "
      "fee_minor, seller_share_minor, reason, status, provider_key, next_submit_at, created_at, "
      "settles_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'processing', $10, $11, $12, $13) "
      "RETURNING id",
      {r.public_id, r.store_id, r.order_id, r.currency, r.amount_minor, r.tax_minor, r.fee_minor,
       r.seller_share_minor, r.reason, r.provider_key,
       r.created_at + limits::refund_submit_grace_seconds * kMicrosPerSecond, r.created_at,
       r.settles_at}));
  r.id = row->i64(0);
  r.status = "processing";
  for (const auto& l : r.lines) {
    SD_TRY(tx.exec(
        "INSERT INTO refund_lines (refund_id, order_line_id, amount_minor, tax_minor, fee_minor, "
        "full_line) VALUES ($1, $2, $3, $4, $5, $6)",
        {r.id, l.order_line_id, l.amount_minor, l.tax_minor, l.fee_minor, l.full_line ? 1 : 0}));
  }
  return r;
}

Result<std::vector<LineRefunded>> refunded_by_line(db::Tx& tx, int64_t order_id) {
  std::vector<LineRefunded> out;
  for (const auto& r : SD_TRY(tx.query(
           "SELECT rl.order_line_id, SUM(rl.tax_minor), SUM(rl.fee_minor), "
           "MAX(CASE WHEN r.status = 'processing' THEN 1 ELSE 0 END) "
           "FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id "
           "WHERE r.order_id = $1 GROUP BY rl.order_line_id",
           {order_id}))) {
    out.push_back({r.i64(0), r.i64(1), r.i64(2), r.i64(3) != 0});
  }
  return out;
}

Result<std::vector<Refund>> list_for_order(db::Tx& tx, int64_t order_id) {
  std::vector<Refund> out;
  for (const auto& r : SD_TRY(tx.query(std::string("SELECT ") + kRefundColumns +
                                           " FROM refunds WHERE order_id = $1 "
                                           "ORDER BY created_at, id",
                                       {order_id}))) {
    out.push_back(refund_of(r));
    SD_TRY_VOID(add_lines(tx, out.back()));
  }
  return out;
}

Result<Refund> get(db::Tx& tx, int64_t refund_id) {
  auto row = SD_TRY(tx.query_one(
      std::string("SELECT ") + kRefundColumns + " FROM refunds WHERE id = $1", {refund_id}));
  if (!row) return fail(ErrorKind::not_found, "not_found", "refund not found");
  auto r = refund_of(*row);
  SD_TRY_VOID(add_lines(tx, r));
  return r;
}

Result<void> mark_submitted(db::Tx& tx, int64_t refund_id, const std::string& provider_refund_id,
                            Micros settles_at) {
  SD_TRY(tx.exec("UPDATE refunds SET provider_refund_id = $2, settles_at = $3 "
                 "WHERE id = $1 AND provider_refund_id IS NULL",
                 {refund_id, provider_refund_id, settles_at}));
  return {};
}

Result<void> mark_submit_failed(db::Tx& tx, int64_t refund_id, Micros next_at) {
  SD_TRY(tx.exec("UPDATE refunds SET submit_attempts = submit_attempts + 1, next_submit_at = $2 "
                 "WHERE id = $1 AND provider_refund_id IS NULL",
                 {refund_id, next_at}));
  return {};
}

Result<std::vector<Refund>> due_for_submission(db::Tx& tx, Micros now, int limit) {
  std::vector<Refund> out;
  for (const auto& r : SD_TRY(tx.query(
           std::string("SELECT ") + kRefundColumns +
               " FROM refunds WHERE status = 'processing' AND provider_refund_id IS NULL "
               "AND next_submit_at <= $1 ORDER BY next_submit_at, id LIMIT $2",
           {now, limit}))) {
    out.push_back(refund_of(r));
  }
  return out;
}

Result<std::vector<int64_t>> due_for_settlement(db::Tx& tx, Micros now, int limit) {
  std::vector<int64_t> out;
  for (const auto& r : SD_TRY(tx.query(
           "SELECT id FROM refunds WHERE status = 'processing' AND settles_at <= $1 "
           "AND provider_refund_id IS NOT NULL ORDER BY settles_at, id LIMIT $2",
           {now, limit}))) {
    out.push_back(r.i64(0));
  }
  return out;
}

Result<bool> mark_succeeded(db::Tx& tx, int64_t refund_id, Micros now) {
  // Conditional: of two instances settling the same refund, exactly one changes the row (on
  // PostgreSQL the second waits for the first's row lock, then sees the new status).
  const auto n = SD_TRY(tx.exec(
      "UPDATE refunds SET status = 'succeeded', succeeded_at = $2 "
      "WHERE id = $1 AND status = 'processing' AND provider_refund_id IS NOT NULL",
      {refund_id, now}));
  return n == 1;
}

Result<bool> line_fully_refunded(db::Tx& tx, int64_t order_line_id) {
  auto row = SD_TRY(tx.query_one(
      "SELECT 1 FROM refund_lines WHERE order_line_id = $1 AND full_line = 1 LIMIT 1",
      {order_line_id}));
  return row.has_value();
}

Result<std::vector<RefundRow>> customer_refunds(db::Tx& tx, int64_t store_id, int64_t customer_id,
                                                std::optional<Micros> after_at,
                                                std::optional<std::string> after_id, int limit) {
  const std::string where =
      !after_at ? ""
      : after_id ? " AND (r.created_at < $4 OR (r.created_at = $4 AND r.public_id < $5))"
                 : " AND r.created_at <= $4";
  const std::string sql =
      "SELECT r.public_id, o.public_id, r.created_at, r.amount_minor, r.currency, r.status, "
      "r.reason FROM refunds r JOIN orders o ON o.id = r.order_id "
      "WHERE r.store_id = $1 AND o.customer_id = $2" + where +
      " ORDER BY r.created_at DESC, r.public_id DESC LIMIT $3";
  std::vector<db::Row> rows;
  if (!after_at) {
    rows = SD_TRY(tx.query(sql, {store_id, customer_id, limit}));
  } else if (after_id) {
    rows = SD_TRY(tx.query(sql, {store_id, customer_id, limit, *after_at, *after_id}));
  } else {
    rows = SD_TRY(tx.query(sql, {store_id, customer_id, limit, *after_at}));
  }
  std::vector<RefundRow> out;
  for (const auto& r : rows)
    out.push_back({r.text(0), r.text(1), r.i64(2), r.i64(3), r.text(4), r.text(5), r.text(6)});
  return out;
}

Result<std::pair<int64_t, int64_t>> product_refund_counts(db::Tx& tx, int64_t store_id,
                                                          int64_t product_id, Micros from,
                                                          Micros to) {
  auto row = SD_TRY(tx.query_one(
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN l.refunded_minor > 0 THEN 1 ELSE 0 END), 0) "
      "FROM order_lines l JOIN orders o ON o.id = l.order_id "
      "WHERE l.store_id = $1 AND l.product_id = $2 AND o.created_at >= $3 AND o.created_at < $4",
      {store_id, product_id, from, to}));
  return std::pair<int64_t, int64_t>{row->i64(1), row->i64(0)};
}

namespace {

constexpr const char* kRequestColumns =
    "r.id, r.public_id, r.store_id, r.order_id, o.public_id, r.reason, r.status, r.created_at, "
    "r.reply_by, r.decided_at, r.decline_message, f.public_id";
constexpr const char* kRequestFrom =
    " FROM refund_requests r JOIN orders o ON o.id = r.order_id "
    "LEFT JOIN refunds f ON f.id = r.refund_id ";

Request request_of(const db::Row& r) {
  return Request{r.i64(0),  r.text(1), r.i64(2),  r.i64(3),      r.text(4),  r.text(5),
                 r.text(6), r.i64(7),  r.i64(8),  r.opt_i64(9),  r.text(10), r.opt_text(11)};
}

}  // namespace

Result<Request> insert_request(db::Tx& tx, Request r) {
  auto open = SD_TRY(tx.query_one(
      "SELECT 1 FROM refund_requests WHERE order_id = $1 AND status = 'open'", {r.order_id}));
  if (open)
    return fail(ErrorKind::conflict, "refund_request_exists",
                "a refund request for this order is already waiting for the seller's answer");
  r.public_id = new_public_id("rr");
  r.status = "open";
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO refund_requests (public_id, store_id, order_id, reason, status, created_at, "
      "reply_by) VALUES ($1, $2, $3, $4, 'open', $5, $6) RETURNING id",
      {r.public_id, r.store_id, r.order_id, r.reason, r.created_at, r.reply_by}));
  r.id = row->i64(0);
  return r;
}

Result<Request> get_request(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kRequestColumns + kRequestFrom +
                                     "WHERE r.store_id = $1 AND r.public_id = $2",
                                 {store_id, public_id}));
  if (!row) return fail(ErrorKind::not_found, "not_found", "refund request not found", "id");
  return request_of(*row);
}

Result<std::vector<Request>> list_requests(db::Tx& tx, int64_t store_id, std::string_view status,
                                           int limit) {
  std::vector<Request> out;
  for (const auto& r : SD_TRY(tx.query(std::string("SELECT ") + kRequestColumns + kRequestFrom +
                                           "WHERE r.store_id = $1 AND ($2 = '' OR r.status = $2) "
                                           "ORDER BY r.created_at DESC, r.id DESC LIMIT $3",
                                       {store_id, status, limit})))
    out.push_back(request_of(r));
  return out;
}

Result<std::vector<Request>> requests_for_order(db::Tx& tx, int64_t order_id) {
  std::vector<Request> out;
  for (const auto& r : SD_TRY(tx.query(std::string("SELECT ") + kRequestColumns + kRequestFrom +
                                           "WHERE r.order_id = $1 ORDER BY r.created_at, r.id",
                                       {order_id})))
    out.push_back(request_of(r));
  return out;
}

Result<bool> decide_request(db::Tx& tx, int64_t request_id, std::string_view status,
                            std::optional<int64_t> refund_id, std::string_view message, Micros now) {
  const auto n = SD_TRY(tx.exec(
      "UPDATE refund_requests SET status = $2, refund_id = $3, decline_message = $4, "
      "decided_at = $5 WHERE id = $1 AND status = 'open'",
      {request_id, status, refund_id, message, now}));
  return n == 1;
}

}  // namespace sd::refunds
