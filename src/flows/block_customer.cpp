#include "flows/block_customer.hpp"

#include <charconv>
#include <set>

#include "core/ids.hpp"
#include "core/limits.hpp"
#include "modules/accounts/accounts.hpp"
#include "modules/orders/orders.hpp"

namespace sd::flows {
namespace {

// The coverage of blocking `customer`: the walk over this store's orders, then the emails of
// every covered account (its login) and of its customer record here (the receipts' address).
Result<blocks::Coverage> coverage_of(db::Tx& tx, int64_t store_id,
                                     const orders::Customer& customer) {
  blocks::Links links{
      [&](int64_t user_id) { return orders::payment_fingerprints_of(tx, store_id, user_id); },
      [&](std::string_view fp) { return orders::buyers_with_fingerprint(tx, store_id, fp); }};
  auto c = SD_TRY(blocks::walk_coverage(customer.user_id, links, limits::block_link_depth_max,
                                        limits::block_accounts_max));
  std::set<std::string> emails;
  for (const auto& a : c.accounts) {
    emails.insert(blocks::normalise_email(SD_TRY(accounts::get_user(tx, a.user_id)).email));
    if (auto cus = SD_TRY(orders::find_customer_by_user(tx, store_id, a.user_id)))
      emails.insert(blocks::normalise_email(cus->email));
  }
  c.emails.assign(emails.begin(), emails.end());
  return c;
}

Result<BlockView> view_of(db::Tx& tx, int64_t store_id, const orders::Customer& customer,
                          const blocks::Coverage& c) {
  BlockView v;
  v.customer_id = customer.public_id;
  v.customer_name = customer.name;
  v.customer_email = customer.email;
  v.fingerprints_count = c.fingerprints.size();
  v.emails_count = c.emails.size();
  v.truncated = c.truncated;
  for (const auto& a : c.accounts) {
    CoveredAccount out;
    out.depth = a.depth;
    if (auto cus = SD_TRY(orders::find_customer_by_user(tx, store_id, a.user_id))) {
      out.customer_id = cus->public_id;
      out.name = cus->name;
      out.email_masked = blocks::mask_email(cus->email);
    } else {
      const auto u = SD_TRY(accounts::get_user(tx, a.user_id));
      out.name = u.name;
      out.email_masked = blocks::mask_email(u.email);
    }
    v.accounts.push_back(std::move(out));
  }
  return v;
}

Result<BlockView> view_of_block(db::Tx& tx, const blocks::Block& b) {
  const auto customer = SD_TRY(orders::get_customer(tx, b.store_id, b.customer_id));
  auto v = SD_TRY(view_of(tx, b.store_id, customer, b.coverage));
  v.id = b.public_id;
  v.reason = b.reason;
  v.created_at = b.created_at;
  return v;
}

// Opaque to clients: hex of "<created_at>.<public id>".
std::string encode_block_cursor(Micros at, const std::string& id) {
  return encode_cursor_text(std::to_string(at) + "." + id);
}

Result<std::pair<Micros, std::string>> decode_block_cursor(std::string_view text) {
  const auto bad = [] {
    return fail(ErrorKind::invalid_input, "invalid_cursor", "cursor is not valid", "cursor");
  };
  const auto decoded = decode_cursor_text(text, 100);
  if (!decoded) return bad();
  const std::string& plain = *decoded;
  const auto dot = plain.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= plain.size()) return bad();
  Micros at = 0;
  auto [end, ec] = std::from_chars(plain.data(), plain.data() + dot, at);
  if (ec != std::errc{} || end != plain.data() + dot || at < 0) return bad();
  return std::pair<Micros, std::string>{at, plain.substr(dot + 1)};
}

}  // namespace

Result<BlockView> preview_block(db::Database& db, int64_t store_id,
                                std::string_view customer_public_id) {
  return db.read<BlockView>([&](db::Tx& tx) -> Result<BlockView> {
    const auto customer = SD_TRY(orders::get_customer_by_public_id(tx, store_id, customer_public_id));
    return view_of(tx, store_id, customer, SD_TRY(coverage_of(tx, store_id, customer)));
  });
}

Result<BlockView> block_customer(db::Database& db, int64_t store_id, int64_t actor_user_id,
                                 std::string_view customer_public_id, const std::string& reason,
                                 Micros now) {
  return db.write<BlockView>([&](db::Tx& tx) -> Result<BlockView> {
    const auto customer = SD_TRY(orders::get_customer_by_public_id(tx, store_id, customer_public_id));
    blocks::Block b;
    b.store_id = store_id;
    b.customer_id = customer.id;
    b.reason = reason;
    b.created_by = actor_user_id;
    b.created_at = now;
    b.coverage = SD_TRY(coverage_of(tx, store_id, customer));
    return view_of_block(tx, SD_TRY(blocks::create_block(tx, std::move(b))));
  });
}

Result<void> unblock_customer(db::Database& db, int64_t store_id,
                              std::string_view customer_public_id) {
  return db.write<void>([&](db::Tx& tx) -> Result<void> {
    const auto customer = SD_TRY(orders::get_customer_by_public_id(tx, store_id, customer_public_id));
    const auto b = SD_TRY(blocks::find_block_for_customer(tx, store_id, customer.id));
    if (!b || !SD_TRY(blocks::delete_block(tx, store_id, b->id)))
      return fail(ErrorKind::not_found, "block_not_found", "this customer is not blocked", "id");
    return {};
  });
}

Result<BlockPage> list_blocks(db::Database& db, int64_t store_id, int limit,
                              const std::optional<std::string>& cursor) {
  std::optional<std::pair<Micros, std::string>> after;
  if (cursor) after = SD_TRY(decode_block_cursor(*cursor));
  return db.read<BlockPage>([&](db::Tx& tx) -> Result<BlockPage> {
    auto rows = SD_TRY(blocks::list_blocks(tx, store_id, after, limit + 1));
    BlockPage page;
    page.has_more = rows.size() > static_cast<size_t>(limit);
    if (page.has_more) rows.resize(static_cast<size_t>(limit));
    for (const auto& b : rows) page.data.push_back(SD_TRY(view_of_block(tx, b)));
    if (page.has_more)
      page.next_cursor = encode_block_cursor(rows.back().created_at, rows.back().public_id);
    return page;
  });
}

Result<std::string> block_id_of(db::Tx& tx, int64_t store_id, int64_t customer_id) {
  const auto b = SD_TRY(blocks::find_block_for_customer(tx, store_id, customer_id));
  return b ? b->public_id : std::string();
}

}  // namespace sd::flows
