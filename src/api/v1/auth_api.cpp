// /api/v1/auth/* and /api/v1/me: sign-up, sign-in, sign-out, who am I.
#include "api/v1/context.hpp"
#include "api/v1/json.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/validation.hpp"
#include "flows/session_flows.hpp"

namespace sd::api {
namespace {

http::Response signed_in(const Services& svc, const flows::SignedIn& s, int status) {
  auto resp = json_ok(session_json(s.user, s.store, s.session.csrf_token), status);
  resp.set_header("Set-Cookie", session_cookie(svc, s.session.cookie_token));
  resp.set_header("Cache-Control", "no-store");
  return resp;
}

Result<http::Response> signup(Ctx& ctx) {
  JsonFields f(ctx.body);
  accounts::NewUser user;
  // Length checks come from validate_new_user so every rule lives in one place.
  user.email = SD_TRY(f.required_string("email", 1, limits::email_bytes_max * 4));
  user.password = SD_TRY(f.required_string("password", 0, limits::password_bytes_max * 4));
  user.name = SD_TRY(f.required_string("name", 1, limits::name_bytes_max * 4));
  auto store_name = SD_TRY(f.optional_string("store_name", 0, limits::store_name_bytes_max * 4));
  SD_TRY_VOID(f.finish());
  auto s = SD_TRY(flows::signup(*ctx.svc.db, *ctx.svc.clock, user, store_name));
  return signed_in(ctx.svc, s, 201);
}

Result<http::Response> login(Ctx& ctx) {
  JsonFields f(ctx.body);
  auto email = SD_TRY(f.required_string("email", 1, limits::email_bytes_max * 4));
  auto password = SD_TRY(f.required_string("password", 1, limits::password_bytes_max * 4));
  SD_TRY_VOID(f.finish());
  auto s = SD_TRY(flows::login(*ctx.svc.db, *ctx.svc.clock, email, password, ctx.req.remote_ip));
  return signed_in(ctx.svc, s, 200);
}

Result<http::Response> logout(Ctx& ctx) {
  SD_TRY_VOID(JsonFields(ctx.body).finish());
  const auto& p = ctx.who();
  if (p.via == accounts::Principal::Via::session) {
    SD_TRY_VOID(ctx.svc.db->write<void>([&](db::Tx& tx) {
      return accounts::end_session(tx, p.credential_id, ctx.svc.clock->now());
    }));
  }
  auto resp = json_ok({{"signed_out", true}});
  resp.set_header("Set-Cookie", cleared_session_cookie(ctx.svc));
  return resp;
}

Result<http::Response> me(Ctx& ctx) {
  const auto& p = ctx.who();
  std::optional<stores::Store> store;
  if (ctx.store_id != 0) {
    store = SD_TRY(ctx.svc.db->read<stores::Store>(
        [&](db::Tx& tx) { return stores::get_store(tx, ctx.store_id); }));
  }
  std::optional<std::string> csrf;
  if (p.via == accounts::Principal::Via::session) csrf = p.csrf_token;
  auto resp = json_ok(session_json(p.user, store, csrf));
  resp.set_header("Cache-Control", "no-store");
  return resp;
}

}  // namespace

void register_auth_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  add_api_route(router, svc, {M::post, "/api/v1/auth/signup", Access::anyone, signup, true});
  add_api_route(router, svc, {M::post, "/api/v1/auth/login", Access::anyone, login, true});
  add_api_route(router, svc, {M::post, "/api/v1/auth/logout", Access::user, logout});
  add_api_route(router, svc, {M::get, "/api/v1/me", Access::user, me});
}

}  // namespace sd::api
