// Messaging (R-MSG-1..5, R-AUTO-2): one thread per (store, customer) with the messages of
// both sides and read/unread per side; saved replies; broadcasts, whose recipients are rows
// posted to once each by a durable job; per-store unsubscribes from non-transactional mail.
// Placeholders in seller messages are pure rules here; the flow (flows/messaging) fills them
// from the thread's context, which other modules own. Attachments: files either side uploads
// (bytes in platform/files), owned by the store and the uploading side, linked to the messages
// and saved replies that carry them.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::messaging {

enum class Side { seller, buyer };

struct Thread {
  int64_t id = 0;
  std::string public_id;  // "thr_…"
  int64_t store_id = 0;
  int64_t customer_id = 0;
  int64_t buyer_user_id = 0;
  std::string opened_by;  // seller | buyer
  Micros created_at = 0;
  Micros last_message_at = 0;
  int64_t seller_unread = 0;
  int64_t buyer_unread = 0;
};

// An uploaded file for a store's conversations (Issue 6).
struct Attachment {
  int64_t id = 0;
  std::string public_id;  // "att_…"
  int64_t store_id = 0;
  Side side = Side::seller;  // who uploaded it: the store's seller, or the buyer `user_id`
  int64_t user_id = 0;
  std::string filename;
  std::string content_type;  // sniff_attachment's, never the client's
  bool is_image = false;     // a raster image a browser may show inline
  int64_t size_bytes = 0;
  std::string sha256;
  std::string storage_key;
  Micros created_at = 0;
};

struct Message {
  int64_t id = 0;
  std::string public_id;  // "msg_…"
  std::string author;     // seller | buyer | auto
  std::string body;       // may be empty when the message carries attachments
  std::optional<std::string> broadcast_public_id;
  Micros created_at = 0;
  std::vector<Attachment> attachments;  // in the order they were attached
};

// A row of the seller's inbox or the buyer's thread list.
struct ThreadRow {
  Thread thread;
  std::string customer_public_id;
  std::string customer_name;
  std::string customer_email;
  std::string store_name;  // for the buyer's list
  std::string store_slug;
  std::string last_body;
  std::string last_author;
  int64_t last_attachments = 0;  // files on the last message
};

struct SavedReply {
  int64_t id = 0;
  std::string public_id;  // "srp_…"
  std::string title;
  std::string body;
  Micros created_at = 0;
  Micros updated_at = 0;
  std::vector<Attachment> attachments;  // sent with it
};

struct Broadcast {
  int64_t id = 0;
  std::string public_id;  // "bc_…"
  int64_t store_id = 0;
  std::string audience;  // JSON
  std::string body;
  int64_t recipients_total = 0;
  int64_t sent = 0;
  int64_t skipped = 0;
  int64_t pending = 0;
  Micros created_at = 0;
  std::optional<Micros> completed_at;
};

// One recipient the job must post to.
struct PendingRecipient {
  int64_t broadcast_id = 0;
  std::string broadcast_public_id;
  int64_t store_id = 0;
  int64_t customer_id = 0;
  std::string body;
};

// Who a broadcast goes to: every customer of the store, or the buyers of some products
// (internal ids). Members (R-MEM-1) will be a third kind.
struct Audience {
  enum class Kind { all, products };
  Kind kind = Kind::all;
  std::vector<int64_t> product_ids;
};

// A customer as a broadcast judges them: who they are and, when asked for, their latest
// order (what {order_id} and {product_title} are filled from; empty when they have none).
struct RecipientRow {
  int64_t customer_id = 0;
  std::string customer_public_id;
  int64_t user_id = 0;
  std::string name;
  std::string email;
  std::string latest_order_id;
  std::string latest_order_products;  // the order's product titles in line order, ", "-joined
};

// --- rules (pure) ---

// The placeholders a seller message may hold: `{name}` or `{name|fallback}`.
inline constexpr std::array<std::string_view, 7> kPlaceholders = {
    "customer_name", "customer_first_name", "product_title", "order_id",
    "store_name",    "support_email",       "library_url"};

// What a thread knows; an empty value cannot fill a placeholder (its fallback then does).
struct PlaceholderContext {
  std::string customer_name;
  std::string product_title;  // of the customer's latest order
  std::string order_id;       // the latest order's public id
  std::string store_name;
  std::string support_email;
  std::string library_url;
};

// "Ana María López" → "Ana"; "" when the name is blank.
std::string first_name(std::string_view full_name);
// Fills every placeholder. Only `{` + [a-z_]+ + optional `|fallback` (no braces) + `}` is a
// placeholder; other braces are text. invalid_input `placeholder_unknown` or
// `placeholder_unfillable` (param "body"), the message naming the placeholder.
Result<std::string> fill_placeholders(std::string_view body, const PlaceholderContext& ctx);
// Checks the names only (a broadcast is filled per recipient later).
Result<void> check_placeholders(std::string_view body);
// True when `body` holds the placeholder `name` (with or without a fallback).
bool uses_placeholder(std::string_view body, std::string_view name);
// A message body: 1..limits::message_body_bytes_max bytes, not only whitespace, valid UTF-8
// (invalid_input `required` / `too_long` / `invalid_utf8`, param `param`).
Result<void> validate_body(std::string_view body, const std::string& param = "body");

// What an upload is, from its first bytes and then its name: PNG, JPEG, GIF and WebP by their
// bytes only (is_image); PDF and ZIP (and ZIP-based office files) by bytes; a short list of
// document, audio, video and text types by extension; anything else, HTML and SVG included,
// application/octet-stream, so no active content is ever labelled as such.
struct SniffedType {
  std::string content_type;
  bool is_image = false;
};
SniffedType sniff_attachment(std::string_view filename, std::string_view bytes);
// A size for people in emails: "512 bytes", "12 KB", "1.2 MB" (1 KB = 1024 bytes).
std::string human_size(int64_t bytes);

// The inbox cursor: (unread first, last message time, public id) of the last row shown.
struct InboxKey {
  bool unread = false;
  Micros last_message_at = 0;
  std::string public_id;
};
std::string encode_inbox_cursor(const InboxKey& k);
// invalid_input `invalid_cursor` (param cursor) when malformed.
Result<InboxKey> decode_inbox_cursor(std::string_view cursor);
// A LIKE pattern for a case-insensitive substring search (lower-cased, `\` escapes % and _).
std::string like_pattern(std::string_view text);

// One-click unsubscribe (RFC 8058): a token naming (store public id, email), signed with
// HMAC-SHA-256 under `key`. read_unsubscribe_token returns nothing when tampered with.
std::string unsubscribe_token(std::string_view key, std::string_view store_public_id,
                              std::string_view email);
std::optional<std::pair<std::string, std::string>> read_unsubscribe_token(std::string_view key,
                                                                         std::string_view token);

// Response metrics (R-MSG-4) of buyer-opened threads: (first buyer message, first response).
struct ResponseMetrics {
  int64_t threads = 0;                      // new buyer threads in the window
  std::optional<int64_t> median_seconds;    // of the answered ones
  std::optional<double> answered_24h_share;  // 0..1; nullopt without threads
};
ResponseMetrics response_metrics(const std::vector<std::pair<Micros, std::optional<Micros>>>& samples,
                                 Micros now);

// --- store (SQL) ---

// The (store, customer) thread, opened now when there is none: insert-or-nothing on the
// unique (store, customer), so concurrent first messages end with one thread.
Result<Thread> open_thread(db::Tx& tx, int64_t store_id, int64_t customer_id,
                           int64_t buyer_user_id, Side opened_by, Micros now);
// The store's thread; not_found `not_found` (param id) otherwise.
Result<Thread> get_thread(db::Tx& tx, int64_t store_id, std::string_view public_id);
// The buyer's thread (any store); not_found `not_found` (param id) otherwise.
Result<Thread> get_buyer_thread(db::Tx& tx, int64_t buyer_user_id, std::string_view public_id);
Result<std::optional<Thread>> find_thread(db::Tx& tx, int64_t store_id, int64_t customer_id);
// Appends a message and updates the thread (last message, the other side's unread count,
// first buyer message / first response for the metrics). Attachments: attach_to_message.
Result<Message> post_message(db::Tx& tx, const Thread& thread, std::string_view author,
                             std::string_view body, std::optional<int64_t> broadcast_id, Micros now);
Result<void> mark_read(db::Tx& tx, int64_t thread_id, Side reader);
// The thread's newest `limit` messages, oldest first.
Result<std::vector<Message>> list_messages(db::Tx& tx, int64_t thread_id, int limit);
// The inbox: unread first, then newest; `search` matches customer name, email or message text.
Result<std::vector<ThreadRow>> inbox(db::Tx& tx, int64_t store_id,
                                     const std::optional<std::string>& search,
                                     const std::optional<InboxKey>& after, int limit);
// The buyer's threads, newest first, strictly before `before_public_id` in that order.
Result<std::vector<ThreadRow>> buyer_threads(db::Tx& tx, int64_t buyer_user_id,
                                             const std::optional<InboxKey>& after, int limit);
Result<std::vector<std::pair<Micros, std::optional<Micros>>>> response_samples(db::Tx& tx,
                                                                             int64_t store_id,
                                                                             Micros since);

// --- attachments ---
struct NewAttachment {
  int64_t store_id = 0;
  Side side = Side::seller;
  int64_t user_id = 0;
  std::string filename;
  SniffedType type;
  int64_t size_bytes = 0;
  std::string sha256;
  std::string storage_key;
};
Result<Attachment> add_attachment(db::Tx& tx, const NewAttachment& a, Micros now);
// The owner's uploads since `since` that no message or saved reply carries.
Result<int64_t> count_unsent_attachments(db::Tx& tx, int64_t store_id, Side side,
                                         int64_t user_id, Micros since);
// The uploads `public_ids` name, in that order, if each belongs to the store and the side (for a
// buyer, to that buyer). invalid_input `attachment_not_found` (param attachment_ids) otherwise:
// another store's, another buyer's or a missing id all answer alike.
Result<std::vector<Attachment>> owned_attachments(db::Tx& tx, int64_t store_id, Side side,
                                                  int64_t user_id,
                                                  const std::vector<std::string>& public_ids);
Result<void> attach_to_message(db::Tx& tx, int64_t message_id, const std::vector<Attachment>& a);
// Replaces the saved reply's attachments.
Result<void> set_saved_reply_attachments(db::Tx& tx, int64_t saved_reply_id,
                                         const std::vector<Attachment>& a);
// An attachment the store's seller may download: the seller's own uploads, and the buyer's once
// a message of the store carries them. not_found `not_found` (param id) otherwise.
Result<Attachment> seller_attachment(db::Tx& tx, int64_t store_id, std::string_view public_id);
// An attachment the buyer may download: their own uploads, and any a message of one of their
// threads carries. not_found `not_found` (param id) otherwise.
Result<Attachment> buyer_attachment(db::Tx& tx, int64_t buyer_user_id, std::string_view public_id);

Result<SavedReply> create_saved_reply(db::Tx& tx, int64_t store_id, const std::string& title,
                                      const std::string& body, Micros now);
Result<SavedReply> get_saved_reply(db::Tx& tx, int64_t store_id, std::string_view public_id);
Result<SavedReply> update_saved_reply(db::Tx& tx, int64_t store_id, std::string_view public_id,
                                      const std::optional<std::string>& title,
                                      const std::optional<std::string>& body, Micros now);
Result<void> delete_saved_reply(db::Tx& tx, int64_t store_id, std::string_view public_id);
// Newest first, strictly after (created_at, public_id) when given.
Result<std::vector<SavedReply>> list_saved_replies(db::Tx& tx, int64_t store_id,
                                                   const std::optional<std::pair<Micros, std::string>>& after,
                                                   int limit);

// Records the broadcast and one pending recipient per customer of the audience.
Result<Broadcast> create_broadcast(db::Tx& tx, int64_t store_id, const std::string& audience_json,
                                   const std::string& body, const Audience& audience, Micros now);
// The audience's customers in customer id order (the order the job posts in), each once;
// `on_row` returns false to stop. The same audience create_broadcast records.
Result<void> each_audience_member(db::Tx& tx, int64_t store_id, const Audience& audience,
                                  bool with_latest_order,
                                  const std::function<bool(const RecipientRow&)>& on_row);
// The broadcast's pending recipients with customer ids in [first, last], in id order.
Result<std::vector<RecipientRow>> pending_recipient_rows(db::Tx& tx, int64_t broadcast_id,
                                                         int64_t first_customer_id,
                                                         int64_t last_customer_id,
                                                         bool with_latest_order);
Result<Broadcast> get_broadcast(db::Tx& tx, int64_t store_id, std::string_view public_id);
// The store's broadcasts, newest first, strictly after (created_at, public_id) when given.
Result<std::vector<Broadcast>> list_broadcasts(db::Tx& tx, int64_t store_id,
                                               const std::optional<std::pair<Micros, std::string>>& after,
                                               int limit);
// Up to `limit` pending recipients, in (broadcast, customer) order (PostgreSQL: locked,
// skipping rows another instance holds).
Result<std::vector<PendingRecipient>> claim_recipients(db::Tx& tx, int limit);
// pending → sent|skipped; false when it was no longer pending (nothing changed). The caller
// adds what it finished to the broadcast's progress (add_progress) in the same transaction.
Result<bool> finish_recipient(db::Tx& tx, int64_t broadcast_id, int64_t customer_id,
                              std::string_view state, std::optional<std::string> skip_reason,
                              std::optional<int64_t> message_id, Micros now);
Result<void> add_progress(db::Tx& tx, int64_t broadcast_id, int64_t sent, int64_t skipped);
// Marks broadcasts without pending recipients completed.
Result<void> complete_broadcasts(db::Tx& tx, Micros now);

struct AwayMode {
  bool enabled = false;
  std::string message;
};
Result<AwayMode> get_away_mode(db::Tx& tx, int64_t store_id);
Result<void> set_away_mode(db::Tx& tx, int64_t store_id, const AwayMode& mode, Micros now);

Result<void> unsubscribe(db::Tx& tx, int64_t store_id, std::string_view email_canonical, Micros now);
Result<bool> is_unsubscribed(db::Tx& tx, int64_t store_id, std::string_view email_canonical);
// Every canonical email that unsubscribed from the store (to judge many customers at once).
Result<std::unordered_set<std::string>> unsubscribed_emails(db::Tx& tx, int64_t store_id);

}  // namespace sd::messaging
