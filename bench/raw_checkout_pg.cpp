// W-CHECKOUT baseline on PostgreSQL: the rows one checkout writes (as bench_raw_checkout does
// for SQLite), through libpq prepared statements, B orders per transaction, one connection.
//   bench_raw_checkout_pg CONNINFO ORDERS BATCH   (the database must be migrated and hold store 1,
//                                                   product 1, tier 1: `shopdesk seed-demo --orders 0`)
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "raw_keys.hpp"

namespace {

PGconn* conn = nullptr;

PGresult* run(const char* name, std::vector<std::string> params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PGresult* r = PQexecPrepared(conn, name, static_cast<int>(values.size()), values.data(),
                               nullptr, nullptr, 0);
  const auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "%s: %s\n", name, PQerrorMessage(conn));
    std::exit(1);
  }
  return r;
}

// The id a RETURNING statement gave; empty when it inserted nothing (ON CONFLICT DO NOTHING).
std::string id_of(const char* name, std::vector<std::string> params) {
  PGresult* r = run(name, std::move(params));
  std::string id = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  return id;
}

void exec(const char* sql) {
  PGresult* r = PQexec(conn, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(conn));
    std::exit(1);
  }
  PQclear(r);
}

void prepare(const char* name, const char* sql) {
  PGresult* r = PQprepare(conn, name, sql, 0, nullptr);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "prepare %s: %s\n", name, PQerrorMessage(conn));
    std::exit(1);
  }
  PQclear(r);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s CONNINFO ORDERS BATCH\n", argv[0]);
    return 2;
  }
  const long long orders = std::atoll(argv[2]);
  const long long batch = std::atoll(argv[3]);
  conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "connect: %s\n", PQerrorMessage(conn));
    return 1;
  }
  prepare("user", "INSERT INTO users (public_id, email, email_canonical, name, created_at) VALUES ($1, $2, $2, 'Bench Buyer', $3) RETURNING id");
  prepare("session", "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $1, $3, $3)");
  prepare("idem", "INSERT INTO idempotency_keys (scope, key_hash, request_hash, state, response, created_at, updated_at) VALUES ('anon', $1, $1, 'complete', $1, $2, $2)");
  prepare("customer", "INSERT INTO customers (public_id, store_id, user_id, name, email, created_at) VALUES ($1, 1, $2, 'Bench Buyer', $3, 0) RETURNING id");
  prepare("order", "INSERT INTO orders (public_id, store_id, customer_id, buyer_user_id, email, name, currency, subtotal_minor, tax_minor, total_minor, fee_minor, net_minor, tax_country, tax_region, tax_rate_ppm, tax_label, evidence, payment_brand, payment_last4, payment_fingerprint, provider_charge_id, created_at, available_at) VALUES ($1, 1, $2, $3, $4, 'Bench Buyer', 'USD', 1000, 190, 1190, 80, 920, 'DE', '', 190000, 'VAT', '{}', 'visa', '4242', 'fp', $6, $5, $5) ON CONFLICT (public_id) DO NOTHING RETURNING id");
  prepare("line", "INSERT INTO order_lines (public_id, order_id, store_id, product_id, tier_id, product_title, tier_name, terms, quantity, unit_price_minor, subtotal_minor, tax_minor, total_minor, fee_minor) VALUES ($1, $2, 1, 1, 1, 'Product', 'Tier', 'Terms', 1, 1000, 1000, 190, 1190, 80) RETURNING id");
  prepare("entry", "INSERT INTO journal_entries (store_id, kind, order_id, memo, created_at) VALUES (1, 'sale', $1, 'order', $2) RETURNING id");
  prepare("posting", "INSERT INTO postings (entry_id, store_id, account, currency, amount_minor, available_at, created_at) VALUES ($1, 1, $2, 'USD', $3, $4, $4)");
  prepare("ent", "INSERT INTO entitlements (public_id, store_id, user_id, order_id, order_line_id, product_id, created_at) VALUES ($1, 1, $2, $3, $4, 1, $5)");
  prepare("sale", "INSERT INTO sales (line_id, store_id, order_id, order_public_id, line_public_id, created_at, product_id, product_public_id, product_title, tier_name, quantity, customer_id, customer_public_id, customer_name, customer_email, status, unit_price_minor, price_minor, tax_minor, tax_rate_ppm, total_minor, refunded_minor, currency, country, region, payment_brand, payment_last4, license_key, search_text, search_version) VALUES ($1, 1, $2, $3, $8, $4, 1, 'prd', 'Product', 'Tier', 1, $5, 'cus', 'Bench Buyer', $6, 'complete', 1000, 1000, 190, 190000, 1190, 0, 'USD', 'DE', '', 'visa', '4242', '', $7, 1)");
  prepare("rollup", "INSERT INTO sales_rollup (store_id, grain, period, status, product_public_id, tier_name, country, count, total_minor) VALUES (1, $1, 0, 'complete', 'prd', 'Tier', 'DE', 1, 1190) ON CONFLICT (store_id, grain, period, status, product_public_id, tier_name, country) DO UPDATE SET count = sales_rollup.count + excluded.count, total_minor = sales_rollup.total_minor + excluded.total_minor");
  prepare("mail", "INSERT INTO outbox_emails (store_id, kind, message, created_at, next_attempt_at) VALUES (1, 'receipt', $1, $2, $2)");

  const auto start = std::chrono::steady_clock::now();
  // The receipt's outbox row names its order (the mail job renders it when it sends it).
  for (long long i = 0; i < orders; ++i) {
    if (i % batch == 0) exec("BEGIN");
    const std::string email = bench::random_email();
    std::string order_id;
    const std::string line_id = sd::new_public_id("li");
    const std::string now = std::to_string(i);
    const auto uid = id_of("user", {sd::new_public_id("usr"), email, now});
    PQclear(run("session", {bench::session_key(), uid, now}));
    PQclear(run("idem", {bench::idempotency_hash(), now}));
    const auto cid = id_of("customer", {sd::new_public_id("cus"), uid, email});
    std::string oid;
    while (oid.empty()) {  // order ids are short: like the server, draw again when one is taken
      order_id = bench::order_id();
      oid = id_of("order", {order_id, cid, uid, email, now, sd::new_public_id("ch_test")});
    }
    const auto lid = id_of("line", {line_id, oid});
    const auto eid = id_of("entry", {oid, now});
    PQclear(run("posting", {eid, "buyer_payments", "1190", now}));
    PQclear(run("posting", {eid, "tax_payable", "-190", now}));
    PQclear(run("posting", {eid, "platform_fees", "-80", now}));
    PQclear(run("posting", {eid, "creator", "-920", now}));
    PQclear(run("ent", {sd::new_public_id("ent"), uid, oid, lid, now}));
    const std::string text = bench::search_text(order_id, email);
    PQclear(run("sale", {lid, oid, order_id, now, cid, email, text, line_id}));
    for (const char* grain : {"d", "m", "a"}) PQclear(run("rollup", {grain}));
    PQclear(run("mail", {R"({"ref":"receipt","store_id":1,"id":)" + oid + "}", now}));
    if (i % batch == batch - 1 || i == orders - 1) exec("COMMIT");
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("raw pg orders %lld batch %lld: %.0f orders/s (%.2f s)\n", orders, batch, orders / secs, secs);
  PQfinish(conn);
  return 0;
}
