// W-CHECKOUT baseline: a plain SQLite program inserting the rows one checkout writes (user,
// session, customer, order, line, journal entry, postings, entitlement, sales row, the
// receipt's outbox row, idempotency record, the sales row's search text and its FTS5 entry, the
// day/month/all-time rollup rows), with keys shaped as the server's (raw_keys.hpp) and the
// server's durability (WAL, synchronous=FULL), in batches of B orders per commit. No HTTP, no
// validation, no payment: the floor the server is measured against.
//   bench_raw_checkout DB_PATH ORDERS BATCH   (the DB must be migrated and hold store 1,
//                                              product 1, tier 1: `shopdesk seed-demo --orders 0`)
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "raw_keys.hpp"

namespace {

sqlite3* db = nullptr;

void check(int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

struct Stmt {
  sqlite3_stmt* s = nullptr;
  explicit Stmt(const char* sql) { check(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), sql); }
  Stmt& bind(int i, long long v) { sqlite3_bind_int64(s, i, v); return *this; }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Like run(), for an INSERT … ON CONFLICT DO NOTHING: -1 when it inserted nothing.
  long long run_if_new() {
    check(sqlite3_step(s), "step");
    const long long id = sqlite3_changes(db) == 1 ? sqlite3_last_insert_rowid(db) : -1;
    sqlite3_reset(s);
    return id;
  }
  long long run() {
    check(sqlite3_step(s), "step");
    long long id = sqlite3_last_insert_rowid(db);
    sqlite3_reset(s);
    return id;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DB ORDERS BATCH\n", argv[0]);
    return 2;
  }
  const long long orders = std::atoll(argv[2]);
  const long long batch = std::atoll(argv[3]);
  check(sqlite3_open(argv[1], &db), "open");
  // The server's writer connection's settings (limits::db_sqlite_writer_cache_kib).
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
               "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
               nullptr, nullptr, nullptr);
  Stmt user("INSERT INTO users (public_id, email, email_canonical, name, created_at) VALUES (?1, ?2, ?2, 'Bench Buyer', ?3)");
  Stmt session("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?1, ?2, ?1, ?3, ?3)");
  Stmt idem("INSERT INTO idempotency_keys (scope, key_hash, request_hash, state, response, created_at, updated_at) VALUES ('anon', ?1, ?1, 'complete', ?1, ?2, ?2)");
  Stmt customer("INSERT INTO customers (public_id, store_id, user_id, name, email, created_at) VALUES (?1, 1, ?2, 'Bench Buyer', ?3, 0)");
  Stmt order("INSERT INTO orders (public_id, store_id, customer_id, buyer_user_id, email, name, currency, subtotal_minor, tax_minor, total_minor, fee_minor, net_minor, tax_country, tax_region, tax_rate_ppm, tax_label, evidence, payment_brand, payment_last4, payment_fingerprint, provider_charge_id, created_at, available_at) VALUES (?1, 1, ?2, ?3, ?4, 'Bench Buyer', 'USD', 1000, 190, 1190, 80, 920, 'DE', '', 190000, 'VAT', '{}', 'visa', '4242', 'fp', ?6, ?5, ?5) ON CONFLICT (public_id) DO NOTHING");
  Stmt line("INSERT INTO order_lines (public_id, order_id, store_id, product_id, tier_id, product_title, tier_name, terms, quantity, unit_price_minor, subtotal_minor, tax_minor, total_minor, fee_minor) VALUES (?1, ?2, 1, 1, 1, 'Product', 'Tier', 'Terms', 1, 1000, 1000, 190, 1190, 80)");
  Stmt entry("INSERT INTO journal_entries (store_id, kind, order_id, memo, created_at) VALUES (1, 'sale', ?1, 'order', ?2)");
  Stmt posting("INSERT INTO postings (entry_id, store_id, account, currency, amount_minor, available_at, created_at) VALUES (?1, 1, ?2, 'USD', ?3, ?4, ?4)");
  Stmt ent("INSERT INTO entitlements (public_id, store_id, user_id, order_id, order_line_id, product_id, created_at) VALUES (?1, 1, ?2, ?3, ?4, 1, ?5)");
  Stmt sale("INSERT INTO sales (line_id, store_id, order_id, order_public_id, line_public_id, created_at, product_id, product_public_id, product_title, tier_name, quantity, customer_id, customer_public_id, customer_name, customer_email, status, unit_price_minor, price_minor, tax_minor, tax_rate_ppm, total_minor, refunded_minor, currency, country, region, payment_brand, payment_last4, license_key, search_text, search_version) VALUES (?1, 1, ?2, ?3, ?8, ?4, 1, 'prd', 'Product', 'Tier', 1, ?5, 'cus', 'Bench Buyer', ?6, 'complete', 1000, 1000, 190, 190000, 1190, 0, 'USD', 'DE', '', 'visa', '4242', '', ?7, 1)");
  Stmt search("INSERT INTO sales_search (rowid, search_text) VALUES (?1, ?2)");
  Stmt rollup("INSERT INTO sales_rollup (store_id, grain, period, status, product_public_id, tier_name, country, count, total_minor) VALUES (1, ?1, ?2, 'complete', 'prd', 'Tier', 'DE', 1, 1190) ON CONFLICT (store_id, grain, period, status, product_public_id, tier_name, country) DO UPDATE SET count = sales_rollup.count + excluded.count, total_minor = sales_rollup.total_minor + excluded.total_minor");
  Stmt mail("INSERT INTO outbox_emails (store_id, kind, message, created_at, next_attempt_at) VALUES (1, 'receipt', ?1, ?2, ?2)");

  const auto start = std::chrono::steady_clock::now();
  // The receipt's outbox row names its order (the mail job renders it when it sends it).
  for (long long i = 0; i < orders; ++i) {
    if (i % batch == 0) check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
    const std::string email = bench::random_email();
    std::string order_id;
    const std::string line_id = sd::new_public_id("li");
    const long long now = i;
    const auto uid = user.bind(1, sd::new_public_id("usr")).bind(2, email).bind(3, now).run();
    session.bind(1, bench::session_key()).bind(2, uid).bind(3, now).run();
    idem.bind(1, bench::idempotency_hash()).bind(2, now).run();
    const auto cid = customer.bind(1, sd::new_public_id("cus")).bind(2, uid).bind(3, email).run();
    long long oid = -1;
    while (oid < 0) {  // order ids are short: like the server, draw again when one is taken
      order_id = bench::order_id();
      oid = order.bind(1, order_id).bind(2, cid).bind(3, uid).bind(4, email).bind(5, now)
                .bind(6, sd::new_public_id("ch_test")).run_if_new();
    }
    const auto lid = line.bind(1, line_id).bind(2, oid).run();
    const auto eid = entry.bind(1, oid).bind(2, now).run();
    posting.bind(1, eid).bind(2, std::string("buyer_payments")).bind(3, 1190).bind(4, now).run();
    posting.bind(1, eid).bind(2, std::string("tax_payable")).bind(3, -190).bind(4, now).run();
    posting.bind(1, eid).bind(2, std::string("platform_fees")).bind(3, -80).bind(4, now).run();
    posting.bind(1, eid).bind(2, std::string("creator")).bind(3, -920).bind(4, now).run();
    ent.bind(1, sd::new_public_id("ent")).bind(2, uid).bind(3, oid).bind(4, lid).bind(5, now).run();
    const std::string text = bench::search_text(order_id, email);
    sale.bind(1, lid).bind(2, oid).bind(3, order_id).bind(4, now).bind(5, cid).bind(6, email)
        .bind(7, text).bind(8, line_id).run();
    search.bind(1, lid).bind(2, text).run();
    for (const char* grain : {"d", "m", "a"}) rollup.bind(1, std::string(grain)).bind(2, 0LL).run();
    mail.bind(1, R"({"ref":"receipt","store_id":1,"id":)" + std::to_string(oid) + "}").bind(2, now).run();
    if (i % batch == batch - 1 || i == orders - 1)
      check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("raw orders %lld batch %lld: %.0f orders/s (%.2f s)\n", orders, batch, orders / secs, secs);
  sqlite3_close(db);
  return 0;
}
