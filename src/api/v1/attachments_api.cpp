// Attachments on customer messages (Issue 6): the seller and buyers upload files (raw body, like
// deliverables) and download those of their conversations. Uploads are the uploader's until a
// message carries them; then both sides of that thread may fetch them, nobody else (404).
#include "api/v1/context.hpp"
#include "api/v1/messaging_json.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/time.hpp"
#include "flows/messaging.hpp"
#include "platform/files/files.hpp"

namespace sd::api {

using messaging::Side;

nlohmann::json attachment_json(const messaging::Attachment& a, Side viewer) {
  const std::string base = viewer == Side::seller ? "/api/v1/attachments/" : "/api/v1/my/attachments/";
  return {{"id", a.public_id},
          {"filename", a.filename},
          {"content_type", a.content_type},
          {"size_bytes", a.size_bytes},
          {"is_image", a.is_image},
          {"created_at", format_rfc3339(a.created_at)},
          {"url", base + a.public_id + "/content"}};
}

namespace {

flows::MessagingDeps deps_of(Ctx& ctx) {
  return flows::MessagingDeps{*ctx.svc.db, *ctx.svc.clock, ctx.svc.public_url, ctx.svc.link_key};
}

Result<http::Response> upload(Ctx& ctx, Side side) {
  flows::AttachmentUpload up;
  up.side = side;
  up.user_id = ctx.who().user.id;
  up.store_id = ctx.store_id;
  up.filename = std::string(ctx.req.query_param("filename").value_or(""));
  if (side == Side::buyer) {
    const auto store = ctx.req.query_param("store");
    if (!store || store->empty())
      return fail(ErrorKind::invalid_input, "required", "store is required (?store=SLUG)", "store");
    up.store_slug = std::string(*store);
  }
  auto d = deps_of(ctx);
  const auto a = SD_TRY(flows::upload_attachment(d, files::store_in(ctx.svc.data_dir), up, ctx.req.body));
  return json_ok(attachment_json(a, side), 201);
}

// The bytes, streamed. Raster images are shown inline; everything else downloads as a file.
// The sniffed type never names active content, and nosniff plus a sandboxing CSP keep a browser
// from treating the bytes as anything else.
Result<http::Response> serve(Ctx& ctx, const messaging::Attachment& a) {
  auto resp = SD_TRY(
      stored_file_response(ctx.svc.data_dir, a.storage_key, a.content_type, a.is_image, a.filename));
  resp.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  resp.set_header("Cross-Origin-Resource-Policy", "same-origin");
  resp.set_header("Cache-Control", "private, max-age=3600");
  return resp;
}

Result<http::Response> seller_content(Ctx& ctx) {
  auto d = deps_of(ctx);
  return serve(ctx, SD_TRY(flows::seller_attachment(d, ctx.store_id, ctx.req.path_param("id"))));
}

Result<http::Response> buyer_content(Ctx& ctx) {
  auto d = deps_of(ctx);
  return serve(ctx, SD_TRY(flows::buyer_attachment(d, ctx.who().user.id, ctx.req.path_param("id"))));
}

}  // namespace

void register_attachment_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  ApiRoute seller_upload{M::post, "/api/v1/attachments", Access::seller,
                         [](Ctx& ctx) { return upload(ctx, Side::seller); }};
  seller_upload.raw_body = true;
  seller_upload.body_bytes_max = limits::attachment_bytes_max;
  add_api_route(router, svc, std::move(seller_upload));
  ApiRoute buyer_upload{M::post, "/api/v1/my/attachments", Access::user,
                        [](Ctx& ctx) { return upload(ctx, Side::buyer); }};
  buyer_upload.raw_body = true;
  buyer_upload.body_bytes_max = limits::attachment_bytes_max;
  add_api_route(router, svc, std::move(buyer_upload));
  add_api_route(router, svc, {M::get, "/api/v1/attachments/{id}/content", Access::seller, seller_content});
  add_api_route(router, svc, {M::get, "/api/v1/my/attachments/{id}/content", Access::user, buyer_content});
}

}  // namespace sd::api
