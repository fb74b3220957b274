#include "core/ids.hpp"
#include "modules/blocks/blocks.hpp"

namespace sd::blocks {
namespace {

Result<Coverage> read_coverage(db::Tx& tx, int64_t block_id, bool truncated) {
  Coverage c;
  c.truncated = truncated;
  for (const auto& r : SD_TRY(tx.query(
           "SELECT user_id, depth FROM block_users WHERE block_id = $1 ORDER BY depth, user_id",
           {block_id})))
    c.accounts.push_back({r.i64(0), static_cast<int>(r.i64(1))});
  for (const auto& r : SD_TRY(tx.query(
           "SELECT fingerprint FROM block_fingerprints WHERE block_id = $1 ORDER BY fingerprint",
           {block_id})))
    c.fingerprints.push_back(r.text(0));
  for (const auto& r : SD_TRY(tx.query(
           "SELECT email FROM block_emails WHERE block_id = $1 ORDER BY email", {block_id})))
    c.emails.push_back(r.text(0));
  return c;
}

constexpr std::string_view kColumns =
    "SELECT id, public_id, store_id, customer_id, reason, created_by, created_at, truncated "
    "FROM blocks ";

Result<Block> from_row(db::Tx& tx, const db::Row& r) {
  Block b{r.i64(0), r.text(1), r.i64(2), r.i64(3), r.text(4), r.i64(5), r.i64(6), {}};
  b.coverage = SD_TRY(read_coverage(tx, b.id, r.i64(7) != 0));
  return b;
}

}  // namespace

Result<Block> create_block(db::Tx& tx, Block b) {
  b.public_id = new_public_id("blk");
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO blocks (public_id, store_id, customer_id, reason, created_by, created_at, "
      "truncated) VALUES ($1, $2, $3, $4, $5, $6, $7) "
      "ON CONFLICT (store_id, customer_id) DO NOTHING RETURNING id",
      {b.public_id, b.store_id, b.customer_id, b.reason, b.created_by, b.created_at,
       b.coverage.truncated ? 1 : 0}));
  if (!row) {
    return fail(ErrorKind::conflict, "customer_already_blocked",
                "this customer is already blocked", "id");
  }
  b.id = row->i64(0);
  for (const auto& a : b.coverage.accounts) {
    SD_TRY(tx.exec("INSERT INTO block_users (block_id, store_id, user_id, depth) "
                   "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                   {b.id, b.store_id, a.user_id, a.depth}));
  }
  for (const auto& fp : b.coverage.fingerprints) {
    SD_TRY(tx.exec("INSERT INTO block_fingerprints (block_id, store_id, fingerprint) "
                   "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                   {b.id, b.store_id, fp}));
  }
  for (const auto& e : b.coverage.emails) {
    SD_TRY(tx.exec("INSERT INTO block_emails (block_id, store_id, email) "
                   "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                   {b.id, b.store_id, normalise_email(e)}));
  }
  return b;
}

Result<std::optional<Block>> find_block_for_customer(db::Tx& tx, int64_t store_id,
                                                     int64_t customer_id) {
  auto row = SD_TRY(tx.query_one(std::string(kColumns) +
                                     "WHERE store_id = $1 AND customer_id = $2",
                                 {store_id, customer_id}));
  if (!row) return std::optional<Block>{};
  return std::optional<Block>{SD_TRY(from_row(tx, *row))};
}

Result<bool> delete_block(db::Tx& tx, int64_t store_id, int64_t block_id) {
  // The coverage rows go explicitly (not only by ON DELETE CASCADE) so the rule does not
  // depend on a connection setting.
  SD_TRY(tx.exec("DELETE FROM block_users WHERE block_id = $1 AND store_id = $2",
                 {block_id, store_id}));
  SD_TRY(tx.exec("DELETE FROM block_fingerprints WHERE block_id = $1 AND store_id = $2",
                 {block_id, store_id}));
  SD_TRY(tx.exec("DELETE FROM block_emails WHERE block_id = $1 AND store_id = $2",
                 {block_id, store_id}));
  const auto n = SD_TRY(
      tx.exec("DELETE FROM blocks WHERE id = $1 AND store_id = $2", {block_id, store_id}));
  return n > 0;
}

Result<std::vector<Block>> list_blocks(db::Tx& tx, int64_t store_id,
                                       const std::optional<std::pair<Micros, std::string>>& after,
                                       int limit) {
  const auto rows =
      after ? SD_TRY(tx.query(std::string(kColumns) +
                                  "WHERE store_id = $1 AND (created_at < $2 OR (created_at = $2 "
                                  "AND public_id < $3)) ORDER BY created_at DESC, public_id DESC "
                                  "LIMIT $4",
                              {store_id, after->first, after->second, limit}))
            : SD_TRY(tx.query(std::string(kColumns) +
                                  "WHERE store_id = $1 ORDER BY created_at DESC, public_id DESC "
                                  "LIMIT $2",
                              {store_id, limit}));
  std::vector<Block> out;
  for (const auto& r : rows) out.push_back(SD_TRY(from_row(tx, r)));
  return out;
}

Result<bool> is_blocked(db::Tx& tx, int64_t store_id, int64_t user_id) {
  auto row = SD_TRY(tx.query_one(
      "SELECT 1 FROM block_users WHERE store_id = $1 AND user_id = $2 LIMIT 1",
      {store_id, user_id}));
  return row.has_value();
}

Result<bool> is_covered(db::Tx& tx, int64_t store_id, int64_t user_id,
                        std::string_view normalised_email, std::string_view fingerprint) {
  if (user_id != 0 && SD_TRY(is_blocked(tx, store_id, user_id))) return true;
  if (!normalised_email.empty()) {
    auto row = SD_TRY(tx.query_one(
        "SELECT 1 FROM block_emails WHERE store_id = $1 AND email = $2 LIMIT 1",
        {store_id, normalised_email}));
    if (row) return true;
  }
  if (!fingerprint.empty()) {
    auto row = SD_TRY(tx.query_one(
        "SELECT 1 FROM block_fingerprints WHERE store_id = $1 AND fingerprint = $2 LIMIT 1",
        {store_id, fingerprint}));
    if (row) return true;
  }
  return false;
}

Result<StoreCoverage> store_coverage(db::Tx& tx, int64_t store_id) {
  StoreCoverage c;
  SD_TRY_VOID(tx.each("SELECT user_id FROM block_users WHERE store_id = $1", {store_id},
                      [&](const db::RowView& r) {
                        c.users.insert(r.i64(0));
                        return true;
                      }));
  SD_TRY_VOID(tx.each("SELECT email FROM block_emails WHERE store_id = $1", {store_id},
                      [&](const db::RowView& r) {
                        c.emails.emplace(r.text(0));
                        return true;
                      }));
  return c;
}

}  // namespace sd::blocks
