#include "flows/messaging.hpp"

#include <algorithm>
#include <span>

#include "core/limits.hpp"
#include "core/validation.hpp"
#include "modules/accounts/accounts.hpp"
#include "modules/blocks/blocks.hpp"
#include "modules/catalog/catalog.hpp"
#include "modules/outbox/outbox.hpp"
#include "modules/stores/stores.hpp"
#include "platform/observability/log.hpp"

namespace sd::flows {
namespace {

using messaging::Side;

// The thread's parties, gathered once per transaction.
struct Parties {
  stores::Store store;
  orders::Customer customer;
};

Result<Parties> parties_of(db::Tx& tx, const messaging::Thread& t) {
  return Parties{SD_TRY(stores::get_store(tx, t.store_id)),
                 SD_TRY(orders::get_customer(tx, t.store_id, t.customer_id))};
}

std::string thread_url(const MessagingDeps& d, Side reader, const std::string& thread_id) {
  return d.public_url + (reader == Side::seller ? "/inbox/" : "/messages/") + thread_id;
}

// The email's word on a message's files: their names and sizes and where to get them (the
// thread), never the files themselves.
std::string attachments_note(const MessagingDeps& d, Side reader, const messaging::Thread& t,
                             const messaging::Message& m) {
  if (m.attachments.empty()) return {};
  std::string out = m.attachments.size() == 1
                        ? "1 file attached"
                        : std::to_string(m.attachments.size()) + " files attached";
  out += " (open the conversation to see them: " + thread_url(d, reader, t.public_id) + "):\n";
  for (const auto& a : m.attachments)
    out += "- " + a.filename + " (" + messaging::human_size(a.size_bytes) + ")\n";
  return out;
}

// The message's text and its files' note, for an email.
std::string email_text(const MessagingDeps& d, Side reader, const messaging::Thread& t,
                       const messaging::Message& m) {
  const auto note = attachments_note(d, reader, t, m);
  if (m.body.empty()) return note;
  return note.empty() ? m.body : m.body + "\n\n" + note;
}

// The email about a new message, to the side that did not write it. Mail to buyers is not
// transactional (R-MSG-5): it carries the RFC 8058 one-click headers and is not sent to an
// address that unsubscribed from the store (the message still lands in the thread).
Result<void> notify(db::Tx& tx, const MessagingDeps& d, const Parties& p,
                    const messaging::Thread& t, const messaging::Message& m, Micros now) {
  if (m.author == "buyer") {
    std::string body = p.customer.name + " (" + p.customer.email + ") wrote:\n\n" +
                       email_text(d, Side::seller, t, m) +
                       "\n\nReply in your inbox: " + thread_url(d, Side::seller, t.public_id) + "\n";
    return outbox::enqueue(tx, p.store.id,
                           outbox::OutgoingEmail{"message_to_seller", "Shopdesk", p.store.name,
                                                 p.store.support_email, p.customer.email,
                                                 "New message from " + p.customer.name, body,
                                                 {{"X-Shopdesk-Thread", t.public_id}}},
                           now);
  }
  const auto canonical = canonical_email(p.customer.email);
  if (SD_TRY(messaging::is_unsubscribed(tx, p.store.id, canonical))) return {};
  const auto unsubscribe_url =
      d.public_url + "/api/v1/unsubscribe/" +
      messaging::unsubscribe_token(d.link_key, p.store.public_id, canonical);
  std::string body = email_text(d, Side::buyer, t, m) + "\n\n--\nReply to " + p.store.name + ": " +
                     thread_url(d, Side::buyer, t.public_id) +
                     "\nStop these emails from " + p.store.name + ": " + unsubscribe_url + "\n";
  return outbox::enqueue(
      tx, p.store.id,
      outbox::OutgoingEmail{m.broadcast_public_id ? "broadcast" : "message_to_buyer",
                            p.store.name,
                            p.customer.name,
                            p.customer.email,
                            p.store.support_email,
                            "New message from " + p.store.name,
                            body,
                            {{"List-Unsubscribe", "<" + unsubscribe_url + ">"},
                             {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
                             {"X-Shopdesk-Thread", t.public_id}}},
      now);
}

// What placeholders are filled from: the customer, their latest order, the store.
Result<messaging::PlaceholderContext> context_of(db::Tx& tx, const MessagingDeps& d,
                                                 const Parties& p) {
  messaging::PlaceholderContext c;
  c.customer_name = p.customer.name;
  c.store_name = p.store.name;
  c.support_email = p.store.support_email;
  c.library_url = d.public_url + "/library";
  const auto latest = SD_TRY(orders::customer_purchases(tx, p.store.id, p.customer.id, std::nullopt, 1));
  if (!latest.empty()) {
    c.order_id = latest.front().order_public_id;
    c.product_title = latest.front().description;
  }
  return c;
}

// What a message carries: its text (placeholders filled) and its files.
struct Outgoing {
  std::string body;
  std::vector<messaging::Attachment> attachments;
};

// Adds the uploads `ids` names (the owner's, else attachment_not_found) after `out`'s, each once,
// at most limits::message_attachments_max in all.
Result<void> add_owned(db::Tx& tx, std::vector<messaging::Attachment>& out, int64_t store_id,
                       Side side, int64_t user_id, const std::vector<std::string>& ids) {
  for (auto& a : SD_TRY(messaging::owned_attachments(tx, store_id, side, user_id, ids))) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const messaging::Attachment& b) { return b.id == a.id; });
    if (!seen) out.push_back(std::move(a));
  }
  if (out.size() > limits::message_attachments_max)
    return fail(ErrorKind::invalid_input, "too_many_attachments",
                "a message carries at most " + std::to_string(limits::message_attachments_max) +
                    " attachments",
                "attachment_ids");
  return {};
}

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
}

// A message's text: empty when it has files and no words, else a valid body.
Result<std::string> text_of(std::string text, const std::vector<messaging::Attachment>& files) {
  if (!files.empty() && blank(text)) return std::string();
  SD_TRY_VOID(messaging::validate_body(text));
  return text;
}

// The seller's message: the body or the saved reply's (with its files), placeholders filled,
// plus the seller's uploads.
Result<Outgoing> seller_outgoing(db::Tx& tx, const MessagingDeps& d, const Parties& p,
                                 const SellerMessage& m) {
  Outgoing out;
  std::string raw;
  if (m.saved_reply_id) {
    auto reply = messaging::get_saved_reply(tx, p.store.id, *m.saved_reply_id);
    if (!reply && reply.error().kind == ErrorKind::not_found)
      return fail(ErrorKind::invalid_input, "saved_reply_not_found", "no such saved reply",
                  "saved_reply_id");
    auto r = SD_TRY(std::move(reply));
    raw = std::move(r.body);
    out.attachments = std::move(r.attachments);
  } else {
    raw = m.body.value_or("");
  }
  SD_TRY_VOID(add_owned(tx, out.attachments, p.store.id, Side::seller, 0, m.attachment_ids));
  if (!out.attachments.empty() && blank(raw)) return out;
  out.body = SD_TRY(text_of(SD_TRY(messaging::fill_placeholders(raw, SD_TRY(context_of(tx, d, p)))),
                            out.attachments));
  return out;
}

Result<Sent> post_and_notify(db::Tx& tx, const MessagingDeps& d, const Parties& p,
                             const messaging::Thread& t, std::string_view author,
                             const std::string& body, std::optional<int64_t> broadcast_id,
                             std::optional<std::string> broadcast_public_id, Micros now,
                             const std::vector<messaging::Attachment>& attachments = {}) {
  auto m = SD_TRY(messaging::post_message(tx, t, author, body, broadcast_id, now));
  m.broadcast_public_id = std::move(broadcast_public_id);
  SD_TRY_VOID(messaging::attach_to_message(tx, m.id, attachments));
  m.attachments = attachments;
  SD_TRY_VOID(notify(tx, d, p, t, m, now));
  return Sent{t.public_id, std::move(m), t.created_at == now && t.last_message_at == now};
}

Result<ThreadPage> page_of(Result<std::vector<messaging::ThreadRow>> rows, int limit, bool seller) {
  ThreadPage page;
  page.data = SD_TRY(std::move(rows));
  if (static_cast<int>(page.data.size()) > limit) {
    page.data.resize(static_cast<size_t>(limit));
    page.has_more = true;
    const auto& t = page.data.back().thread;
    page.next_cursor = messaging::encode_inbox_cursor(
        {(seller ? t.seller_unread : t.buyer_unread) > 0, t.last_message_at, t.public_id});
  }
  return page;
}

Result<ThreadView> view_of(db::Tx& tx, const messaging::Thread& t, bool with_purchases) {
  const auto p = SD_TRY(parties_of(tx, t));
  ThreadView v;
  v.thread = t;
  v.customer_public_id = p.customer.public_id;
  v.customer_name = p.customer.name;
  v.customer_email = p.customer.email;
  v.store_name = p.store.name;
  v.store_slug = p.store.slug;
  v.messages = SD_TRY(messaging::list_messages(tx, t.id, limits::thread_messages_shown_max));
  if (with_purchases)
    v.purchases = SD_TRY(orders::customer_purchases(tx, t.store_id, t.customer_id, std::nullopt,
                                                    limits::thread_purchases_shown_max));
  return v;
}

std::optional<messaging::InboxKey> no_key() { return std::nullopt; }

// A buyer's message while the store is away: the away message answers it (an `auto` message,
// a response for the metrics), unless the thread's previous message already was one.
Result<void> answer_if_away(db::Tx& tx, const MessagingDeps& d, const Parties& p,
                            const messaging::Thread& t, Micros now) {
  const auto away = SD_TRY(messaging::get_away_mode(tx, p.store.id));
  if (!away.enabled) return {};
  const auto last = SD_TRY(messaging::list_messages(tx, t.id, 2));
  if (last.size() == 2 && last.front().author == "auto") return {};
  auto body = messaging::fill_placeholders(away.message, SD_TRY(context_of(tx, d, p)));
  if (!body) return {};  // a placeholder this thread cannot fill: no automatic answer
  SD_TRY(post_and_notify(tx, d, p, t, "auto", *body, std::nullopt, std::nullopt, now));
  return {};
}

}  // namespace

Result<ThreadPage> seller_inbox(MessagingDeps& d, int64_t store_id,
                                const std::optional<std::string>& search, int limit,
                                const std::optional<std::string>& cursor) {
  auto after = no_key();
  if (cursor) after = SD_TRY(messaging::decode_inbox_cursor(*cursor));
  return page_of(d.db.read<std::vector<messaging::ThreadRow>>([&](db::Tx& tx) {
    return messaging::inbox(tx, store_id, search, after, limit + 1);
  }), limit, true);
}

Result<messaging::ResponseMetrics> response_metrics(MessagingDeps& d, int64_t store_id) {
  const auto now = d.clock.now();
  using Samples = std::vector<std::pair<Micros, std::optional<Micros>>>;
  auto samples = SD_TRY(d.db.read<Samples>([&](db::Tx& tx) {
    return messaging::response_samples(tx, store_id, now - 30 * kMicrosPerDay);
  }));
  return messaging::response_metrics(samples, now);
}

Result<ThreadView> seller_thread(MessagingDeps& d, int64_t store_id, std::string_view thread_id) {
  return d.db.write<ThreadView>([&](db::Tx& tx) -> Result<ThreadView> {
    auto t = SD_TRY(messaging::get_thread(tx, store_id, thread_id));
    SD_TRY_VOID(messaging::mark_read(tx, t.id, Side::seller));
    t.seller_unread = 0;
    return view_of(tx, t, true);
  });
}

Result<Sent> seller_post(MessagingDeps& d, int64_t store_id, std::string_view thread_id,
                         const SellerMessage& m) {
  const auto now = d.clock.now();
  return d.db.write<Sent>([&](db::Tx& tx) -> Result<Sent> {
    const auto t = SD_TRY(messaging::get_thread(tx, store_id, thread_id));
    const auto p = SD_TRY(parties_of(tx, t));
    const auto out = SD_TRY(seller_outgoing(tx, d, p, m));
    return post_and_notify(tx, d, p, t, "seller", out.body, std::nullopt, std::nullopt, now,
                           out.attachments);
  });
}

Result<Sent> seller_post_to_customer(MessagingDeps& d, int64_t store_id,
                                     std::string_view customer_id, const SellerMessage& m) {
  const auto now = d.clock.now();
  return d.db.write<Sent>([&](db::Tx& tx) -> Result<Sent> {
    const auto c = SD_TRY(orders::get_customer_by_public_id(tx, store_id, customer_id));
    Parties p{SD_TRY(stores::get_store(tx, store_id)), c};
    const auto out = SD_TRY(seller_outgoing(tx, d, p, m));
    const auto t = SD_TRY(messaging::open_thread(tx, store_id, c.id, c.user_id, Side::seller, now));
    return post_and_notify(tx, d, p, t, "seller", out.body, std::nullopt, std::nullopt, now,
                           out.attachments);
  });
}

Result<ThreadPage> buyer_threads(MessagingDeps& d, int64_t user_id, int limit,
                                 const std::optional<std::string>& cursor) {
  auto after = no_key();
  if (cursor) after = SD_TRY(messaging::decode_inbox_cursor(*cursor));
  return page_of(d.db.read<std::vector<messaging::ThreadRow>>([&](db::Tx& tx) {
    return messaging::buyer_threads(tx, user_id, after, limit + 1);
  }), limit, false);
}

Result<ThreadView> buyer_thread(MessagingDeps& d, int64_t user_id, std::string_view thread_id) {
  return d.db.write<ThreadView>([&](db::Tx& tx) -> Result<ThreadView> {
    auto t = SD_TRY(messaging::get_buyer_thread(tx, user_id, thread_id));
    SD_TRY_VOID(messaging::mark_read(tx, t.id, Side::buyer));
    t.buyer_unread = 0;
    return view_of(tx, t, false);
  });
}

Result<Sent> buyer_post_to_store(MessagingDeps& d, int64_t user_id, std::string_view store_slug,
                                 const BuyerMessage& m) {
  if (m.attachment_ids.empty()) SD_TRY_VOID(messaging::validate_body(m.body));
  const auto now = d.clock.now();
  return d.db.write<Sent>([&](db::Tx& tx) -> Result<Sent> {
    const auto store = SD_TRY(stores::get_store_by_slug(tx, store_slug));
    const auto user = SD_TRY(accounts::get_user(tx, user_id));
    auto existing = SD_TRY(orders::find_customer_by_user(tx, store.id, user_id));
    std::optional<messaging::Thread> thread;
    if (existing) thread = SD_TRY(messaging::find_thread(tx, store.id, existing->id));
    if (!thread) {
      // R-BLK-1: blocked people cannot start new threads; the refusal does not say why.
      if (SD_TRY(blocks::is_covered(tx, store.id, user_id, blocks::normalise_email(user.email), "")))
        return fail(ErrorKind::forbidden, "message_not_allowed",
                    "This message can't be sent to this store.");
      // A buyer who never bought here becomes the store's customer (a contact) to have a thread.
      const auto c = existing ? *existing
                              : SD_TRY(orders::upsert_customer(tx, store.id, user_id, user.name,
                                                               user.email, now));
      thread = SD_TRY(messaging::open_thread(tx, store.id, c.id, user_id, Side::buyer, now));
    }
    const auto p = SD_TRY(parties_of(tx, *thread));
    // The files are checked after the thread (and maybe the customer) were written: a refusal
    // rolls all of it back, as any failure of this transaction does.
    std::vector<messaging::Attachment> files;
    SD_TRY_VOID(add_owned(tx, files, store.id, Side::buyer, user_id, m.attachment_ids));
    const auto body = SD_TRY(text_of(m.body, files));
    auto sent = SD_TRY(post_and_notify(tx, d, p, *thread, "buyer", body, std::nullopt, std::nullopt,
                                       now, files));
    SD_TRY_VOID(answer_if_away(tx, d, p, *thread, now));
    return sent;
  });
}

Result<Sent> buyer_post(MessagingDeps& d, int64_t user_id, std::string_view thread_id,
                        const BuyerMessage& m) {
  if (m.attachment_ids.empty()) SD_TRY_VOID(messaging::validate_body(m.body));
  const auto now = d.clock.now();
  return d.db.write<Sent>([&](db::Tx& tx) -> Result<Sent> {
    const auto t = SD_TRY(messaging::get_buyer_thread(tx, user_id, thread_id));
    const auto p = SD_TRY(parties_of(tx, t));
    std::vector<messaging::Attachment> files;
    SD_TRY_VOID(add_owned(tx, files, t.store_id, Side::buyer, user_id, m.attachment_ids));
    const auto body = SD_TRY(text_of(m.body, files));
    auto sent = SD_TRY(post_and_notify(tx, d, p, t, "buyer", body, std::nullopt, std::nullopt, now,
                                       files));
    SD_TRY_VOID(answer_if_away(tx, d, p, t, now));
    return sent;
  });
}

Result<messaging::Attachment> upload_attachment(MessagingDeps& d, const files::FileStore& files,
                                                const AttachmentUpload& up, std::string_view bytes) {
  SD_TRY_VOID(catalog::check_filename(up.filename));
  if (bytes.empty())
    return fail(ErrorKind::invalid_input, "file_empty", "the uploaded file is empty", "body");
  if (bytes.size() > limits::attachment_bytes_max)  // the route's body limit answers 413 first
    return fail(ErrorKind::invalid_input, "file_too_large", "the uploaded file is too large", "body");
  const auto since = d.clock.now() - kMicrosPerDay;
  // Too many unsent uploads: one owner cannot fill the disk with files nobody receives.
  const auto check_room = [&](db::Tx& tx, int64_t store_id) -> Result<void> {
    if (SD_TRY(messaging::count_unsent_attachments(tx, store_id, up.side, up.user_id, since)) >=
        limits::attachment_unsent_per_day_max)
      return fail(ErrorKind::rate_limited, "too_many_uploads",
                  "You uploaded " + std::to_string(limits::attachment_unsent_per_day_max) +
                      " files in the last day that were never sent. Send them, or try again "
                      "tomorrow.");
    return {};
  };
  // The store first (a buyer names it by slug), so nothing reaches the disk for a bad request.
  const auto store_id = SD_TRY(d.db.read<int64_t>([&](db::Tx& tx) -> Result<int64_t> {
    const int64_t id =
        up.side == Side::seller ? up.store_id : SD_TRY(stores::get_store_by_slug(tx, up.store_slug)).id;
    SD_TRY_VOID(check_room(tx, id));
    return id;
  }));
  messaging::NewAttachment n;
  n.store_id = store_id;
  n.side = up.side;
  n.user_id = up.user_id;
  n.filename = up.filename;
  n.type = messaging::sniff_attachment(up.filename, bytes);
  // Slow work outside the transaction; a blob a failed insert leaves is content-addressed, so a
  // retry reuses it.
  const auto blob = SD_TRY(files.put(bytes));
  n.size_bytes = blob.size_bytes;
  n.sha256 = blob.sha256;
  n.storage_key = blob.storage_key;
  const auto now = d.clock.now();
  return d.db.write<messaging::Attachment>([&](db::Tx& tx) -> Result<messaging::Attachment> {
    SD_TRY_VOID(check_room(tx, store_id));
    return messaging::add_attachment(tx, n, now);
  });
}

Result<messaging::Attachment> seller_attachment(MessagingDeps& d, int64_t store_id,
                                                std::string_view attachment_id) {
  return d.db.read<messaging::Attachment>(
      [&](db::Tx& tx) { return messaging::seller_attachment(tx, store_id, attachment_id); });
}

Result<messaging::Attachment> buyer_attachment(MessagingDeps& d, int64_t user_id,
                                               std::string_view attachment_id) {
  return d.db.read<messaging::Attachment>(
      [&](db::Tx& tx) { return messaging::buyer_attachment(tx, user_id, attachment_id); });
}

Result<messaging::SavedReply> create_saved_reply(MessagingDeps& d, int64_t store_id,
                                                 const std::string& title, const std::string& body,
                                                 const std::vector<std::string>& attachment_ids) {
  const auto now = d.clock.now();
  return d.db.write<messaging::SavedReply>([&](db::Tx& tx) -> Result<messaging::SavedReply> {
    std::vector<messaging::Attachment> files;
    SD_TRY_VOID(add_owned(tx, files, store_id, Side::seller, 0, attachment_ids));
    auto reply = SD_TRY(messaging::create_saved_reply(tx, store_id, title, body, now));
    SD_TRY_VOID(messaging::set_saved_reply_attachments(tx, reply.id, files));
    reply.attachments = std::move(files);
    return reply;
  });
}

Result<messaging::SavedReply> update_saved_reply(
    MessagingDeps& d, int64_t store_id, std::string_view saved_reply_id,
    const std::optional<std::string>& title, const std::optional<std::string>& body,
    const std::optional<std::vector<std::string>>& attachment_ids) {
  const auto now = d.clock.now();
  return d.db.write<messaging::SavedReply>([&](db::Tx& tx) -> Result<messaging::SavedReply> {
    auto reply = SD_TRY(messaging::update_saved_reply(tx, store_id, saved_reply_id, title, body, now));
    if (!attachment_ids) return reply;
    std::vector<messaging::Attachment> files;
    SD_TRY_VOID(add_owned(tx, files, store_id, Side::seller, 0, *attachment_ids));
    SD_TRY_VOID(messaging::set_saved_reply_attachments(tx, reply.id, files));
    reply.attachments = std::move(files);
    return reply;
  });
}

namespace {

// The audience as given, checked: members are refused until memberships exist (R-MEM-1),
// products must be the store's (invalid_input naming the offending entry).
Result<messaging::Audience> audience_of(db::Tx& tx, int64_t store_id, const BroadcastInput& in) {
  messaging::Audience a;
  if (in.kind == "all") return a;
  a.kind = messaging::Audience::Kind::products;
  for (size_t i = 0; i < in.product_ids.size(); ++i) {
    auto product = catalog::get_product(tx, store_id, in.product_ids[i]);
    if (!product)
      return fail(ErrorKind::invalid_input, "product_not_found", "no such product",
                  "audience.product_ids[" + std::to_string(i) + "]");
    a.product_ids.push_back(product->id);
  }
  return a;
}

// The checks that need no database, the same for a preview and a send.
Result<void> check_input(const BroadcastInput& in, bool body_required) {
  if (in.body) {
    SD_TRY_VOID(messaging::validate_body(*in.body));
    SD_TRY_VOID(messaging::check_placeholders(*in.body));
  } else if (body_required) {
    return fail(ErrorKind::invalid_input, "required", "body is required", "body");
  }
  if (in.kind == "members")
    return fail(ErrorKind::invalid_input, "audience_not_available",
                "Members are not available yet: memberships arrive in a later release.",
                "audience.kind");
  if (in.kind != "all" && in.kind != "products")
    return fail(ErrorKind::invalid_input, "invalid_value",
                "audience.kind must be all, products or members", "audience.kind");
  if (in.kind == "products" && in.product_ids.empty())
    return fail(ErrorKind::invalid_input, "required", "audience.product_ids is required",
                "audience.product_ids");
  return {};
}

// What judging a broadcast's recipients in one store needs, read once per batch (or preview).
struct Scope {
  stores::Store store;
  blocks::StoreCoverage coverage;
  bool needs_order = false;  // the body names the latest order
};

Result<Scope> scope_of(db::Tx& tx, int64_t store_id, const std::optional<std::string>& body) {
  Scope s{SD_TRY(stores::get_store(tx, store_id)), SD_TRY(blocks::store_coverage(tx, store_id))};
  s.needs_order = body && (messaging::uses_placeholder(*body, "order_id") ||
                           messaging::uses_placeholder(*body, "product_title"));
  return s;
}

// The verdict on one recipient: skipped, and why (R-MSG-2: "blocked"; or the placeholder
// error's code), or posted with this text. The preview and the job both judge with this.
struct Verdict {
  std::optional<std::string> skip;
  std::string text;
};

Verdict judge(const MessagingDeps& d, const Scope& s, const messaging::RecipientRow& r,
              const std::optional<std::string>& body) {
  if (s.coverage.covers(r.user_id, blocks::normalise_email(r.email))) return {"blocked", {}};
  if (!body) return {};
  // As context_of fills a thread's placeholders, from the customer, their latest order, the store.
  messaging::PlaceholderContext c;
  c.customer_name = r.name;
  c.store_name = s.store.name;
  c.support_email = s.store.support_email;
  c.library_url = d.public_url + "/library";
  c.order_id = r.latest_order_id;
  c.product_title = r.latest_order_products;
  auto text = messaging::fill_placeholders(*body, c);
  if (!text) return {text.error().code, {}};
  return {std::nullopt, std::move(*text)};
}

orders::Customer customer_of(const messaging::RecipientRow& r, int64_t store_id) {
  return orders::Customer{r.customer_id, r.customer_public_id, store_id, r.user_id, r.name, r.email};
}

// Posts one broadcast's claimed recipients (in customer id order) and adds them to its progress.
Result<void> send_group(db::Tx& tx, const MessagingDeps& d,
                        std::span<const messaging::PendingRecipient> group, Micros now) {
  const auto& b = group.front();
  const std::optional<std::string> body = b.body;
  const auto scope = SD_TRY(scope_of(tx, b.store_id, body));
  const auto rows = SD_TRY(messaging::pending_recipient_rows(
      tx, b.broadcast_id, group.front().customer_id, group.back().customer_id, scope.needs_order));
  int64_t sent = 0, skipped = 0;
  size_t k = 0;
  for (const auto& r : group) {
    while (k < rows.size() && rows[k].customer_id < r.customer_id) ++k;
    if (k == rows.size() || rows[k].customer_id != r.customer_id)
      return fail(ErrorKind::conflict, "recipient_taken", "another instance sent it");
    const auto& row = rows[k];
    const auto v = judge(d, scope, row, body);
    std::optional<int64_t> message_id;
    if (!v.skip) {
      const Parties p{scope.store, customer_of(row, b.store_id)};
      const auto t = SD_TRY(messaging::open_thread(tx, b.store_id, row.customer_id, row.user_id,
                                                   Side::seller, now));
      message_id = SD_TRY(post_and_notify(tx, d, p, t, "seller", v.text, b.broadcast_id,
                                          b.broadcast_public_id, now))
                       .message.id;
    }
    // Marked in the transaction that posted: a crash loses both or neither.
    if (!SD_TRY(messaging::finish_recipient(tx, b.broadcast_id, row.customer_id,
                                            v.skip ? "skipped" : "sent", v.skip, message_id, now)))
      return fail(ErrorKind::conflict, "recipient_taken", "another instance sent it");
    ++(v.skip ? skipped : sent);
  }
  return messaging::add_progress(tx, b.broadcast_id, sent, skipped);
}

}  // namespace

Result<messaging::Broadcast> create_broadcast(MessagingDeps& d, int64_t store_id,
                                              const BroadcastInput& in) {
  SD_TRY_VOID(check_input(in, true));
  const auto now = d.clock.now();
  return d.db.write<messaging::Broadcast>([&](db::Tx& tx) -> Result<messaging::Broadcast> {
    const auto audience = SD_TRY(audience_of(tx, store_id, in));
    return messaging::create_broadcast(tx, store_id, in.audience_json, *in.body, audience, now);
  });
}

Result<BroadcastPreview> preview_broadcast(MessagingDeps& d, int64_t store_id,
                                           const BroadcastInput& in) {
  SD_TRY_VOID(check_input(in, false));
  return d.db.read<BroadcastPreview>([&](db::Tx& tx) -> Result<BroadcastPreview> {
    const auto audience = SD_TRY(audience_of(tx, store_id, in));
    const auto scope = SD_TRY(scope_of(tx, store_id, in.body));
    const auto unsubscribed = SD_TRY(messaging::unsubscribed_emails(tx, store_id));
    BroadcastPreview p;
    int64_t unfillable = 0;
    SD_TRY_VOID(messaging::each_audience_member(
        tx, store_id, audience, scope.needs_order, [&](const messaging::RecipientRow& r) {
          ++p.audience;
          auto v = judge(d, scope, r, in.body);
          if (v.skip) {
            ++(*v.skip == "blocked" ? p.skipped_blocked : unfillable);
            return true;
          }
          ++p.recipients;
          // notify() sends no email to an address that unsubscribed from the store.
          if (unsubscribed.contains(canonical_email(r.email))) ++p.unsubscribed;
          if (p.sample.size() < limits::broadcast_preview_sample) p.sample.push_back(r);
          if (in.body && !p.first_message) p.first_message = std::move(v.text);
          return true;
        }));
    if (in.body) p.skipped_unfillable = unfillable;
    return p;
  });
}

Result<messaging::Broadcast> get_broadcast(MessagingDeps& d, int64_t store_id,
                                           std::string_view broadcast_id) {
  return d.db.read<messaging::Broadcast>(
      [&](db::Tx& tx) { return messaging::get_broadcast(tx, store_id, broadcast_id); });
}

Result<BroadcastPage> list_broadcasts(MessagingDeps& d, int64_t store_id, int limit,
                                      const std::optional<std::string>& cursor) {
  std::optional<std::pair<Micros, std::string>> after;
  if (cursor) {
    const auto k = SD_TRY(messaging::decode_inbox_cursor(*cursor));
    after = std::make_pair(k.last_message_at, k.public_id);
  }
  BroadcastPage page;
  page.data = SD_TRY(d.db.read<std::vector<messaging::Broadcast>>(
      [&](db::Tx& tx) { return messaging::list_broadcasts(tx, store_id, after, limit + 1); }));
  if (static_cast<int>(page.data.size()) > limit) {
    page.data.resize(static_cast<size_t>(limit));
    page.has_more = true;
    page.next_cursor = messaging::encode_inbox_cursor(
        {false, page.data.back().created_at, page.data.back().public_id});
  }
  return page;
}

int send_broadcasts(MessagingDeps& d, int batch) {
  const auto now = d.clock.now();
  auto handled = d.db.write<int>([&](db::Tx& tx) -> Result<int> {
    const auto due = SD_TRY(messaging::claim_recipients(tx, batch));
    // Claimed in (broadcast, customer) order: one group per broadcast.
    for (size_t i = 0; i < due.size();) {
      size_t j = i;
      while (j < due.size() && due[j].broadcast_id == due[i].broadcast_id) ++j;
      SD_TRY_VOID(send_group(tx, d, std::span(due).subspan(i, j - i), now));
      i = j;
    }
    // Also when nothing was due: on PostgreSQL two instances finishing a broadcast's last
    // rows at once each see the other's rows still pending, and neither completes it then.
    SD_TRY_VOID(messaging::complete_broadcasts(tx, now));
    return static_cast<int>(due.size());
  });
  if (!handled) {
    log::warn("broadcast batch failed",
              {{"error", handled.error().code}, {"message", handled.error().message}});
    return 0;
  }
  return *handled;
}

Result<messaging::AwayMode> get_away_mode(MessagingDeps& d, int64_t store_id) {
  return d.db.read<messaging::AwayMode>(
      [&](db::Tx& tx) { return messaging::get_away_mode(tx, store_id); });
}

Result<messaging::AwayMode> set_away_mode(MessagingDeps& d, int64_t store_id,
                                          std::optional<bool> enabled,
                                          std::optional<std::string> message) {
  if (message) {
    SD_TRY_VOID(messaging::validate_body(*message, "message"));
    auto checked = messaging::check_placeholders(*message);
    if (!checked) {
      auto e = checked.error();
      e.param = "message";
      return tl::unexpected(e);
    }
  }
  const auto now = d.clock.now();
  return d.db.write<messaging::AwayMode>([&](db::Tx& tx) -> Result<messaging::AwayMode> {
    auto mode = SD_TRY(messaging::get_away_mode(tx, store_id));
    if (enabled) mode.enabled = *enabled;
    if (message) mode.message = *message;
    if (mode.enabled && mode.message.empty())
      return fail(ErrorKind::invalid_input, "required", "message is required to turn away mode on",
                  "message");
    SD_TRY_VOID(messaging::set_away_mode(tx, store_id, mode, now));
    return mode;
  });
}

Result<void> unsubscribe(MessagingDeps& d, std::string_view token) {
  const auto parsed = messaging::read_unsubscribe_token(d.link_key, token);
  if (!parsed)
    return fail(ErrorKind::invalid_input, "invalid_token", "This unsubscribe link is not valid.",
                "token");
  const auto now = d.clock.now();
  return d.db.write<void>([&](db::Tx& tx) -> Result<void> {
    const auto store = SD_TRY(stores::find_store_by_public_id(tx, parsed->first));
    if (!store)
      return fail(ErrorKind::invalid_input, "invalid_token", "This unsubscribe link is not valid.",
                  "token");
    return messaging::unsubscribe(tx, store->id, parsed->second, now);
  });
}

}  // namespace sd::flows
