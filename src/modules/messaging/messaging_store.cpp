// SQL of the messaging module, and nothing else.
#include <algorithm>

#include "core/ids.hpp"
#include "modules/messaging/messaging.hpp"

namespace sd::messaging {
namespace {

constexpr const char* kThreadCols =
    "t.id, t.public_id, t.store_id, t.customer_id, t.buyer_user_id, t.opened_by, t.created_at, "
    "t.last_message_at, t.seller_unread, t.buyer_unread";

// The same columns unqualified (RETURNING).
constexpr const char* kThreadColsBare =
    "id, public_id, store_id, customer_id, buyer_user_id, opened_by, created_at, "
    "last_message_at, seller_unread, buyer_unread";

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
  // A new thread comes back from the INSERT; an existing one (the conflict) is read.
  auto inserted = SD_TRY(tx.query_one(
      "INSERT INTO threads (public_id, store_id, customer_id, buyer_user_id, opened_by, "
      "created_at, last_message_at) VALUES ($1, $2, $3, $4, $5, $6, $6) "
      "ON CONFLICT (store_id, customer_id) DO NOTHING RETURNING " + std::string(kThreadColsBare),
      {new_public_id("thr"), store_id, customer_id, buyer_user_id,
       opened_by == Side::seller ? "seller" : "buyer", now}));
  if (inserted) return thread_of(*inserted);
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

namespace {

// A JSON array of integers bound as `param`, as a one-column subquery of its values.
std::string id_list(db::Tx& tx, const std::string& param) {
  return tx.dialect() == db::Dialect::postgres
             ? "(SELECT CAST(jsonb_array_elements_text(CAST(" + param + " AS jsonb)) AS BIGINT))"
             : "(SELECT value FROM json_each(" + param + "))";
}

std::string json_ids(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

// The audience as a condition on `customers c`, with the store as $1 and, for products, the
// JSON list of product ids as $2. The one definition both the preview and the send use.
std::string audience_where(db::Tx& tx, const Audience& a) {
  if (a.kind == Audience::Kind::all) return "c.store_id = $1";
  return "c.store_id = $1 AND c.id IN (SELECT o0.customer_id FROM order_lines l0 JOIN orders o0 "
         "ON o0.id = l0.order_id WHERE l0.store_id = $1 AND l0.product_id IN " +
         id_list(tx, "$2") + ")";
}

// Rows of RecipientRow from `from` (which names `customers c`) where `where`, in customer id
// order; with the latest order (as customer_purchases orders them: newest, then public id),
// one row per line of it.
std::string recipient_rows_sql(const std::string& from, const std::string& where, bool with_order) {
  if (!with_order)
    return "SELECT c.id, c.public_id, c.user_id, c.name, c.email, NULL, NULL FROM " + from +
           " WHERE " + where + " ORDER BY c.id";
  return "SELECT c.id, c.public_id, c.user_id, c.name, c.email, lo.public_id, l.product_title "
         "FROM " + from +
         " LEFT JOIN orders lo ON lo.id = (SELECT o2.id FROM orders o2 WHERE o2.customer_id = c.id "
         "AND o2.store_id = c.store_id ORDER BY o2.created_at DESC, o2.public_id DESC LIMIT 1) "
         "LEFT JOIN order_lines l ON l.order_id = lo.id WHERE " + where + " ORDER BY c.id, l.id";
}

// Folds the rows of one customer (one per line of their latest order) into RecipientRows.
class RowFolder {
 public:
  explicit RowFolder(const std::function<bool(const RecipientRow&)>& emit) : emit_(emit) {}
  bool add(const db::RowView& r) {
    const auto id = r.i64(0);
    if (current_ && current_->customer_id == id) {
      if (!r.is_null(6)) current_->latest_order_products += ", " + std::string(r.text(6));
      return true;
    }
    if (current_ && !emit_(*current_)) return stopped_ = true, false;
    current_ = RecipientRow{id, std::string(r.text(1)), r.i64(2), std::string(r.text(3)),
                            std::string(r.text(4)), std::string(r.is_null(5) ? "" : r.text(5)),
                            std::string(r.is_null(6) ? "" : r.text(6))};
    return true;
  }
  void finish() {
    if (current_ && !stopped_) emit_(*current_);
  }

 private:
  const std::function<bool(const RecipientRow&)>& emit_;
  std::optional<RecipientRow> current_;
  bool stopped_ = false;
};

Broadcast broadcast_of(const db::Row& r, int64_t store_id) {
  Broadcast b;
  b.id = r.i64(0);
  b.public_id = r.text(1);
  b.store_id = store_id;
  b.audience = r.text(2);
  b.body = r.text(3);
  b.recipients_total = r.i64(4);
  b.created_at = r.i64(5);
  b.completed_at = r.opt_i64(6);
  b.sent = r.i64(7);
  b.skipped = r.i64(8);
  b.pending = b.recipients_total - b.sent - b.skipped;
  return b;
}

constexpr const char* kBroadcastCols =
    "b.id, b.public_id, b.audience, b.body, b.recipients_total, b.created_at, b.completed_at, "
    "b.sent_count, b.skipped_count";

}  // namespace

Result<Broadcast> create_broadcast(db::Tx& tx, int64_t store_id, const std::string& audience_json,
                                   const std::string& body, const Audience& audience, Micros now) {
  const auto public_id = new_public_id("bc");
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO broadcasts (public_id, store_id, audience, body, recipients_total, created_at) "
      "VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
      {public_id, store_id, audience_json, body, now}));
  const int64_t id = row->i64(0);
  // $1 the store, $2 the product list (products only), then the broadcast.
  const bool all = audience.kind == Audience::Kind::all;
  const std::string insert = "INSERT INTO broadcast_recipients (broadcast_id, customer_id, state) "
                             "SELECT CAST(" + std::string(all ? "$2" : "$3") +
                             " AS BIGINT), c.id, 'pending' FROM customers c WHERE " +
                             audience_where(tx, audience);
  const auto n = all ? SD_TRY(tx.exec(insert, {store_id, id}))
                     : SD_TRY(tx.exec(insert, {store_id, json_ids(audience.product_ids), id}));
  SD_TRY(tx.exec("UPDATE broadcasts SET recipients_total = $2 WHERE id = $1", {id, n}));
  return get_broadcast(tx, store_id, public_id);
}

Result<void> each_audience_member(db::Tx& tx, int64_t store_id, const Audience& audience,
                                  bool with_latest_order,
                                  const std::function<bool(const RecipientRow&)>& on_row) {
  RowFolder folder(on_row);
  const auto sql = recipient_rows_sql("customers c", audience_where(tx, audience), with_latest_order);
  const auto add = [&](const db::RowView& r) { return folder.add(r); };
  if (audience.kind == Audience::Kind::all) {
    SD_TRY_VOID(tx.each(sql, {store_id}, add));
  } else {
    SD_TRY_VOID(tx.each(sql, {store_id, json_ids(audience.product_ids)}, add));
  }
  folder.finish();
  return {};
}

Result<std::vector<RecipientRow>> pending_recipient_rows(db::Tx& tx, int64_t broadcast_id,
                                                         int64_t first_customer_id,
                                                         int64_t last_customer_id,
                                                         bool with_latest_order) {
  std::vector<RecipientRow> out;
  const std::function<bool(const RecipientRow&)> keep = [&](const RecipientRow& r) {
    out.push_back(r);
    return true;
  };
  RowFolder folder(keep);
  SD_TRY_VOID(tx.each(
      recipient_rows_sql("broadcast_recipients r JOIN customers c ON c.id = r.customer_id",
                         "r.broadcast_id = $1 AND r.state = 'pending' AND r.customer_id >= $2 "
                         "AND r.customer_id <= $3",
                         with_latest_order),
      {broadcast_id, first_customer_id, last_customer_id},
      [&](const db::RowView& r) { return folder.add(r); }));
  folder.finish();
  return out;
}

Result<Broadcast> get_broadcast(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kBroadcastCols +
                                     " FROM broadcasts b WHERE b.store_id = $1 AND b.public_id = $2",
                                 {store_id, public_id}));
  if (!row) return not_found("broadcast");
  return broadcast_of(*row, store_id);
}

Result<std::vector<Broadcast>> list_broadcasts(
    db::Tx& tx, int64_t store_id, const std::optional<std::pair<Micros, std::string>>& after,
    int limit) {
  auto rows = SD_TRY(tx.query(
      std::string("SELECT ") + kBroadcastCols +
          " FROM broadcasts b WHERE b.store_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR "
          "b.created_at < $2 OR (b.created_at = $2 AND b.public_id < CAST($3 AS TEXT))) "
          "ORDER BY b.created_at DESC, b.public_id DESC LIMIT $4",
      {store_id, after ? db::Value(after->first) : db::Value(nullptr),
       after ? db::Value(after->second) : db::Value(nullptr), limit}));
  std::vector<Broadcast> out;
  for (const auto& r : rows) out.push_back(broadcast_of(r, store_id));
  return out;
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

Result<void> add_progress(db::Tx& tx, int64_t broadcast_id, int64_t sent, int64_t skipped) {
  SD_TRY(tx.exec(
      "UPDATE broadcasts SET sent_count = sent_count + $2, skipped_count = skipped_count + $3 "
      "WHERE id = $1",
      {broadcast_id, sent, skipped}));
  return {};
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

Result<std::unordered_set<std::string>> unsubscribed_emails(db::Tx& tx, int64_t store_id) {
  std::unordered_set<std::string> out;
  SD_TRY_VOID(tx.each("SELECT email_canonical FROM mail_unsubscribes WHERE store_id = $1",
                      {store_id}, [&](const db::RowView& r) {
                        out.emplace(r.text(0));
                        return true;
                      }));
  return out;
}

}  // namespace sd::messaging
