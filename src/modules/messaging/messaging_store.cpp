// SQL of the messaging module, and nothing else.
#include <algorithm>

#include "core/ids.hpp"
#include "modules/messaging/messaging.hpp"

namespace sd::messaging {
namespace {

constexpr const char* kThreadCols =
    "t.id, t.public_id, t.store_id, t.customer_id, t.buyer_user_id, t.opened_by, t.created_at, "
    "t.last_message_at, t.seller_unread, t.buyer_unread";

Thread thread_of(const db::Row& r) {
  return Thread{r.i64(0), r.text(1), r.i64(2), r.i64(3), r.i64(4),
                r.text(5), r.i64(6),  r.i64(7), r.i64(8), r.i64(9)};
}

tl::unexpected<Error> not_found(const char* what) {
  return fail(ErrorKind::not_found, "not_found", std::string(what) + " not found", "id");
}

SavedReply reply_of(const db::Row& r) {
  return SavedReply{r.i64(0), r.text(1), r.text(2), r.text(3), r.i64(4), r.i64(5), {}};
}

constexpr const char* kReplyCols = "id, public_id, title, body, created_at, updated_at";

constexpr const char* kAttachmentCols =
    "a.id, a.public_id, a.store_id, a.side, a.user_id, a.filename, a.content_type, a.is_image, "
    "a.size_bytes, a.sha256, a.storage_key, a.created_at";
constexpr size_t kAttachmentColCount = 12;

// The attachment in the row's columns [from, from + kAttachmentColCount).
Attachment attachment_of(const db::Row& r, size_t from = 0) {
  Attachment a;
  a.id = r.i64(from);
  a.public_id = r.text(from + 1);
  a.store_id = r.i64(from + 2);
  a.side = r.text(from + 3) == "buyer" ? Side::buyer : Side::seller;
  a.user_id = r.i64(from + 4);
  a.filename = r.text(from + 5);
  a.content_type = r.text(from + 6);
  a.is_image = r.boolean(from + 7);
  a.size_bytes = r.i64(from + 8);
  a.sha256 = r.text(from + 9);
  a.storage_key = r.text(from + 10);
  a.created_at = r.i64(from + 11);
  return a;
}

const char* side_name(Side s) { return s == Side::seller ? "seller" : "buyer"; }

// Fills each reply's attachments with one query: the store's replies created within the
// replies' time range (a page of the list is such a range), kept for the replies given.
Result<void> fill_reply_attachments(db::Tx& tx, int64_t store_id, std::vector<SavedReply>& replies) {
  if (replies.empty()) return {};
  Micros lo = replies.front().created_at, hi = lo;
  for (const auto& r : replies) {
    lo = std::min(lo, r.created_at);
    hi = std::max(hi, r.created_at);
  }
  auto rows = SD_TRY(tx.query(std::string("SELECT l.saved_reply_id, ") + kAttachmentCols +
                                  " FROM saved_replies r JOIN saved_reply_attachments l ON "
                                  "l.saved_reply_id = r.id JOIN attachments a ON a.id = "
                                  "l.attachment_id WHERE r.store_id = $1 AND r.created_at >= $2 "
                                  "AND r.created_at <= $3 ORDER BY l.saved_reply_id, l.position",
                              {store_id, lo, hi}));
  for (const auto& row : rows)
    for (auto& r : replies)
      if (r.id == row.i64(0)) r.attachments.push_back(attachment_of(row, 1));
  return {};
}

}  // namespace

Result<Thread> open_thread(db::Tx& tx, int64_t store_id, int64_t customer_id,
                           int64_t buyer_user_id, Side opened_by, Micros now) {
  SD_TRY(tx.exec(
      "INSERT INTO threads (public_id, store_id, customer_id, buyer_user_id, opened_by, "
      "created_at, last_message_at) VALUES ($1, $2, $3, $4, $5, $6, $6) "
      "ON CONFLICT (store_id, customer_id) DO NOTHING",
      {new_public_id("thr"), store_id, customer_id, buyer_user_id,
       opened_by == Side::seller ? "seller" : "buyer", now}));
  auto t = SD_TRY(find_thread(tx, store_id, customer_id));
  if (!t) return fail(ErrorKind::internal, "thread_missing", "the thread was not opened");
  return *t;
}

Result<std::optional<Thread>> find_thread(db::Tx& tx, int64_t store_id, int64_t customer_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kThreadCols +
                                     " FROM threads t WHERE t.store_id = $1 AND t.customer_id = $2",
                                 {store_id, customer_id}));
  if (!row) return std::optional<Thread>{};
  return std::optional<Thread>{thread_of(*row)};
}

Result<Thread> get_thread(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kThreadCols +
                                     " FROM threads t WHERE t.store_id = $1 AND t.public_id = $2",
                                 {store_id, public_id}));
  if (!row) return not_found("thread");
  return thread_of(*row);
}

Result<Thread> get_buyer_thread(db::Tx& tx, int64_t buyer_user_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(
      std::string("SELECT ") + kThreadCols +
          " FROM threads t WHERE t.buyer_user_id = $1 AND t.public_id = $2",
      {buyer_user_id, public_id}));
  if (!row) return not_found("thread");
  return thread_of(*row);
}

Result<Message> post_message(db::Tx& tx, const Thread& thread, std::string_view author,
                             std::string_view body, std::optional<int64_t> broadcast_id,
                             Micros now) {
  Message m;
  m.public_id = new_public_id("msg");
  m.author = std::string(author);
  m.body = std::string(body);
  m.created_at = now;
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO messages (public_id, thread_id, store_id, author, body, broadcast_id, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {m.public_id, thread.id, thread.store_id, m.author, m.body, broadcast_id, now}));
  m.id = row->i64(0);
  if (author == "buyer") {
    SD_TRY(tx.exec(
        "UPDATE threads SET last_message_at = $2, seller_unread = seller_unread + 1, "
        "first_buyer_at = COALESCE(first_buyer_at, $2) WHERE id = $1",
        {thread.id, now}));
  } else {
    // A seller's (or the away mode's) message answers a buyer who wrote first.
    SD_TRY(tx.exec(
        "UPDATE threads SET last_message_at = $2, buyer_unread = buyer_unread + 1, "
        "first_response_at = CASE WHEN first_buyer_at IS NOT NULL AND first_response_at IS NULL "
        "THEN $2 ELSE first_response_at END WHERE id = $1",
        {thread.id, now}));
  }
  return m;
}

Result<void> mark_read(db::Tx& tx, int64_t thread_id, Side reader) {
  SD_TRY(tx.exec(reader == Side::seller
                     ? "UPDATE threads SET seller_unread = 0 WHERE id = $1 AND seller_unread <> 0"
                     : "UPDATE threads SET buyer_unread = 0 WHERE id = $1 AND buyer_unread <> 0",
                 {thread_id}));
  return {};
}

Result<std::vector<Message>> list_messages(db::Tx& tx, int64_t thread_id, int limit) {
  auto rows = SD_TRY(tx.query(
      "SELECT m.id, m.public_id, m.author, m.body, b.public_id, m.created_at FROM messages m "
      "LEFT JOIN broadcasts b ON b.id = m.broadcast_id WHERE m.thread_id = $1 "
      "ORDER BY m.id DESC LIMIT $2",
      {thread_id, limit}));
  std::vector<Message> out;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it)
    out.push_back(Message{it->i64(0), it->text(1), it->text(2), it->text(3), it->opt_text(4),
                          it->i64(5), {}});
  if (out.empty()) return out;
  // The shown messages' attachments in one query (messages are in id order, oldest first).
  auto files = SD_TRY(tx.query(
      std::string("SELECT l.message_id, ") + kAttachmentCols +
          " FROM message_attachments l JOIN messages m ON m.id = l.message_id "
          "JOIN attachments a ON a.id = l.attachment_id WHERE m.thread_id = $1 AND m.id >= $2 "
          "ORDER BY l.message_id, l.position",
      {thread_id, out.front().id}));
  size_t i = 0;
  for (const auto& r : files) {
    const auto message_id = r.i64(0);
    while (i < out.size() && out[i].id < message_id) ++i;
    if (i < out.size() && out[i].id == message_id) out[i].attachments.push_back(attachment_of(r, 1));
  }
  return out;
}

// ---- attachments ----

Result<Attachment> add_attachment(db::Tx& tx, const NewAttachment& n, Micros now) {
  const auto public_id = new_public_id("att");
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO attachments (public_id, store_id, side, user_id, filename, content_type, "
      "is_image, size_bytes, sha256, storage_key, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
      {public_id, n.store_id, side_name(n.side), n.user_id, n.filename, n.type.content_type,
       n.type.is_image ? 1 : 0, n.size_bytes, n.sha256, n.storage_key, now}));
  return Attachment{row->i64(0), public_id,        n.store_id, n.side,       n.user_id,
                    n.filename,  n.type.content_type, n.type.is_image, n.size_bytes, n.sha256,
                    n.storage_key, now};
}

Result<int64_t> count_unsent_attachments(db::Tx& tx, int64_t store_id, Side side, int64_t user_id,
                                         Micros since) {
  auto row = SD_TRY(tx.query_one(
      "SELECT COUNT(*) FROM attachments a WHERE a.store_id = $1 AND a.side = $2 AND a.user_id = $3 "
      "AND a.created_at >= $4 "
      "AND NOT EXISTS (SELECT 1 FROM message_attachments l WHERE l.attachment_id = a.id) "
      "AND NOT EXISTS (SELECT 1 FROM saved_reply_attachments l WHERE l.attachment_id = a.id)",
      {store_id, side_name(side), user_id, since}));
  return row->i64(0);
}

Result<std::vector<Attachment>> owned_attachments(db::Tx& tx, int64_t store_id, Side side,
                                                  int64_t user_id,
                                                  const std::vector<std::string>& public_ids) {
  std::vector<Attachment> out;
  for (const auto& id : public_ids) {
    // The seller's uploads are the store's; a buyer's are that buyer's alone.
    auto row = SD_TRY(tx.query_one(
        std::string("SELECT ") + kAttachmentCols +
            " FROM attachments a WHERE a.public_id = $1 AND a.store_id = $2 AND a.side = $3 "
            "AND (a.side = 'seller' OR a.user_id = $4)",
        {id, store_id, side_name(side), user_id}));
    if (!row)
      return fail(ErrorKind::invalid_input, "attachment_not_found",
                  "attachment " + id + " is not one of your uploads for this store; upload the file "
                  "again",
                  "attachment_ids");
    out.push_back(attachment_of(*row));
  }
  return out;
}

Result<void> attach_to_message(db::Tx& tx, int64_t message_id, const std::vector<Attachment>& a) {
  for (size_t i = 0; i < a.size(); ++i)
    SD_TRY(tx.exec("INSERT INTO message_attachments (message_id, attachment_id, position) "
                   "VALUES ($1, $2, $3)",
                   {message_id, a[i].id, static_cast<int64_t>(i)}));
  return {};
}

Result<void> set_saved_reply_attachments(db::Tx& tx, int64_t saved_reply_id,
                                         const std::vector<Attachment>& a) {
  SD_TRY(tx.exec("DELETE FROM saved_reply_attachments WHERE saved_reply_id = $1", {saved_reply_id}));
  for (size_t i = 0; i < a.size(); ++i)
    SD_TRY(tx.exec("INSERT INTO saved_reply_attachments (saved_reply_id, attachment_id, position) "
                   "VALUES ($1, $2, $3)",
                   {saved_reply_id, a[i].id, static_cast<int64_t>(i)}));
  return {};
}

Result<Attachment> seller_attachment(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(
      std::string("SELECT ") + kAttachmentCols +
          " FROM attachments a WHERE a.public_id = $1 AND a.store_id = $2 AND (a.side = 'seller' "
          "OR EXISTS (SELECT 1 FROM message_attachments l JOIN messages m ON m.id = l.message_id "
          "WHERE l.attachment_id = a.id AND m.store_id = $2))",
      {public_id, store_id}));
  if (!row) return not_found("attachment");
  return attachment_of(*row);
}

Result<Attachment> buyer_attachment(db::Tx& tx, int64_t buyer_user_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(
      std::string("SELECT ") + kAttachmentCols +
          " FROM attachments a WHERE a.public_id = $1 AND ((a.side = 'buyer' AND a.user_id = $2) "
          "OR EXISTS (SELECT 1 FROM message_attachments l JOIN messages m ON m.id = l.message_id "
          "JOIN threads t ON t.id = m.thread_id WHERE l.attachment_id = a.id "
          "AND t.buyer_user_id = $2))",
      {public_id, buyer_user_id}));
  if (!row) return not_found("attachment");
  return attachment_of(*row);
}

namespace {

// The row shape both lists share: the thread, its customer and store, and its last message.
std::string rows_select() {
  return std::string("SELECT ") + kThreadCols +
         ", c.public_id, c.name, c.email, s.name, s.slug, "
         "(SELECT m.body FROM messages m WHERE m.thread_id = t.id ORDER BY m.id DESC LIMIT 1), "
         "(SELECT m.author FROM messages m WHERE m.thread_id = t.id ORDER BY m.id DESC LIMIT 1), "
         "(SELECT COUNT(*) FROM message_attachments l WHERE l.message_id = "
         "(SELECT m.id FROM messages m WHERE m.thread_id = t.id ORDER BY m.id DESC LIMIT 1)) "
         "FROM threads t JOIN customers c ON c.id = t.customer_id JOIN stores s ON s.id = t.store_id ";
}

std::vector<ThreadRow> rows_of(const std::vector<db::Row>& rows) {
  std::vector<ThreadRow> out;
  for (const auto& r : rows) {
    ThreadRow row;
    row.thread = thread_of(r);
    row.customer_public_id = r.text(10);
    row.customer_name = r.text(11);
    row.customer_email = r.text(12);
    row.store_name = r.text(13);
    row.store_slug = r.text(14);
    row.last_body = r.opt_text(15).value_or("");
    row.last_author = r.opt_text(16).value_or("");
    row.last_attachments = r.opt_i64(17).value_or(0);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

namespace {

// Rows strictly after `after` in the order (unread DESC, last_message_at DESC, public_id DESC);
// every parameter is referenced, so PostgreSQL can type each one.
std::string after_clause(const std::string& unread, int p) {
  const auto a = "$" + std::to_string(p), b = "$" + std::to_string(p + 1),
             c = "$" + std::to_string(p + 2);
  return "AND (CAST(" + a + " AS INTEGER) IS NULL OR " + unread + " < " + a + " OR (" + unread + " = " + a +
         " AND (t.last_message_at < CAST(" + b + " AS BIGINT) OR (t.last_message_at = " + b +
         " AND t.public_id < CAST(" + c + " AS TEXT))))) ";
}

}  // namespace

Result<std::vector<ThreadRow>> inbox(db::Tx& tx, int64_t store_id,
                                     const std::optional<std::string>& search,
                                     const std::optional<InboxKey>& after, int limit) {
  // Unread first, then newest: the key (unread, last_message_at, public_id) descending.
  const std::string unread = "(CASE WHEN t.seller_unread > 0 THEN 1 ELSE 0 END)";
  const std::string sql =
      rows_select() +
      "WHERE t.store_id = $1 AND EXISTS (SELECT 1 FROM messages m0 WHERE m0.thread_id = t.id) "
      "AND (CAST($2 AS TEXT) IS NULL OR lower(c.name) LIKE $2 ESCAPE '\\' OR lower(c.email) LIKE $2 ESCAPE "
      "'\\' OR EXISTS (SELECT 1 FROM messages m2 WHERE m2.thread_id = t.id AND lower(m2.body) "
      "LIKE $2 ESCAPE '\\')) " +
      after_clause(unread, 3) + "ORDER BY " + unread +
      " DESC, t.last_message_at DESC, t.public_id DESC LIMIT $6";
  auto rows = SD_TRY(tx.query(
      sql, {store_id, search ? db::Value(like_pattern(*search)) : db::Value(nullptr),
            after ? db::Value(after->unread ? 1 : 0) : db::Value(nullptr),
            after ? db::Value(after->last_message_at) : db::Value(nullptr),
            after ? db::Value(after->public_id) : db::Value(nullptr), limit}));
  return rows_of(rows);
}

Result<std::vector<ThreadRow>> buyer_threads(db::Tx& tx, int64_t buyer_user_id,
                                             const std::optional<InboxKey>& after, int limit) {
  const std::string unread = "(CASE WHEN t.buyer_unread > 0 THEN 1 ELSE 0 END)";
  const std::string sql =
      rows_select() +
      "WHERE t.buyer_user_id = $1 AND EXISTS (SELECT 1 FROM messages m0 WHERE m0.thread_id = "
      "t.id) " +
      after_clause(unread, 2) + "ORDER BY " + unread +
      " DESC, t.last_message_at DESC, t.public_id DESC LIMIT $5";
  auto rows = SD_TRY(tx.query(
      sql, {buyer_user_id, after ? db::Value(after->unread ? 1 : 0) : db::Value(nullptr),
            after ? db::Value(after->last_message_at) : db::Value(nullptr),
            after ? db::Value(after->public_id) : db::Value(nullptr), limit}));
  return rows_of(rows);
}

Result<std::vector<std::pair<Micros, std::optional<Micros>>>> response_samples(db::Tx& tx,
                                                                             int64_t store_id,
                                                                             Micros since) {
  auto rows = SD_TRY(tx.query(
      "SELECT first_buyer_at, first_response_at FROM threads WHERE store_id = $1 "
      "AND opened_by = 'buyer' AND first_buyer_at >= $2",
      {store_id, since}));
  std::vector<std::pair<Micros, std::optional<Micros>>> out;
  for (const auto& r : rows) out.emplace_back(r.i64(0), r.opt_i64(1));
  return out;
}

// ---- saved replies ----

Result<SavedReply> create_saved_reply(db::Tx& tx, int64_t store_id, const std::string& title,
                                      const std::string& body, Micros now) {
  const auto id = new_public_id("srp");
  SD_TRY(tx.exec(
      "INSERT INTO saved_replies (public_id, store_id, title, body, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $5)",
      {id, store_id, title, body, now}));
  return get_saved_reply(tx, store_id, id);
}

Result<SavedReply> get_saved_reply(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kReplyCols +
                                     " FROM saved_replies WHERE store_id = $1 AND public_id = $2",
                                 {store_id, public_id}));
  if (!row) return not_found("saved reply");
  std::vector<SavedReply> one{reply_of(*row)};
  SD_TRY_VOID(fill_reply_attachments(tx, store_id, one));
  return std::move(one.front());
}

Result<SavedReply> update_saved_reply(db::Tx& tx, int64_t store_id, std::string_view public_id,
                                      const std::optional<std::string>& title,
                                      const std::optional<std::string>& body, Micros now) {
  const auto n = SD_TRY(tx.exec(
      "UPDATE saved_replies SET title = COALESCE($3, title), body = COALESCE($4, body), "
      "updated_at = $5 WHERE store_id = $1 AND public_id = $2",
      {store_id, public_id, title, body, now}));
  if (n == 0) return not_found("saved reply");
  return get_saved_reply(tx, store_id, public_id);
}

Result<void> delete_saved_reply(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  SD_TRY(tx.exec("DELETE FROM saved_reply_attachments WHERE saved_reply_id IN (SELECT id FROM "
                 "saved_replies WHERE store_id = $1 AND public_id = $2)",
                 {store_id, public_id}));
  const auto n = SD_TRY(tx.exec("DELETE FROM saved_replies WHERE store_id = $1 AND public_id = $2",
                                {store_id, public_id}));
  if (n == 0) return not_found("saved reply");
  return {};
}

Result<std::vector<SavedReply>> list_saved_replies(
    db::Tx& tx, int64_t store_id, const std::optional<std::pair<Micros, std::string>>& after,
    int limit) {
  auto rows = SD_TRY(tx.query(
      std::string("SELECT ") + kReplyCols +
          " FROM saved_replies WHERE store_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR created_at < $2 OR "
          "(created_at = $2 AND public_id < CAST($3 AS TEXT))) ORDER BY created_at DESC, public_id DESC LIMIT $4",
      {store_id, after ? db::Value(after->first) : db::Value(nullptr),
       after ? db::Value(after->second) : db::Value(nullptr), limit}));
  std::vector<SavedReply> out;
  for (const auto& r : rows) out.push_back(reply_of(r));
  SD_TRY_VOID(fill_reply_attachments(tx, store_id, out));
  return out;
}

// ---- broadcasts ----

Result<Broadcast> create_broadcast(db::Tx& tx, int64_t store_id, const std::string& audience_json,
                                   const std::string& body, bool all_customers,
                                   const std::vector<int64_t>& product_ids, Micros now) {
  const auto public_id = new_public_id("bc");
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO broadcasts (public_id, store_id, audience, body, recipients_total, created_at) "
      "VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
      {public_id, store_id, audience_json, body, now}));
  const int64_t id = row->i64(0);
  if (all_customers) {
    SD_TRY(tx.exec(
        "INSERT INTO broadcast_recipients (broadcast_id, customer_id, state) "
        "SELECT $1, c.id, 'pending' FROM customers c WHERE c.store_id = $2",
        {id, store_id}));
  } else {
    // One statement per product; the primary key (broadcast, customer) keeps each customer once.
    for (const auto pid : product_ids) {
      SD_TRY(tx.exec(
          "INSERT INTO broadcast_recipients (broadcast_id, customer_id, state) "
          "SELECT DISTINCT $1, o.customer_id, 'pending' FROM order_lines l "
          "JOIN orders o ON o.id = l.order_id WHERE l.store_id = $2 AND l.product_id = $3 "
          "ON CONFLICT (broadcast_id, customer_id) DO NOTHING",
          {id, store_id, pid}));
    }
  }
  SD_TRY(tx.exec(
      "UPDATE broadcasts SET recipients_total = (SELECT COUNT(*) FROM broadcast_recipients "
      "WHERE broadcast_id = $1) WHERE id = $1",
      {id}));
  return get_broadcast(tx, store_id, public_id);
}

Result<Broadcast> get_broadcast(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(
      "SELECT b.id, b.public_id, b.audience, b.body, b.recipients_total, b.created_at, "
      "b.completed_at, "
      "(SELECT COUNT(*) FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.state = 'sent'), "
      "(SELECT COUNT(*) FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.state = 'skipped') "
      "FROM broadcasts b WHERE b.store_id = $1 AND b.public_id = $2",
      {store_id, public_id}));
  if (!row) return not_found("broadcast");
  Broadcast b;
  b.id = row->i64(0);
  b.public_id = row->text(1);
  b.store_id = store_id;
  b.audience = row->text(2);
  b.body = row->text(3);
  b.recipients_total = row->i64(4);
  b.created_at = row->i64(5);
  b.completed_at = row->opt_i64(6);
  b.sent = row->i64(7);
  b.skipped = row->i64(8);
  b.pending = b.recipients_total - b.sent - b.skipped;
  return b;
}

Result<std::vector<PendingRecipient>> claim_recipients(db::Tx& tx, int limit) {
  const std::string lock =
      tx.dialect() == db::Dialect::postgres ? " FOR UPDATE OF r SKIP LOCKED" : "";
  auto rows = SD_TRY(tx.query(
      "SELECT r.broadcast_id, b.public_id, b.store_id, r.customer_id, b.body "
      "FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id "
      "WHERE r.state = 'pending' ORDER BY r.broadcast_id, r.customer_id LIMIT $1" + lock,
      {limit}));
  std::vector<PendingRecipient> out;
  for (const auto& r : rows)
    out.push_back(PendingRecipient{r.i64(0), r.text(1), r.i64(2), r.i64(3), r.text(4)});
  return out;
}

Result<bool> finish_recipient(db::Tx& tx, int64_t broadcast_id, int64_t customer_id,
                              std::string_view state, std::optional<std::string> skip_reason,
                              std::optional<int64_t> message_id, Micros now) {
  const auto n = SD_TRY(tx.exec(
      "UPDATE broadcast_recipients SET state = $3, skip_reason = $4, message_id = $5, "
      "done_at = $6 WHERE broadcast_id = $1 AND customer_id = $2 AND state = 'pending'",
      {broadcast_id, customer_id, state, skip_reason, message_id, now}));
  return n > 0;
}

Result<void> complete_broadcasts(db::Tx& tx, Micros now) {
  SD_TRY(tx.exec(
      "UPDATE broadcasts SET completed_at = $1 WHERE completed_at IS NULL AND NOT EXISTS "
      "(SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = broadcasts.id "
      "AND r.state = 'pending')",
      {now}));
  return {};
}

// ---- away mode ----

Result<AwayMode> get_away_mode(db::Tx& tx, int64_t store_id) {
  auto row = SD_TRY(tx.query_one("SELECT enabled, message FROM away_modes WHERE store_id = $1",
                                 {store_id}));
  if (!row) return AwayMode{};
  return AwayMode{row->i64(0) != 0, row->text(1)};
}

Result<void> set_away_mode(db::Tx& tx, int64_t store_id, const AwayMode& mode, Micros now) {
  SD_TRY(tx.exec(
      "INSERT INTO away_modes (store_id, enabled, message, updated_at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (store_id) DO UPDATE SET enabled = excluded.enabled, "
      "message = excluded.message, updated_at = excluded.updated_at",
      {store_id, mode.enabled ? 1 : 0, mode.message, now}));
  return {};
}

// ---- unsubscribes ----

Result<void> unsubscribe(db::Tx& tx, int64_t store_id, std::string_view email_canonical,
                         Micros now) {
  SD_TRY(tx.exec(
      "INSERT INTO mail_unsubscribes (store_id, email_canonical, created_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (store_id, email_canonical) DO NOTHING",
      {store_id, email_canonical, now}));
  return {};
}

Result<bool> is_unsubscribed(db::Tx& tx, int64_t store_id, std::string_view email_canonical) {
  auto row = SD_TRY(tx.query_one(
      "SELECT 1 FROM mail_unsubscribes WHERE store_id = $1 AND email_canonical = $2",
      {store_id, email_canonical}));
  return row.has_value();
}

}  // namespace sd::messaging
