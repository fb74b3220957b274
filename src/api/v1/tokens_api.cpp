// /api/v1/api-tokens: bearer tokens for integrations (secret shown once, stored hashed).
#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/validation.hpp"

namespace sd::api {
namespace {

Result<http::Response> list_tokens(Ctx& ctx) {
  const auto page = SD_TRY(paging(ctx.req));
  const auto user_id = ctx.who().user.id;
  auto tokens = SD_TRY(ctx.svc.db->read<std::vector<accounts::ApiToken>>([&](db::Tx& tx) {
    return accounts::list_api_tokens(tx, user_id, page.cursor, page.limit + 1);
  }));
  const bool has_more = tokens.size() > static_cast<size_t>(page.limit);
  if (has_more) tokens.resize(static_cast<size_t>(page.limit));
  auto data = nlohmann::json::array();
  for (const auto& t : tokens) data.push_back(api_token_json(t));
  std::optional<std::string> next;
  if (has_more) next = tokens.back().public_id;
  return json_ok(list_page(std::move(data), has_more, next));
}

Result<http::Response> create_token(Ctx& ctx) {
  JsonFields f(ctx.body);
  auto name = SD_TRY(f.required_string("name", 1, limits::api_token_name_bytes_max));
  SD_TRY_VOID(f.finish());
  const auto user_id = ctx.who().user.id;
  auto created = SD_TRY(ctx.svc.db->write<accounts::CreatedApiToken>([&](db::Tx& tx) {
    return accounts::create_api_token(tx, user_id, name, ctx.svc.clock->now());
  }));
  auto body = api_token_json(created.token);
  body["token"] = created.secret;
  auto resp = json_ok(body, 201);
  resp.set_header("Cache-Control", "no-store");
  return resp;
}

Result<http::Response> delete_token(Ctx& ctx) {
  const std::string id(ctx.req.path_param("id"));
  const auto user_id = ctx.who().user.id;
  SD_TRY_VOID(ctx.svc.db->write<void>([&](db::Tx& tx) {
    return accounts::revoke_api_token(tx, user_id, id, ctx.svc.clock->now());
  }));
  return json_ok({{"id", id}, {"deleted", true}});
}

}  // namespace

void register_token_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::get, "/api/v1/api-tokens", Access::user, list_tokens});
  add_api_route(router, svc, {M::post, "/api/v1/api-tokens", Access::user, create_token});
  add_api_route(router, svc, {M::delete_, "/api/v1/api-tokens/{id}", Access::user, delete_token});
}

}  // namespace sd::api
