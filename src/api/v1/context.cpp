#include "api/v1/context.hpp"

#include "api/v1/response_cache.hpp"

#include <charconv>
#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "core/limits.hpp"
#include "core/validation.hpp"
#include "modules/idempotency/idempotency.hpp"
#include "modules/stores/stores.hpp"
#include "platform/crypto/crypto.hpp"
#include "platform/files/files.hpp"
#include "platform/observability/log.hpp"

namespace sd::api {
namespace {

bool is_unsafe(http::Method m) {
  return m == http::Method::post || m == http::Method::put || m == http::Method::patch ||
         m == http::Method::delete_;
}

bool is_json_content_type(std::string_view ct) {
  const auto semi = ct.find(';');
  auto base = ct.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  if (base.size() != 16) return false;
  for (size_t i = 0; i < base.size(); ++i) {
    const char c = base[i] >= 'A' && base[i] <= 'Z' ? static_cast<char>(base[i] + 32) : base[i];
    if (c != "application/json"[i]) return false;
  }
  return true;
}

Result<void> decode_body(Ctx& ctx) {
  if (ctx.req.body.empty()) {
    ctx.body = nlohmann::json::object();
    return {};
  }
  const auto ct = ctx.req.header("content-type");
  if (!ct || !is_json_content_type(*ct)) {
    return fail(ErrorKind::unsupported_media_type, "unsupported_media_type",
                "send the request body as application/json", "Content-Type");
  }
  ctx.body = SD_TRY(parse_json_object(ctx.req.body));
  return {};
}

struct Resolved {
  std::optional<accounts::Principal> principal;
  bool touch = false;
  int64_t store_id = 0;
};

// What the request presents: a bearer token (preferred) or the session cookie, or neither.
struct Credentials {
  std::optional<std::string> bearer;
  std::optional<std::string> cookie;
};

Result<Credentials> credentials(const http::Request& req) {
  Credentials c;
  const auto auth = req.header("authorization");
  if (auth) {
    if (auth->size() <= 7 || (auth->substr(0, 7) != "Bearer " && auth->substr(0, 7) != "bearer ")) {
      return fail(ErrorKind::unauthenticated, "invalid_token",
                  "the Authorization header must be 'Bearer <token>'");
    }
    c.bearer = std::string(auth->substr(7));
  } else {
    c.cookie = req.cookie(kSessionCookie);
  }
  return c;
}

// The caller and the store they own, inside the caller's read transaction.
Result<Resolved> resolve(db::Tx& tx, const Credentials& c, Micros now) {
  Resolved r;
  r.principal = c.bearer ? SD_TRY(accounts::resolve_api_token(tx, *c.bearer, now, &r.touch))
                         : SD_TRY(accounts::resolve_session(tx, *c.cookie, now, &r.touch));
  if (r.principal) {
    auto store = SD_TRY(stores::find_store_by_owner(tx, r.principal->user.id));
    if (store) r.store_id = store->id;
  }
  return r;
}

// Resolves the caller from a bearer token (preferred) or the session cookie, and the store
// they own, in one read transaction.
Result<void> authenticate(Ctx& ctx) {
  const auto creds = SD_TRY(credentials(ctx.req));
  if (!creds.bearer && !creds.cookie) return {};

  const auto now = ctx.svc.clock->now();
  auto resolved = SD_TRY(ctx.svc.db->read<Resolved>(
      [&](db::Tx& tx) -> Result<Resolved> { return resolve(tx, creds, now); }));
  const bool bearer = creds.bearer.has_value();
  if (bearer && !resolved.principal) {
    return fail(ErrorKind::unauthenticated, "invalid_token", "the API token is not valid");
  }
  if (resolved.principal && resolved.touch) {
    const auto& p = *resolved.principal;
    // Best effort: a failed touch must not fail the request.
    (void)ctx.svc.db->write<void>([&](db::Tx& tx) {
      return p.via == accounts::Principal::Via::token
                 ? accounts::touch_api_token(tx, p.credential_id, now)
                 : accounts::touch_session(tx, p.credential_id, now);
    });
  }
  ctx.principal = std::move(resolved.principal);
  ctx.store_id = resolved.store_id;
  return {};
}

// What identifies a fast-path request: the credentials by their digest (no secret is kept).
std::string memo_key(const http::Request& req, const Credentials& creds) {
  std::string key = creds.bearer ? "b" + crypto::sha256_hex(*creds.bearer)
                                 : "c" + crypto::sha256_hex(*creds.cookie);
  key += req.method == http::Method::head ? " HEAD " : " GET ";
  key += req.target;
  if (auto inm = req.header("if-none-match")) {
    key += '\n';
    key += *inm;
  }
  return key;
}

// The fast path of a route with `cached` (on the I/O thread): only a plain GET whose caller
// resolves, with nothing to write (no touch) and every access check passed, in one read
// transaction that needs no waiting; anything else goes the usual way, on a worker. The caller
// is resolved to ids only (the same checks as `resolve`, without reading the user or store).
// An answer made here is replayed from `memo` while the database is unchanged.
std::optional<http::Response> try_cached(Services& svc, const ApiRoute& route, FastPathMemo& memo,
                                         http::Request& req) {
  if (req.method != http::Method::get && req.method != http::Method::head) return std::nullopt;
  if (!req.body.empty()) return std::nullopt;
  auto creds = credentials(req);
  if (!creds || (!creds->bearer && !creds->cookie)) return std::nullopt;
  const auto now = svc.clock->now();
  // Read before the transaction starts: if it is still the same later, nothing committed
  // between this moment and then, so the transaction saw exactly that state.
  const auto stamp = svc.db->change_stamp();
  std::string key;
  if (stamp) {
    key = memo_key(req, *creds);
    if (auto kept = memo.find(key, *stamp, now)) return *kept;
  }
  std::optional<http::Response> out;
  Micros recheck_at = now;
  auto ran = svc.db->try_read_work([&](db::Tx& tx) -> Result<void> {
    const auto caller = creds->bearer ? SD_TRY(accounts::api_token_caller(tx, *creds->bearer, now))
                                      : SD_TRY(accounts::session_caller(tx, *creds->cookie, now));
    if (!caller || caller->touch) return {};
    CachedCtx ctx{req, caller->user_id, 0};
    if (route.access == Access::seller) {
      const auto store_id = SD_TRY(stores::find_store_id_by_owner(tx, caller->user_id));
      if (!store_id) return {};
      ctx.store_id = *store_id;
    }
    out = route.cached(ctx, tx);
    recheck_at = caller->recheck_at;
    return {};
  });
  if (!ran || !*ran) return std::nullopt;
  if (out && stamp) {
    memo.put(std::move(key), *stamp, recheck_at, std::make_shared<const http::Response>(*out));
  }
  return out;
}

Result<void> check_csrf(const Ctx& ctx) {
  const auto sent = ctx.req.header("x-csrf-token");
  if (!sent || !crypto::equal_constant_time(*sent, ctx.who().csrf_token)) {
    return fail(ErrorKind::forbidden, "csrf_token_invalid",
                "send the X-CSRF-Token header from the sign-in answer or GET /api/v1/me");
  }
  return {};
}

http::Response to_response(Result<http::Response> r, const Ctx& ctx) {
  if (r) return std::move(*r);
  if (r.error().kind == ErrorKind::internal) {
    log::error("internal error", {{"request_id", ctx.req.request_id},
                                  {"code", r.error().code},
                                  {"detail", r.error().message}});
  }
  return error_to_response(r.error());
}

bool is_replayed_header(const std::string& name) {
  return name == "content-type" || name == "set-cookie" || name == "location" ||
         name == "Content-Type" || name == "Set-Cookie" || name == "Location";
}

http::Response replayed(idempotency::StoredResponse stored) {
  http::Response resp;
  resp.status = stored.status;
  for (auto& [n, v] : stored.headers) resp.set_header(n, v);
  resp.body = std::move(stored.body);
  resp.set_header("Idempotent-Replayed", "true");
  return resp;
}

idempotency::StoredResponse to_stored(const http::Response& resp) {
  idempotency::StoredResponse stored{resp.status, {}, resp.body};
  for (const auto& [n, v] : resp.headers)
    if (is_replayed_header(n)) stored.headers.emplace_back(n, v);
  return stored;
}

// Runs the handler at most once per (principal, Idempotency-Key); retries get the first answer.
// An inline_idempotency route only has the key looked up here (a read); it records its answer
// in its own write transaction, so a request costs one write instead of three.
http::Response with_idempotency(Ctx& ctx, const ApiRoute& route, std::string_view key) {
  auto& db = *ctx.svc.db;
  const std::string scope = ctx.principal ? "user:" + ctx.principal->user.public_id : "anon";
  const auto fingerprint = idempotency::request_fingerprint(
      http::method_name(ctx.req.method), ctx.req.target, ctx.req.body);
  const Micros stale = (limits::http_request_timeout_seconds * 4) * kMicrosPerSecond;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(limits::idempotency_wait_ms_max);
  for (;;) {
    auto claim = route.inline_idempotency
                     ? db.read<idempotency::Claim>([&](db::Tx& tx) {
                         return idempotency::lookup(tx, scope, key, fingerprint);
                       })
                     : db.write<idempotency::Claim>([&](db::Tx& tx) {
                         return idempotency::claim(tx, scope, key, fingerprint,
                                                   ctx.svc.clock->now(), stale);
                       });
    if (!claim) return to_response(tl::unexpected(claim.error()), ctx);
    switch (claim->kind) {
      case idempotency::ClaimKind::replay: return replayed(std::move(*claim->response));
      case idempotency::ClaimKind::mismatch:
        return error_to_response(Error{ErrorKind::idempotency, "idempotency_key_reused",
                                       "this Idempotency-Key was used with a different request",
                                       "Idempotency-Key", 0, {}});
      case idempotency::ClaimKind::in_progress:
        if (std::chrono::steady_clock::now() >= deadline) {
          Error e{ErrorKind::conflict, "idempotency_request_in_progress",
                  "a request with this Idempotency-Key is still being processed; retry shortly",
                  "Idempotency-Key", 1, {}};
          return error_to_response(e);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        continue;
      case idempotency::ClaimKind::claimed: break;
    }
    if (route.inline_idempotency) {
      ctx.idempotency = InlineKey{scope, std::string(key), fingerprint};
      return to_response(route.handler(ctx), ctx);
    }
    auto resp = to_response(route.handler(ctx), ctx);
    const auto now = ctx.svc.clock->now();
    if (idempotency::is_replayable_status(resp.status)) {
      const auto stored = to_stored(resp);
      auto ok = db.write<void>(
          [&](db::Tx& tx) { return idempotency::complete(tx, scope, key, stored, now); });
      if (!ok) log::error("idempotency record not saved", {{"request_id", ctx.req.request_id}});
    } else {
      (void)db.write<void>([&](db::Tx& tx) { return idempotency::release(tx, scope, key); });
    }
    return resp;
  }
}

Result<void> check_idempotency_key(std::string_view key) {
  const bool ok = !key.empty() && key.size() <= limits::idempotency_key_bytes_max &&
                  is_clean_text(key, false);
  if (!ok) {
    return fail(ErrorKind::invalid_input, "invalid_idempotency_key",
                "Idempotency-Key must be 1-255 printable characters", "Idempotency-Key");
  }
  return {};
}

http::Response run_pipeline(Services& svc, const ApiRoute& route, http::Request& req) {
  Ctx ctx{req, svc, nlohmann::json::object(), std::nullopt, 0, std::nullopt};
  auto prepared = [&]() -> Result<void> {
    SD_TRY_VOID(authenticate(ctx));
    if (route.access != Access::anyone && !ctx.principal) {
      return fail(ErrorKind::unauthenticated, "unauthenticated", "sign in to continue");
    }
    if (ctx.principal && ctx.principal->via == accounts::Principal::Via::session &&
        is_unsafe(req.method) && !route.csrf_exempt) {
      SD_TRY_VOID(check_csrf(ctx));
    }
    if (route.access == Access::seller && ctx.store_id == 0) {
      return fail(ErrorKind::forbidden, "seller_account_required",
                  "this needs a seller account with a store");
    }
    return route.raw_body ? Result<void>{} : decode_body(ctx);
  }();
  if (!prepared) return error_to_response(prepared.error());

  const auto key = req.header("idempotency-key");
  if (req.method == http::Method::post && key) {
    auto valid = check_idempotency_key(*key);
    if (!valid) return error_to_response(valid.error());
    return with_idempotency(ctx, route, *key);
  }
  return to_response(route.handler(ctx), ctx);
}

}  // namespace

Result<http::Response> stored_file_response(const std::string& data_dir, const std::string& storage_key,
                                            const std::string& content_type, bool inline_display,
                                            std::string_view filename) {
  const auto path = SD_TRY(files::store_in(data_dir).path_of(storage_key));
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*in) return fail(ErrorKind::not_found, "file_missing", "the file is not available");
  http::Response resp;
  resp.set_header("Content-Type", content_type.empty() ? "application/octet-stream" : content_type);
  resp.set_header("Content-Disposition", http::content_disposition(inline_display, filename));
  resp.set_header("X-Content-Type-Options", "nosniff");
  resp.stream = [in](std::string& out) {
    out.resize(256 * 1024);
    in->read(out.data(), static_cast<std::streamsize>(out.size()));
    out.resize(static_cast<size_t>(in->gcount()));
    return !out.empty();
  };
  return resp;
}

Result<http::Response> record_answer(const Ctx& ctx, db::Tx& tx, http::Response resp) {
  return record_prepared(ctx, tx, prepare_answer(ctx, std::move(resp)));
}

PreparedAnswer prepare_answer(const Ctx& ctx, http::Response resp) {
  if (!ctx.idempotency || !idempotency::is_replayable_status(resp.status)) return {std::move(resp), {}};
  const auto& k = *ctx.idempotency;
  auto sealed = idempotency::seal_response(k.scope, k.key, to_stored(resp));
  return {std::move(resp), std::move(sealed)};
}

Result<http::Response> record_prepared(const Ctx& ctx, db::Tx& tx, const PreparedAnswer& answer) {
  if (answer.sealed.empty()) return answer.resp;
  const auto& k = *ctx.idempotency;
  auto twin = SD_TRY(idempotency::record_sealed(tx, k.scope, k.key, k.fingerprint, answer.sealed,
                                                ctx.svc.clock->now()));
  if (twin) return replayed(std::move(*twin));
  return answer.resp;
}

void add_api_route(http::Router& router, Services& svc, ApiRoute route) {
  auto shared = std::make_shared<const ApiRoute>(std::move(route));
  http::Route r;
  r.method = shared->method;
  r.pattern = shared->pattern;
  r.execution = http::Execution::worker;
  r.body_bytes_max = shared->body_bytes_max;
  r.handler = [&svc, shared](http::Request& req) { return run_pipeline(svc, *shared, req); };
  if (shared->cached) {
    auto memo = std::make_shared<FastPathMemo>(limits::fast_path_memo_entries_max,
                                               limits::fast_path_memo_bytes_max);
    r.try_inline = [&svc, shared, memo](http::Request& req) {
      return try_cached(svc, *shared, *memo, req);
    };
  }
  router.add(std::move(r));
}

int status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input: return 400;
    case ErrorKind::unauthenticated: return 401;
    case ErrorKind::payment_failed: return 402;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::unsupported_media_type: return 415;
    case ErrorKind::conflict: return 409;
    case ErrorKind::idempotency: return 422;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::internal: return 500;
  }
  return 500;
}

http::Response error_to_response(const Error& e) {
  const int status = status_for(e.kind);
  // Internal details stay in the log; the client gets a stable code.
  auto resp = e.kind == ErrorKind::internal
                  ? http::error_response(status, "internal_error", "something went wrong on our side")
                  : http::error_response(status, e.code, e.message, e.param);
  if (e.retry_after_seconds > 0) resp.set_header("Retry-After", std::to_string(e.retry_after_seconds));
  if (!e.details.empty() && e.kind != ErrorKind::internal) {
    auto body = nlohmann::json::parse(resp.body, nullptr, false);
    if (!body.is_discarded()) {
      for (const auto& d : e.details)
        std::visit([&](const auto& v) { body["error"][d.name] = v; }, d.value);
      resp.body = body.dump();
    }
  }
  return resp;
}

http::Response json_ok(const nlohmann::json& body, int status) {
  return http::json_response(status, body.dump());
}

nlohmann::json list_page(nlohmann::json data, bool has_more, std::optional<std::string> next) {
  return {{"data", std::move(data)},
          {"has_more", has_more},
          {"next_cursor", next ? nlohmann::json(*next) : nlohmann::json(nullptr)}};
}

Result<Paging> paging(const http::Request& req) {
  Paging p{limits::list_limit_default, std::nullopt};
  if (auto l = req.query_param("limit")) {
    int v = 0;
    const auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (ec != std::errc{} || end != l->data() + l->size() || v < 1 || v > limits::list_limit_max) {
      return fail(ErrorKind::invalid_input, "invalid_limit", "limit must be between 1 and 100",
                  "limit");
    }
    p.limit = v;
  }
  if (auto c = req.query_param("cursor"); c && !c->empty()) p.cursor = std::string(*c);
  return p;
}

std::string session_cookie(const Services& svc, const std::string& token) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
         std::to_string(limits::session_absolute_seconds) + (svc.secure_cookies ? "; Secure" : "");
}

std::string cleared_session_cookie(const Services& svc) {
  return std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" +
         (svc.secure_cookies ? "; Secure" : "");
}

}  // namespace sd::api
