// Conversations (R-MSG-1..5, R-AUTO-2): threads between a store and a customer, seller
// messages with placeholders and saved replies, broadcasts sent by a durable job, the email
// notification of each new message (through the outbox, in the message's transaction) and
// one-click unsubscribes; attachments either side uploads and sends. Each function owns its
// transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/messaging/messaging.hpp"
#include "modules/orders/orders.hpp"
#include "platform/db/database.hpp"
#include "platform/files/files.hpp"

namespace sd::flows {

struct MessagingDeps {
  db::Database& db;
  const Clock& clock;
  std::string public_url;  // links in emails
  std::string link_key;    // signs unsubscribe links
};

struct ThreadView {
  messaging::Thread thread;
  std::string customer_public_id, customer_name, customer_email;
  std::string store_name, store_slug;
  std::vector<messaging::Message> messages;
  std::vector<orders::PurchaseRow> purchases;  // the customer's, newest first (seller view)
};

struct Sent {
  std::string thread_public_id;
  messaging::Message message;
  bool thread_opened = false;
};

// A seller's message: a body, or a saved reply (its body and attachments), placeholders filled
// either way, plus uploads of the store's seller (attachment ids, "att_…"). The body may be
// empty when the message carries attachments.
struct SellerMessage {
  std::optional<std::string> body;
  std::optional<std::string> saved_reply_id;
  std::vector<std::string> attachment_ids;
};

// A buyer's message: the body (empty allowed with attachments) and the buyer's own uploads to
// the store.
struct BuyerMessage {
  std::string body;
  std::vector<std::string> attachment_ids;
};

struct ThreadPage {
  std::vector<messaging::ThreadRow> data;
  bool has_more = false;
  std::optional<std::string> next_cursor;
};

// --- seller ---
Result<ThreadPage> seller_inbox(MessagingDeps& d, int64_t store_id,
                                const std::optional<std::string>& search, int limit,
                                const std::optional<std::string>& cursor);
Result<messaging::ResponseMetrics> response_metrics(MessagingDeps& d, int64_t store_id);
// The thread with its messages and the customer's purchases; marks it read for the seller.
Result<ThreadView> seller_thread(MessagingDeps& d, int64_t store_id, std::string_view thread_id);
Result<Sent> seller_post(MessagingDeps& d, int64_t store_id, std::string_view thread_id,
                         const SellerMessage& m);
// Opens the customer's thread if needed.
Result<Sent> seller_post_to_customer(MessagingDeps& d, int64_t store_id,
                                     std::string_view customer_id, const SellerMessage& m);

// --- buyer ---
Result<ThreadPage> buyer_threads(MessagingDeps& d, int64_t user_id, int limit,
                                 const std::optional<std::string>& cursor);
Result<ThreadView> buyer_thread(MessagingDeps& d, int64_t user_id, std::string_view thread_id);
// Opens (or continues) the buyer's thread with the store. A blocked buyer cannot open one:
// forbidden `message_not_allowed`, a neutral message.
Result<Sent> buyer_post_to_store(MessagingDeps& d, int64_t user_id, std::string_view store_slug,
                                 const BuyerMessage& m);
Result<Sent> buyer_post(MessagingDeps& d, int64_t user_id, std::string_view thread_id,
                        const BuyerMessage& m);

// --- attachments (Issue 6) ---
// Who uploads: the store's seller (store_id), or a buyer writing to the store `store_slug`.
struct AttachmentUpload {
  messaging::Side side = messaging::Side::seller;
  int64_t user_id = 0;
  int64_t store_id = 0;    // seller
  std::string store_slug;  // buyer (not_found `store_not_found`, param store)
  std::string filename;    // catalog::check_filename's rules
};
// Sniffs the type, writes the bytes to `files` (outside any transaction) and records the
// upload. invalid_input `invalid_filename` / `file_empty`; rate_limited `too_many_uploads` when
// the owner holds limits::attachment_unsent_per_day_max unsent uploads from the last day.
Result<messaging::Attachment> upload_attachment(MessagingDeps& d, const files::FileStore& files,
                                                const AttachmentUpload& up, std::string_view bytes);
// The attachment the reader may download (messaging::seller_attachment / buyer_attachment).
Result<messaging::Attachment> seller_attachment(MessagingDeps& d, int64_t store_id,
                                                std::string_view attachment_id);
Result<messaging::Attachment> buyer_attachment(MessagingDeps& d, int64_t user_id,
                                               std::string_view attachment_id);

// --- saved replies (title and body validated by the caller) ---
Result<messaging::SavedReply> create_saved_reply(MessagingDeps& d, int64_t store_id,
                                                 const std::string& title, const std::string& body,
                                                 const std::vector<std::string>& attachment_ids);
// Changes what is given; `attachment_ids` replaces the reply's attachments.
Result<messaging::SavedReply> update_saved_reply(
    MessagingDeps& d, int64_t store_id, std::string_view saved_reply_id,
    const std::optional<std::string>& title, const std::optional<std::string>& body,
    const std::optional<std::vector<std::string>>& attachment_ids);

// --- broadcasts (text only: a broadcast carries no attachments) ---
struct BroadcastInput {
  std::string audience_json;
  std::string kind;  // all | products | members (members: refused until memberships exist)
  std::vector<std::string> product_ids;
  std::optional<std::string> body;  // required to send, optional to preview
};
Result<messaging::Broadcast> create_broadcast(MessagingDeps& d, int64_t store_id,
                                              const BroadcastInput& in);
// Who a broadcast would reach now, judged by the code the job posts with: the audience's
// customers minus the blocked (and, with a body, those it cannot be filled for); of the
// recipients, how many unsubscribed from email (the message still lands in their thread).
struct BroadcastPreview {
  int64_t audience = 0;
  int64_t recipients = 0;
  int64_t skipped_blocked = 0;
  std::optional<int64_t> skipped_unfillable;  // known with a body only
  int64_t unsubscribed = 0;
  std::vector<messaging::RecipientRow> sample;  // the first recipients, in posting order
  std::optional<std::string> first_message;     // the first recipient's, placeholders filled
};
Result<BroadcastPreview> preview_broadcast(MessagingDeps& d, int64_t store_id,
                                           const BroadcastInput& in);
Result<messaging::Broadcast> get_broadcast(MessagingDeps& d, int64_t store_id,
                                           std::string_view broadcast_id);
struct BroadcastPage {
  std::vector<messaging::Broadcast> data;
  bool has_more = false;
  std::optional<std::string> next_cursor;
};
// The store's broadcasts, newest first.
Result<BroadcastPage> list_broadcasts(MessagingDeps& d, int64_t store_id, int limit,
                                      const std::optional<std::string>& cursor);
// Posts to up to `batch` pending recipients in one transaction (each recipient marked done in
// the transaction that posts to it); returns how many were handled.
int send_broadcasts(MessagingDeps& d, int batch);

// --- away mode (R-MSG-4) ---
Result<messaging::AwayMode> get_away_mode(MessagingDeps& d, int64_t store_id);
// The message must hold only known placeholders; enabling needs a message.
Result<messaging::AwayMode> set_away_mode(MessagingDeps& d, int64_t store_id,
                                          std::optional<bool> enabled,
                                          std::optional<std::string> message);

// --- email ---
// RFC 8058 one-click: the token of a List-Unsubscribe URL; invalid_input `invalid_token`.
Result<void> unsubscribe(MessagingDeps& d, std::string_view token);

}  // namespace sd::flows
