// SQL of the disputes module, and nothing else.
#include "core/ids.hpp"
#include "modules/disputes/disputes.hpp"

namespace sd::disputes {
namespace {

constexpr const char* kColumns =
    "id, public_id, store_id, order_id, provider_dispute_id, currency, amount_minor, reason, "
    "status, opened_at, resolved_at";

Dispute from_row(const db::Row& r) {
  Dispute d;
  d.id = r.i64(0);
  d.public_id = r.text(1);
  d.store_id = r.i64(2);
  d.order_id = r.i64(3);
  d.provider_dispute_id = r.text(4);
  d.currency = r.text(5);
  d.amount_minor = r.i64(6);
  d.reason = r.text(7);
  d.status = r.text(8);
  d.opened_at = r.i64(9);
  d.resolved_at = r.opt_i64(10);
  return d;
}

}  // namespace

Result<Dispute> insert(db::Tx& tx, Dispute d) {
  d.public_id = new_public_id("dp");
  d.status = "open";
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO disputes (public_id, store_id, order_id, provider_dispute_id, currency, "
      "amount_minor, reason, status, opened_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id",
      {d.public_id, d.store_id, d.order_id, d.provider_dispute_id, d.currency, d.amount_minor,
       d.reason, d.opened_at}));
  d.id = row->i64(0);
  return d;
}

Result<std::optional<Dispute>> find_by_provider_id(db::Tx& tx, std::string_view provider_dispute_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kColumns +
                                     " FROM disputes WHERE provider_dispute_id = $1",
                                 {std::string(provider_dispute_id)}));
  if (!row) return std::optional<Dispute>{};
  return std::optional<Dispute>{from_row(*row)};
}

Result<Dispute> get(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kColumns +
                                     " FROM disputes WHERE store_id = $1 AND public_id = $2",
                                 {store_id, std::string(public_id)}));
  if (!row) return fail(ErrorKind::not_found, "not_found", "no such dispute", "id");
  return from_row(*row);
}

Result<std::vector<Dispute>> list_for_order(db::Tx& tx, int64_t order_id) {
  auto rows = SD_TRY(tx.query(std::string("SELECT ") + kColumns +
                                  " FROM disputes WHERE order_id = $1 ORDER BY opened_at, id",
                              {order_id}));
  std::vector<Dispute> out;
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<bool> order_blocked(db::Tx& tx, int64_t order_id) {
  for (const auto& d : SD_TRY(list_for_order(tx, order_id)))
    if (blocks_refund(d.status)) return true;
  return false;
}

Result<bool> resolve(db::Tx& tx, int64_t dispute_id, std::string_view outcome, Micros now) {
  const auto n = SD_TRY(tx.exec(
      "UPDATE disputes SET status = $2, resolved_at = $3 WHERE id = $1 AND status = 'open'",
      {dispute_id, std::string(outcome), now}));
  return n > 0;
}

}  // namespace sd::disputes
