// SQL of the orders module, and nothing else.
#include "core/ids.hpp"
#include "modules/orders/orders.hpp"

namespace sd::orders {
namespace {

constexpr const char* kOrderColumns =
    "o.id, o.public_id, o.store_id, o.customer_id, o.buyer_user_id, o.email, o.name, "
    "o.currency, o.subtotal_minor, o.tax_minor, o.total_minor, o.fee_minor, o.net_minor, "
    "o.tax_country, o.tax_region, o.tax_rate_ppm, o.tax_label, o.evidence, o.payment_brand, "
    "o.payment_last4, o.payment_fingerprint, o.provider_charge_id, o.consent_at, o.created_at, "
    "o.available_at";

Order order_from(const db::Row& r) {
  Order o;
  o.id = r.i64(0);
  o.public_id = r.text(1);
  o.store_id = r.i64(2);
  o.customer_id = r.i64(3);
  o.buyer_user_id = r.i64(4);
  o.email = r.text(5);
  o.name = r.text(6);
  o.currency = r.text(7);
  o.subtotal_minor = r.i64(8);
  o.tax_minor = r.i64(9);
  o.total_minor = r.i64(10);
  o.fee_minor = r.i64(11);
  o.net_minor = r.i64(12);
  o.tax_country = r.text(13);
  o.tax_region = r.text(14);
  o.tax_rate_ppm = r.i64(15);
  o.tax_label = r.text(16);
  o.evidence = r.text(17);
  o.payment_brand = r.text(18);
  o.payment_last4 = r.text(19);
  o.payment_fingerprint = r.text(20);
  o.provider_charge_id = r.text(21);
  o.consent_at = r.opt_i64(22);
  o.created_at = r.i64(23);
  o.available_at = r.i64(24);
  return o;
}

Result<void> load_lines(db::Tx& tx, Order& o) {
  auto rows = SD_TRY(tx.query(
      "SELECT l.id, l.public_id, l.product_id, p.public_id, l.tier_id, t.public_id, "
      "l.product_title, l.tier_name, l.terms, l.quantity, l.unit_price_minor, l.subtotal_minor, "
      "l.tax_minor, l.total_minor, l.fee_minor, l.refunded_minor "
      "FROM order_lines l JOIN products p ON p.id = l.product_id "
      "JOIN product_tiers t ON t.id = l.tier_id WHERE l.order_id = $1 ORDER BY l.id",
      {o.id}));
  o.lines.clear();
  for (const auto& r : rows) {
    o.lines.push_back(Line{r.i64(0), r.text(1), r.i64(2), r.text(3), r.i64(4), r.text(5),
                           r.text(6), r.text(7), r.text(8), r.i64(9), r.i64(10), r.i64(11),
                           r.i64(12), r.i64(13), r.i64(14), r.i64(15)});
  }
  return {};
}

Result<Order> find_one(db::Tx& tx, const char* owner_column, int64_t owner,
                       std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kOrderColumns + " FROM orders o WHERE o." +
                                     owner_column + " = $1 AND o.public_id = $2",
                                 {owner, public_id}));
  if (!row) return fail(ErrorKind::not_found, "not_found", "order not found", "order_id");
  auto o = order_from(*row);
  SD_TRY_VOID(load_lines(tx, o));
  return o;
}

}  // namespace

Result<Customer> upsert_customer(db::Tx& tx, int64_t store_id, int64_t user_id,
                                 const std::string& name, const std::string& email, Micros now) {
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO customers (public_id, store_id, user_id, name, email, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (store_id, user_id) DO NOTHING "
      "RETURNING id, public_id, name, email",
      {new_public_id("cus"), store_id, user_id, name, email, now}));
  if (!row)
    row = SD_TRY(tx.query_one(
        "SELECT id, public_id, name, email FROM customers WHERE store_id = $1 AND user_id = $2",
        {store_id, user_id}));
  return Customer{row->i64(0), row->text(1), store_id, user_id, row->text(2), row->text(3)};
}

Result<Order> insert_order(db::Tx& tx, Order o) {
  // A taken id inserts nothing (and fails nothing, so the transaction goes on): draw again.
  for (int attempt = 0;; ++attempt) {
    if (attempt > 20) return fail(ErrorKind::internal, "order_id_exhausted", "no free order id");
    if (attempt > 0 || o.public_id.empty()) o.public_id = new_order_public_id(o.created_at);
    auto row = SD_TRY(tx.query_one(
        "INSERT INTO orders (public_id, store_id, customer_id, buyer_user_id, email, name, "
        "currency, subtotal_minor, tax_minor, total_minor, fee_minor, net_minor, tax_country, "
        "tax_region, tax_rate_ppm, tax_label, evidence, payment_brand, payment_last4, "
        "payment_fingerprint, provider_charge_id, consent_at, created_at, available_at) VALUES "
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
        "$20, $21, $22, $23, $24) ON CONFLICT (public_id) DO NOTHING RETURNING id",
        {o.public_id, o.store_id, o.customer_id, o.buyer_user_id, o.email, o.name, o.currency,
         o.subtotal_minor, o.tax_minor, o.total_minor, o.fee_minor, o.net_minor, o.tax_country,
         o.tax_region, o.tax_rate_ppm, o.tax_label, o.evidence, o.payment_brand, o.payment_last4,
         o.payment_fingerprint, o.provider_charge_id, o.consent_at, o.created_at,
         o.available_at}));
    if (row) {
      o.id = row->i64(0);
      break;
    }
  }
  for (auto& l : o.lines) {
    if (l.public_id.empty()) l.public_id = new_public_id("li");
    auto lr = SD_TRY(tx.query_one(
        "INSERT INTO order_lines (public_id, order_id, store_id, product_id, tier_id, "
        "product_title, tier_name, terms, quantity, unit_price_minor, subtotal_minor, tax_minor, "
        "total_minor, fee_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
        "$14) RETURNING id",
        {l.public_id, o.id, o.store_id, l.product_id, l.tier_id, l.product_title, l.tier_name,
         l.terms, l.quantity, l.unit_price_minor, l.subtotal_minor, l.tax_minor, l.total_minor,
         l.fee_minor}));
    l.id = lr->i64(0);
  }
  return o;
}

Result<void> append_orders(db::Tx& tx, const std::vector<Order>& orders) {
  std::vector<db::Value> o_rows, l_rows;
  o_rows.reserve(orders.size() * 25);
  for (const auto& o : orders) {
    for (db::Value v : {db::Value(o.id), db::Value(o.public_id), db::Value(o.store_id),
                        db::Value(o.customer_id), db::Value(o.buyer_user_id), db::Value(o.email),
                        db::Value(o.name), db::Value(o.currency), db::Value(o.subtotal_minor),
                        db::Value(o.tax_minor), db::Value(o.total_minor), db::Value(o.fee_minor),
                        db::Value(o.net_minor), db::Value(o.tax_country), db::Value(o.tax_region),
                        db::Value(o.tax_rate_ppm), db::Value(o.tax_label), db::Value(o.evidence),
                        db::Value(o.payment_brand), db::Value(o.payment_last4),
                        db::Value(o.payment_fingerprint), db::Value(o.provider_charge_id),
                        db::Value(o.consent_at), db::Value(o.created_at), db::Value(o.available_at)})
      o_rows.push_back(std::move(v));
    for (const auto& l : o.lines)
      for (db::Value v : {db::Value(l.id), db::Value(l.public_id), db::Value(o.id),
                          db::Value(o.store_id), db::Value(l.product_id), db::Value(l.tier_id),
                          db::Value(l.product_title), db::Value(l.tier_name), db::Value(l.terms),
                          db::Value(l.quantity), db::Value(l.unit_price_minor),
                          db::Value(l.subtotal_minor), db::Value(l.tax_minor),
                          db::Value(l.total_minor), db::Value(l.fee_minor),
                          db::Value(l.refunded_minor)})
        l_rows.push_back(std::move(v));
  }
  SD_TRY_VOID(tx.append_rows(
      "orders",
      {"id", "public_id", "store_id", "customer_id", "buyer_user_id", "email", "name", "currency",
       "subtotal_minor", "tax_minor", "total_minor", "fee_minor", "net_minor", "tax_country",
       "tax_region", "tax_rate_ppm", "tax_label", "evidence", "payment_brand", "payment_last4",
       "payment_fingerprint", "provider_charge_id", "consent_at", "created_at", "available_at"},
      o_rows));
  return tx.append_rows("order_lines",
                        {"id", "public_id", "order_id", "store_id", "product_id", "tier_id",
                         "product_title", "tier_name", "terms", "quantity", "unit_price_minor",
                         "subtotal_minor", "tax_minor", "total_minor", "fee_minor",
                         "refunded_minor"},
                        l_rows);
}

Result<void> each_public_id(db::Tx& tx, const std::function<void(std::string_view)>& on_id) {
  return tx.each("SELECT public_id FROM orders", {}, [&](const db::RowView& r) {
    on_id(r.text(0));
    return true;
  });
}

Result<std::optional<Order>> find_by_charge(db::Tx& tx, std::string_view provider_charge_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kOrderColumns +
                                     " FROM orders o WHERE o.provider_charge_id = $1",
                                 {provider_charge_id}));
  if (!row) return std::optional<Order>{};
  auto o = order_from(*row);
  SD_TRY_VOID(load_lines(tx, o));
  return std::optional<Order>{std::move(o)};
}

Result<Order> get_order(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  return find_one(tx, "store_id", store_id, public_id);
}

Result<Customer> get_customer(db::Tx& tx, int64_t store_id, int64_t customer_id) {
  auto row = SD_TRY(tx.query_one(
      "SELECT id, public_id, user_id, name, email FROM customers WHERE store_id = $1 AND id = $2",
      {store_id, customer_id}));
  if (!row) return fail(ErrorKind::not_found, "not_found", "customer not found", "id");
  return Customer{row->i64(0), row->text(1), store_id, row->i64(2), row->text(3), row->text(4)};
}

Result<CustomerSummary> customer_summary(db::Tx& tx, int64_t store_id,
                                         std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(
      "SELECT c.id, c.public_id, c.user_id, c.name, c.email, c.created_at, "
      "(SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id), "
      "(SELECT COALESCE(SUM(o.total_minor), 0) FROM orders o WHERE o.customer_id = c.id), "
      "(SELECT COALESCE(SUM(l.refunded_minor), 0) FROM order_lines l "
      " JOIN orders o ON o.id = l.order_id WHERE o.customer_id = c.id), "
      "(SELECT MIN(o.created_at) FROM orders o WHERE o.customer_id = c.id), "
      "(SELECT MAX(o.created_at) FROM orders o WHERE o.customer_id = c.id) "
      "FROM customers c WHERE c.store_id = $1 AND c.public_id = $2",
      {store_id, public_id}));
  if (!row) return fail(ErrorKind::not_found, "not_found", "customer not found", "id");
  CustomerSummary s;
  s.customer = Customer{row->i64(0), row->text(1), store_id, row->i64(2), row->text(3),
                        row->text(4)};
  s.orders_count = row->i64(6);
  s.total_spent_minor = row->i64(7);
  s.refunded_minor = row->i64(8);
  s.first_order_at = row->opt_i64(9);
  s.last_order_at = row->opt_i64(10);
  // Customers recorded before their creation time was stored read 0: their first order is
  // when they became a customer.
  s.created_at = row->i64(5) != 0 ? row->i64(5) : s.first_order_at.value_or(0);
  auto latest = SD_TRY(tx.query_one(
      "SELECT tax_country, currency FROM orders WHERE customer_id = $1 "
      "ORDER BY created_at DESC, id DESC LIMIT 1",
      {s.customer.id}));
  if (latest) {
    s.country = latest->text(0);
    s.currency = latest->text(1);
  }
  return s;
}

Result<std::vector<PurchaseRow>> customer_purchases(db::Tx& tx, int64_t store_id,
                                                    int64_t customer_id,
                                                    const std::optional<Keyset>& after,
                                                    int limit) {
  // The page of orders first, then their lines (portable: no string aggregation).
  const std::string where =
      !after ? ""
      : after->public_id
          ? " AND (created_at < $4 OR (created_at = $4 AND public_id < $5))"
          : " AND created_at <= $4";
  const std::string sql =
      "SELECT o.public_id, o.created_at, o.total_minor, o.currency, l.product_title, "
      "l.refunded_minor FROM (SELECT id, public_id, created_at, total_minor, currency "
      "FROM orders WHERE store_id = $1 AND customer_id = $2" + where +
      " ORDER BY created_at DESC, public_id DESC LIMIT $3) o "
      "JOIN order_lines l ON l.order_id = o.id ORDER BY o.created_at DESC, o.public_id DESC, l.id";
  std::vector<db::Row> rows;
  if (!after) {
    rows = SD_TRY(tx.query(sql, {store_id, customer_id, limit}));
  } else if (after->public_id) {
    rows = SD_TRY(tx.query(sql, {store_id, customer_id, limit, after->at, *after->public_id}));
  } else {
    rows = SD_TRY(tx.query(sql, {store_id, customer_id, limit, after->at}));
  }
  std::vector<PurchaseRow> out;
  for (const auto& r : rows) {
    if (out.empty() || out.back().order_public_id != r.text(0)) {
      out.push_back(PurchaseRow{r.text(0), r.i64(1), r.text(4), r.i64(2), r.i64(5), r.text(3)});
    } else {
      out.back().description += ", " + r.text(4);
      out.back().refunded_minor += r.i64(5);
    }
  }
  return out;
}

Result<Order> get_buyer_order(db::Tx& tx, int64_t buyer_user_id, std::string_view public_id) {
  return find_one(tx, "buyer_user_id", buyer_user_id, public_id);
}

Result<Customer> get_customer_by_public_id(db::Tx& tx, int64_t store_id,
                                           std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(
      "SELECT id, public_id, user_id, name, email FROM customers "
      "WHERE store_id = $1 AND public_id = $2",
      {store_id, public_id}));
  if (!row) return fail(ErrorKind::not_found, "not_found", "customer not found", "id");
  return Customer{row->i64(0), row->text(1), store_id, row->i64(2), row->text(3), row->text(4)};
}

Result<std::optional<Customer>> find_customer_by_user(db::Tx& tx, int64_t store_id,
                                                      int64_t user_id) {
  auto row = SD_TRY(tx.query_one(
      "SELECT id, public_id, name, email FROM customers WHERE store_id = $1 AND user_id = $2",
      {store_id, user_id}));
  if (!row) return std::optional<Customer>{};
  return std::optional<Customer>{
      Customer{row->i64(0), row->text(1), store_id, user_id, row->text(2), row->text(3)}};
}

Result<std::vector<std::string>> payment_fingerprints_of(db::Tx& tx, int64_t store_id,
                                                         int64_t user_id) {
  // Through the store's customer record: orders are indexed by customer, not by account.
  std::vector<std::string> out;
  for (const auto& r : SD_TRY(tx.query(
           "SELECT DISTINCT o.payment_fingerprint FROM customers c "
           "JOIN orders o ON o.customer_id = c.id "
           "WHERE c.store_id = $1 AND c.user_id = $2 AND o.payment_fingerprint <> '' "
           "ORDER BY o.payment_fingerprint",
           {store_id, user_id})))
    out.push_back(r.text(0));
  return out;
}

Result<std::vector<int64_t>> buyers_with_fingerprint(db::Tx& tx, int64_t store_id,
                                                     std::string_view fingerprint) {
  std::vector<int64_t> out;
  for (const auto& r : SD_TRY(tx.query(
           "SELECT DISTINCT buyer_user_id FROM orders "
           "WHERE payment_fingerprint = $1 AND store_id = $2 ORDER BY buyer_user_id",
           {fingerprint, store_id})))
    out.push_back(r.i64(0));
  return out;
}

}  // namespace sd::orders
