// Conversations (R-MSG-1..5): the seller's inbox, threads and messages, saved replies and
// broadcasts; the buyer's threads; the one-click unsubscribe URL of buyer emails. Messages and
// saved replies carry attachments (uploaded and downloaded in attachments_api.cpp).
#include <nlohmann/json.hpp>

#include "api/v1/context.hpp"
#include "api/v1/messaging_json.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "flows/messaging.hpp"

namespace sd::api {
namespace {

flows::MessagingDeps deps_of(Ctx& ctx) {
  return flows::MessagingDeps{*ctx.svc.db, *ctx.svc.clock, ctx.svc.public_url, ctx.svc.link_key};
}

using messaging::Side;

Side side_of(bool seller) { return seller ? Side::seller : Side::buyer; }

nlohmann::json attachments_json(const std::vector<messaging::Attachment>& list, Side viewer) {
  auto out = nlohmann::json::array();
  for (const auto& a : list) out.push_back(attachment_json(a, viewer));
  return out;
}

// `viewer` picks the download URL of each attachment (the seller's or the buyer's route).
nlohmann::json message_json(const messaging::Message& m, Side viewer) {
  return {{"id", m.public_id},
          {"author", m.author},
          {"body", m.body},
          {"attachments", attachments_json(m.attachments, viewer)},
          {"broadcast_id", m.broadcast_public_id ? nlohmann::json(*m.broadcast_public_id)
                                                 : nlohmann::json(nullptr)},
          {"created_at", format_rfc3339(m.created_at)}};
}

nlohmann::json row_json(const messaging::ThreadRow& r, bool seller) {
  nlohmann::json j = {{"id", r.thread.public_id},
                      {"unread", (seller ? r.thread.seller_unread : r.thread.buyer_unread) > 0},
                      {"unread_count", seller ? r.thread.seller_unread : r.thread.buyer_unread},
                      {"last_message_at", format_rfc3339(r.thread.last_message_at)},
                      {"last_message",
                       {{"author", r.last_author},
                        {"body", r.last_body},
                        {"attachment_count", r.last_attachments}}},
                      {"opened_by", r.thread.opened_by},
                      {"created_at", format_rfc3339(r.thread.created_at)}};
  if (seller) {
    j["customer"] = {{"id", r.customer_public_id}, {"name", r.customer_name}, {"email", r.customer_email}};
  } else {
    j["store"] = {{"slug", r.store_slug}, {"name", r.store_name}};
  }
  return j;
}

nlohmann::json view_json(const flows::ThreadView& v, bool seller) {
  auto messages = nlohmann::json::array();
  for (const auto& m : v.messages) messages.push_back(message_json(m, side_of(seller)));
  nlohmann::json j = {{"id", v.thread.public_id},
                      {"opened_by", v.thread.opened_by},
                      {"created_at", format_rfc3339(v.thread.created_at)},
                      {"last_message_at", format_rfc3339(v.thread.last_message_at)},
                      {"store", {{"slug", v.store_slug}, {"name", v.store_name}}},
                      {"messages", messages}};
  if (seller) {
    j["customer"] = {{"id", v.customer_public_id}, {"name", v.customer_name}, {"email", v.customer_email}};
    auto purchases = nlohmann::json::array();
    for (const auto& p : v.purchases) {
      purchases.push_back({{"order_id", p.order_public_id},
                           {"created_at", format_rfc3339(p.created_at)},
                           {"description", p.description},
                           {"total_minor", p.total_minor},
                           {"refunded_minor", p.refunded_minor},
                           {"currency", p.currency}});
    }
    j["purchases"] = purchases;
  }
  return j;
}

nlohmann::json sent_json(const flows::Sent& s, Side viewer) {
  auto j = message_json(s.message, viewer);
  j["thread_id"] = s.thread_public_id;
  return j;
}

// `attachment_ids`: a list of at most limits::message_attachments_max upload ids.
Result<std::optional<std::vector<std::string>>> decode_attachment_ids(JsonFields& f) {
  const auto* raw = f.raw("attachment_ids");
  if (raw == nullptr || raw->is_null()) return std::optional<std::vector<std::string>>{};
  if (!raw->is_array())
    return fail(ErrorKind::invalid_input, "invalid_type", "attachment_ids must be a list of attachment ids",
                "attachment_ids");
  if (raw->size() > limits::message_attachments_max)
    return fail(ErrorKind::invalid_input, "too_many_attachments",
                "a message carries at most " + std::to_string(limits::message_attachments_max) +
                    " attachments",
                "attachment_ids");
  std::vector<std::string> ids;
  for (size_t i = 0; i < raw->size(); ++i) {
    const auto& v = (*raw)[i];
    if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
        v.get_ref<const std::string&>().size() > 64)
      return fail(ErrorKind::invalid_input, "invalid_type", "an attachment id must be a string",
                  "attachment_ids[" + std::to_string(i) + "]");
    ids.push_back(v.get<std::string>());
  }
  return std::optional<std::vector<std::string>>{std::move(ids)};
}

// A body, or a saved reply, or only attachments (then the body may be absent or empty).
Result<flows::SellerMessage> decode_seller_message(Ctx& ctx) {
  JsonFields f(ctx.body);
  flows::SellerMessage m;
  m.body = SD_TRY(f.optional_string("body", 0, limits::message_body_bytes_max));
  m.saved_reply_id = SD_TRY(f.optional_string("saved_reply_id", 1, 64));
  m.attachment_ids = SD_TRY(decode_attachment_ids(f)).value_or(std::vector<std::string>{});
  SD_TRY_VOID(f.finish());
  if (m.body && m.saved_reply_id)
    return fail(ErrorKind::invalid_input, "required", "give either body or saved_reply_id", "body");
  if (!m.body && !m.saved_reply_id && m.attachment_ids.empty())
    return fail(ErrorKind::invalid_input, "required",
                "give a body, a saved_reply_id or attachment_ids", "body");
  if (m.body && m.attachment_ids.empty()) SD_TRY_VOID(messaging::validate_body(*m.body));
  return m;
}

// The buyer's message: a body, attachments, or both.
Result<flows::BuyerMessage> decode_buyer_message(JsonFields& f) {
  flows::BuyerMessage m;
  m.body = SD_TRY(f.optional_string("body", 0, limits::message_body_bytes_max)).value_or("");
  m.attachment_ids = SD_TRY(decode_attachment_ids(f)).value_or(std::vector<std::string>{});
  SD_TRY_VOID(f.finish());
  if (m.attachment_ids.empty()) SD_TRY_VOID(messaging::validate_body(m.body));
  return m;
}

nlohmann::json page_json(const flows::ThreadPage& p, bool seller) {
  auto data = nlohmann::json::array();
  for (const auto& r : p.data) data.push_back(row_json(r, seller));
  return list_page(std::move(data), p.has_more, p.next_cursor);
}

// ---- seller ----

Result<http::Response> inbox(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  std::optional<std::string> q;
  if (auto v = ctx.req.query_param("q"); v && !v->empty()) {
    if (v->size() > 200)
      return fail(ErrorKind::invalid_input, "too_long", "q is longer than 200 bytes", "q");
    q = std::string(*v);
  }
  auto d = deps_of(ctx);
  const auto p = SD_TRY(flows::seller_inbox(d, ctx.store_id, q, page.limit, page.cursor));
  auto j = page_json(p, true);
  const auto m = SD_TRY(flows::response_metrics(d, ctx.store_id));
  j["metrics"] = {{"window_days", 30},
                  {"new_threads", m.threads},
                  {"median_first_response_seconds",
                   m.median_seconds ? nlohmann::json(*m.median_seconds) : nlohmann::json(nullptr)},
                  {"answered_within_24h_share", m.answered_24h_share
                                                    ? nlohmann::json(*m.answered_24h_share)
                                                    : nlohmann::json(nullptr)},
                  {"target_share", 0.95}};
  return json_ok(j);
}

Result<http::Response> thread(Ctx& ctx) {
  auto d = deps_of(ctx);
  return json_ok(view_json(SD_TRY(flows::seller_thread(d, ctx.store_id, ctx.req.path_param("id"))), true));
}

Result<http::Response> post_to_thread(Ctx& ctx) {
  const auto m = SD_TRY(decode_seller_message(ctx));
  auto d = deps_of(ctx);
  return json_ok(
      sent_json(SD_TRY(flows::seller_post(d, ctx.store_id, ctx.req.path_param("id"), m)), Side::seller),
      201);
}

Result<http::Response> post_to_customer(Ctx& ctx) {
  const auto m = SD_TRY(decode_seller_message(ctx));
  auto d = deps_of(ctx);
  return json_ok(
      sent_json(SD_TRY(flows::seller_post_to_customer(d, ctx.store_id, ctx.req.path_param("id"), m)),
                Side::seller),
      201);
}

// ---- saved replies ----

nlohmann::json reply_json(const messaging::SavedReply& r) {
  return {{"id", r.public_id},
          {"title", r.title},
          {"body", r.body},
          {"attachments", attachments_json(r.attachments, Side::seller)},
          {"created_at", format_rfc3339(r.created_at)},
          {"updated_at", format_rfc3339(r.updated_at)}};
}

Result<http::Response> list_replies(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  std::optional<std::pair<Micros, std::string>> after;
  if (page.cursor) {
    const auto k = SD_TRY(messaging::decode_inbox_cursor(*page.cursor));
    after = std::make_pair(k.last_message_at, k.public_id);
  }
  auto rows = SD_TRY(ctx.svc.db->read<std::vector<messaging::SavedReply>>([&](db::Tx& tx) {
    return messaging::list_saved_replies(tx, ctx.store_id, after, page.limit + 1);
  }));
  const bool more = static_cast<int>(rows.size()) > page.limit;
  if (more) rows.resize(static_cast<size_t>(page.limit));
  auto data = nlohmann::json::array();
  for (const auto& r : rows) data.push_back(reply_json(r));
  std::optional<std::string> next;
  if (more) next = messaging::encode_inbox_cursor({false, rows.back().created_at, rows.back().public_id});
  return json_ok(list_page(std::move(data), more, next));
}

Result<http::Response> create_reply(Ctx& ctx) {
  JsonFields f(ctx.body);
  auto title = SD_TRY(f.required_string("title", 1, limits::saved_reply_title_bytes_max));
  auto body = SD_TRY(f.required_string("body", 0, limits::message_body_bytes_max));
  const auto attachment_ids = SD_TRY(decode_attachment_ids(f));
  SD_TRY_VOID(f.finish());
  SD_TRY_VOID(messaging::validate_body(title, "title"));
  SD_TRY_VOID(messaging::validate_body(body));
  SD_TRY_VOID(messaging::check_placeholders(body));
  auto d = deps_of(ctx);
  auto r = SD_TRY(flows::create_saved_reply(d, ctx.store_id, title, body,
                                            attachment_ids.value_or(std::vector<std::string>{})));
  return json_ok(reply_json(r), 201);
}

Result<http::Response> get_reply(Ctx& ctx) {
  auto r = SD_TRY(ctx.svc.db->read<messaging::SavedReply>([&](db::Tx& tx) {
    return messaging::get_saved_reply(tx, ctx.store_id, ctx.req.path_param("id"));
  }));
  return json_ok(reply_json(r));
}

Result<http::Response> patch_reply(Ctx& ctx) {
  JsonFields f(ctx.body);
  auto title = SD_TRY(f.optional_string("title", 1, limits::saved_reply_title_bytes_max));
  auto body = SD_TRY(f.optional_string("body", 0, limits::message_body_bytes_max));
  const auto attachment_ids = SD_TRY(decode_attachment_ids(f));
  SD_TRY_VOID(f.finish());
  if (title) SD_TRY_VOID(messaging::validate_body(*title, "title"));
  if (body) {
    SD_TRY_VOID(messaging::validate_body(*body));
    SD_TRY_VOID(messaging::check_placeholders(*body));
  }
  auto d = deps_of(ctx);
  auto r = SD_TRY(flows::update_saved_reply(d, ctx.store_id, ctx.req.path_param("id"), title, body,
                                            attachment_ids));
  return json_ok(reply_json(r));
}

Result<http::Response> delete_reply(Ctx& ctx) {
  SD_TRY_VOID(ctx.svc.db->write<void>([&](db::Tx& tx) {
    return messaging::delete_saved_reply(tx, ctx.store_id, ctx.req.path_param("id"));
  }));
  return json_ok({{"id", std::string(ctx.req.path_param("id"))}, {"deleted", true}});
}

// ---- broadcasts ----

nlohmann::json broadcast_json(const messaging::Broadcast& b) {
  auto audience = nlohmann::json::parse(b.audience, nullptr, false);
  return {{"id", b.public_id},
          {"audience", audience.is_discarded() ? nlohmann::json(nullptr) : audience},
          {"body", b.body},
          {"status", b.completed_at ? "completed" : "sending"},
          {"progress",
           {{"recipients", b.recipients_total},
            {"sent", b.sent},
            {"skipped", b.skipped},
            {"pending", b.pending}}},
          {"created_at", format_rfc3339(b.created_at)},
          {"completed_at",
           b.completed_at ? nlohmann::json(format_rfc3339(*b.completed_at)) : nlohmann::json(nullptr)}};
}

// {audience: {kind, product_ids?}, body} — body optional when `body_required` is false.
Result<flows::BroadcastInput> decode_broadcast(Ctx& ctx, bool body_required) {
  JsonFields f(ctx.body);
  flows::BroadcastInput in;
  if (body_required)
    in.body = SD_TRY(f.required_string("body", 0, limits::message_body_bytes_max));
  else
    in.body = SD_TRY(f.optional_string("body", 0, limits::message_body_bytes_max));
  const auto* audience = f.raw("audience");
  if (audience == nullptr)
    return fail(ErrorKind::invalid_input, "required", "audience is required", "audience");
  if (!audience->is_object())
    return fail(ErrorKind::invalid_input, "invalid_type", "audience must be an object", "audience");
  JsonFields af(*audience, "audience");
  in.kind = SD_TRY(af.required_string("kind", 1, 32));
  if (const auto* ids = af.raw("product_ids")) {
    if (!ids->is_array() || ids->size() > limits::broadcast_product_ids_max)
      return fail(ErrorKind::invalid_input, "invalid_type",
                  "audience.product_ids must be a list of at most 100 product ids",
                  "audience.product_ids");
    for (size_t i = 0; i < ids->size(); ++i) {
      if (!(*ids)[i].is_string())
        return fail(ErrorKind::invalid_input, "invalid_type", "a product id must be a string",
                    "audience.product_ids[" + std::to_string(i) + "]");
      in.product_ids.push_back((*ids)[i].get<std::string>());
    }
  }
  SD_TRY_VOID(af.finish());
  SD_TRY_VOID(f.finish());
  in.audience_json = audience->dump();
  return in;
}

Result<http::Response> create_broadcast(Ctx& ctx) {
  const auto in = SD_TRY(decode_broadcast(ctx, true));
  auto d = deps_of(ctx);
  return json_ok(broadcast_json(SD_TRY(flows::create_broadcast(d, ctx.store_id, in))), 201);
}

// Who a broadcast would reach, judged as the send judges: nothing is written.
Result<http::Response> preview_broadcast(Ctx& ctx) {
  const auto in = SD_TRY(decode_broadcast(ctx, false));
  auto d = deps_of(ctx);
  const auto p = SD_TRY(flows::preview_broadcast(d, ctx.store_id, in));
  auto sample = nlohmann::json::array();
  for (const auto& r : p.sample)
    sample.push_back({{"id", r.customer_public_id}, {"name", r.name}, {"email", r.email}});
  nlohmann::json first = nullptr;
  if (p.first_message && !p.sample.empty())
    first = {{"customer", sample.front()}, {"body", *p.first_message}};
  return json_ok({{"audience", nlohmann::json::parse(in.audience_json)},
                  {"audience_size", p.audience},
                  {"recipients", p.recipients},
                  {"skipped",
                   {{"blocked", p.skipped_blocked},
                    {"unfillable", p.skipped_unfillable ? nlohmann::json(*p.skipped_unfillable)
                                                        : nlohmann::json(nullptr)}}},
                  {"unsubscribed", p.unsubscribed},
                  {"emails", p.recipients - p.unsubscribed},
                  {"sample", sample},
                  {"first_message", first}});
}

Result<http::Response> list_broadcasts(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  auto d = deps_of(ctx);
  const auto p = SD_TRY(flows::list_broadcasts(d, ctx.store_id, page.limit, page.cursor));
  auto data = nlohmann::json::array();
  for (const auto& b : p.data) data.push_back(broadcast_json(b));
  return json_ok(list_page(std::move(data), p.has_more, p.next_cursor));
}

Result<http::Response> get_broadcast(Ctx& ctx) {
  auto d = deps_of(ctx);
  return json_ok(broadcast_json(SD_TRY(flows::get_broadcast(d, ctx.store_id, ctx.req.path_param("id")))));
}

// ---- away mode ----

nlohmann::json away_json(const messaging::AwayMode& m) {
  return {{"enabled", m.enabled}, {"message", m.message}};
}

Result<http::Response> get_away(Ctx& ctx) {
  auto d = deps_of(ctx);
  return json_ok(away_json(SD_TRY(flows::get_away_mode(d, ctx.store_id))));
}

Result<http::Response> patch_away(Ctx& ctx) {
  JsonFields f(ctx.body);
  auto enabled = SD_TRY(f.optional_bool("enabled"));
  auto message = SD_TRY(f.optional_string("message", 0, limits::message_body_bytes_max));
  SD_TRY_VOID(f.finish());
  auto d = deps_of(ctx);
  return json_ok(away_json(SD_TRY(flows::set_away_mode(d, ctx.store_id, enabled, message))));
}

// ---- buyer ----

Result<http::Response> my_threads(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  auto d = deps_of(ctx);
  return json_ok(page_json(SD_TRY(flows::buyer_threads(d, ctx.who().user.id, page.limit, page.cursor)), false));
}

Result<http::Response> my_thread(Ctx& ctx) {
  auto d = deps_of(ctx);
  return json_ok(view_json(SD_TRY(flows::buyer_thread(d, ctx.who().user.id, ctx.req.path_param("id"))), false));
}

Result<http::Response> my_new_message(Ctx& ctx) {
  JsonFields f(ctx.body);
  auto store = SD_TRY(f.required_string("store", 1, 200));
  const auto m = SD_TRY(decode_buyer_message(f));
  auto d = deps_of(ctx);
  return json_ok(
      sent_json(SD_TRY(flows::buyer_post_to_store(d, ctx.who().user.id, store, m)), Side::buyer), 201);
}

Result<http::Response> my_reply(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto m = SD_TRY(decode_buyer_message(f));
  auto d = deps_of(ctx);
  return json_ok(
      sent_json(SD_TRY(flows::buyer_post(d, ctx.who().user.id, ctx.req.path_param("id"), m)), Side::buyer),
      201);
}

// RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" (form-encoded) without any
// session; the signed token is the authority, so the body is not needed.
Result<http::Response> one_click_unsubscribe(Ctx& ctx) {
  auto d = deps_of(ctx);
  SD_TRY_VOID(flows::unsubscribe(d, ctx.req.path_param("token")));
  return json_ok({{"unsubscribed", true}});
}

// The link in an email's text: a page with one button that POSTs the same URL. The GET itself
// changes nothing, so link scanners that fetch URLs cannot unsubscribe anyone.
Result<http::Response> unsubscribe_page(Ctx& ctx) {
  const auto token = ctx.req.path_param("token");
  if (!messaging::read_unsubscribe_token(ctx.svc.link_key, token))
    return fail(ErrorKind::invalid_input, "invalid_token", "This unsubscribe link is not valid.",
                "token");
  http::Response r;
  r.set_header("Content-Type", "text/html; charset=utf-8");
  r.set_header("Content-Security-Policy", "default-src 'none'; form-action 'self'");
  // The token was verified above: base64url and hex only, nothing to escape.
  r.body = "<!doctype html><meta charset=utf-8><title>Unsubscribe</title>"
           "<p>Stop emails from this store to this address? Receipts and refund notices still "
           "arrive.</p><form method=post action=\"/api/v1/unsubscribe/" +
           std::string(token) +
           "\"><input type=hidden name=List-Unsubscribe value=One-Click>"
           "<button>Unsubscribe</button></form>";
  return r;
}

}  // namespace

void register_messaging_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::get, "/api/v1/threads", Access::seller, inbox});
  add_api_route(router, svc, {M::get, "/api/v1/threads/{id}", Access::seller, thread});
  add_api_route(router, svc, {M::post, "/api/v1/threads/{id}/messages", Access::seller, post_to_thread});
  add_api_route(router, svc, {M::post, "/api/v1/customers/{id}/messages", Access::seller, post_to_customer});
  add_api_route(router, svc, {M::get, "/api/v1/saved-replies", Access::seller, list_replies});
  add_api_route(router, svc, {M::post, "/api/v1/saved-replies", Access::seller, create_reply});
  add_api_route(router, svc, {M::get, "/api/v1/saved-replies/{id}", Access::seller, get_reply});
  add_api_route(router, svc, {M::patch, "/api/v1/saved-replies/{id}", Access::seller, patch_reply});
  add_api_route(router, svc, {M::delete_, "/api/v1/saved-replies/{id}", Access::seller, delete_reply});
  add_api_route(router, svc, {M::get, "/api/v1/broadcasts", Access::seller, list_broadcasts});
  add_api_route(router, svc, {M::post, "/api/v1/broadcasts", Access::seller, create_broadcast});
  add_api_route(router, svc, {M::post, "/api/v1/broadcasts/preview", Access::seller, preview_broadcast});
  add_api_route(router, svc, {M::get, "/api/v1/broadcasts/{id}", Access::seller, get_broadcast});
  add_api_route(router, svc, {M::get, "/api/v1/away-mode", Access::seller, get_away});
  add_api_route(router, svc, {M::patch, "/api/v1/away-mode", Access::seller, patch_away});
  add_api_route(router, svc, {M::get, "/api/v1/my/threads", Access::user, my_threads});
  add_api_route(router, svc, {M::post, "/api/v1/my/threads", Access::user, my_new_message});
  add_api_route(router, svc, {M::get, "/api/v1/my/threads/{id}", Access::user, my_thread});
  add_api_route(router, svc, {M::post, "/api/v1/my/threads/{id}/messages", Access::user, my_reply});
  add_api_route(router, svc, {M::get, "/api/v1/unsubscribe/{token}", Access::anyone, unsubscribe_page});
  ApiRoute unsub{M::post, "/api/v1/unsubscribe/{token}", Access::anyone, one_click_unsubscribe};
  unsub.csrf_exempt = true;
  unsub.raw_body = true;
  unsub.body_bytes_max = 1024;
  add_api_route(router, svc, std::move(unsub));
}

}  // namespace sd::api
