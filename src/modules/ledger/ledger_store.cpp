// SQL of the ledger module, and nothing else.
#include "core/money.hpp"
#include "modules/ledger/ledger.hpp"

namespace sd::ledger {

Result<int64_t> post(db::Tx& tx, const Entry& e) {
  SD_TRY_VOID(check_balanced(e));
  if (e.postings.empty()) return int64_t{0};
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO journal_entries (store_id, kind, order_id, memo, created_at) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      {e.store_id, e.kind, e.order_id, e.memo, e.created_at}));
  const int64_t entry_id = row->i64(0);
  std::vector<db::Value> rows;  // in few statements: a sale's four postings are one
  rows.reserve(e.postings.size() * 7);
  for (const auto& p : e.postings)
    for (db::Value v : {db::Value(entry_id), db::Value(e.store_id), db::Value(account_name(p.account)),
                        db::Value(e.currency), db::Value(p.amount_minor), db::Value(p.available_at),
                        db::Value(e.created_at)})
      rows.push_back(std::move(v));
  SD_TRY_VOID(tx.append_rows("postings",
                             {"entry_id", "store_id", "account", "currency", "amount_minor",
                              "available_at", "created_at"},
                             rows));
  return entry_id;
}

Result<void> post_many(db::Tx& tx, const std::vector<Entry>& entries) {
  for (const auto& e : entries) SD_TRY_VOID(check_balanced(e));
  if (entries.empty()) return {};
  int64_t id = SD_TRY(db::reserve_ids(tx, "journal_entries", static_cast<int64_t>(entries.size())));
  std::vector<db::Value> e_rows, p_rows;
  e_rows.reserve(entries.size() * 6);
  p_rows.reserve(entries.size() * 4 * 7);
  for (const auto& e : entries) {
    if (e.postings.empty()) continue;  // as post(): an entry without postings is not written
    for (db::Value v : {db::Value(id), db::Value(e.store_id), db::Value(e.kind),
                        db::Value(e.order_id), db::Value(e.memo), db::Value(e.created_at)})
      e_rows.push_back(std::move(v));
    for (const auto& p : e.postings)
      for (db::Value v : {db::Value(id), db::Value(e.store_id), db::Value(account_name(p.account)),
                          db::Value(e.currency), db::Value(p.amount_minor),
                          db::Value(p.available_at), db::Value(e.created_at)})
        p_rows.push_back(std::move(v));
    ++id;
  }
  SD_TRY_VOID(tx.append_rows("journal_entries",
                             {"id", "store_id", "kind", "order_id", "memo", "created_at"}, e_rows));
  return tx.append_rows("postings",
                        {"entry_id", "store_id", "account", "currency", "amount_minor",
                         "available_at", "created_at"},
                        p_rows);
}

Result<Balance> balance(db::Tx& tx, int64_t store_id, Micros now) {
  // Creator funds are credits (negative); the seller sees them as positive amounts.
  auto row = SD_TRY(tx.query_one(
      "SELECT "
      "COALESCE(SUM(CASE WHEN account = 'creator' AND available_at > $2 THEN -amount_minor END), 0), "
      "COALESCE(SUM(CASE WHEN account = 'creator' AND available_at <= $2 THEN -amount_minor END), 0), "
      "COALESCE(SUM(CASE WHEN account = 'payouts' THEN -amount_minor END), 0), "
      "MIN(CASE WHEN account = 'creator' AND available_at > $2 AND amount_minor < 0 "
      "THEN available_at END) "
      "FROM postings WHERE store_id = $1 AND account IN ('creator', 'payouts')",
      {store_id, now}));
  return Balance{row->i64(0), row->i64(1), row->i64(2), row->opt_i64(3)};
}

Result<int64_t> payout(db::Tx& tx, int64_t store_id, const std::string& currency,
                       int64_t amount_minor, Micros now) {
  if (amount_minor <= 0) {
    return fail(ErrorKind::invalid_input, "out_of_range", "amount_minor must be positive",
                "amount_minor");
  }
  // Two payouts must not both spend the same funds: serialise on the store row.
  SD_TRY_VOID(tx.lock_row("stores", store_id));
  const auto b = SD_TRY(balance(tx, store_id, now));
  if (amount_minor > b.available_minor) {
    auto cur = currency_from_code(currency);
    const auto shown = cur ? format_decimal(Money{b.available_minor, *cur}) + " " + currency
                           : std::to_string(b.available_minor);
    return fail(ErrorKind::conflict, "available_balance_insufficient",
                "the payout exceeds the available balance of " + shown, "amount_minor");
  }
  Entry e{store_id, "payout", std::nullopt, "payout", currency, now,
          {{Account::creator, amount_minor, now}, {Account::payouts, -amount_minor, now}}};
  return post(tx, e);
}

Result<std::vector<Pending>> pending_funds(db::Tx& tx, int64_t store_id, Micros now) {
  std::vector<Pending> out;
  for (const auto& r : SD_TRY(tx.query(
           "SELECT available_at, -SUM(amount_minor) FROM postings WHERE store_id = $1 "
           "AND account = 'creator' AND available_at > $2 GROUP BY available_at "
           "ORDER BY available_at",
           {store_id, now}))) {
    out.push_back({r.i64(0), r.i64(1)});
  }
  return out;
}

Result<std::vector<PostingRow>> creator_postings(db::Tx& tx, int64_t store_id,
                                                 std::optional<int64_t> before_id, int limit) {
  auto rows = SD_TRY(tx.query(
      "SELECT p.id, p.entry_id, e.kind, e.memo, o.public_id, p.account, p.currency, "
      "p.amount_minor, p.available_at, p.created_at "
      "FROM postings p JOIN journal_entries e ON e.id = p.entry_id "
      "LEFT JOIN orders o ON o.id = e.order_id "
      "WHERE p.store_id = $1 AND p.account = 'creator' AND p.id < $2 "
      "ORDER BY p.id DESC LIMIT $3",
      {store_id, before_id.value_or(INT64_MAX), limit}));
  std::vector<PostingRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back(PostingRow{r.i64(0), r.i64(1), r.text(2), r.text(3), r.opt_text(4), r.text(5),
                             r.text(6), r.i64(7), r.i64(8), r.i64(9)});
  }
  return out;
}

}  // namespace sd::ledger
