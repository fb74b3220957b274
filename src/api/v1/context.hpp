// The request pipeline every API route goes through: body decoding, authentication, CSRF,
// seller check, Idempotency-Key, and the mapping of Error values to HTTP answers.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/v1/api.hpp"
#include "core/error.hpp"
#include "modules/accounts/accounts.hpp"
#include "platform/http/http.hpp"

namespace sd::api {

enum class Access {
  anyone,  // no credentials needed (credentials, when sent, are still resolved)
  user,    // any signed-in account
  seller,  // an account that owns a store
};

// An Idempotency-Key that a route with `inline_idempotency` records itself (record_answer).
struct InlineKey {
  std::string scope, key, fingerprint;
};

struct Ctx {
  http::Request& req;
  Services& svc;
  nlohmann::json body;                      // the decoded JSON object ({} when no body)
  std::optional<accounts::Principal> principal;
  int64_t store_id = 0;                     // set for Access::seller
  std::optional<InlineKey> idempotency;     // set for inline_idempotency routes given a key

  const accounts::Principal& who() const { return *principal; }
};

using ApiHandler = std::function<Result<http::Response>(Ctx&)>;
// What a fast path knows of a request: the caller's ids, resolved in its read transaction.
struct CachedCtx {
  const http::Request& req;
  int64_t user_id = 0;
  int64_t store_id = 0;  // 0 when the caller owns no store
};
// An answer from memory for a GET, in the read transaction the caller was resolved in;
// nothing = let the handler answer. It must depend only on the database, the caller and the
// request (not on the time): an answer is replayed while the database is unchanged.
using CachedHandler = std::function<std::optional<http::Response>(const CachedCtx&, db::Tx&)>;

struct ApiRoute {
  http::Method method;
  std::string pattern;
  Access access = Access::user;
  ApiHandler handler;
  bool csrf_exempt = false;  // login and sign-up: no session exists yet
  // The body is the payload itself (file uploads): any Content-Type, left undecoded in
  // ctx.req.body; ctx.body stays {}.
  bool raw_body = false;
  size_t body_bytes_max = 0;  // 0 = limits::http_body_bytes_max (passed to http::Route)
  // The handler records its answer to an Idempotency-Key in its own write transaction
  // (record_answer) instead of the pipeline's claim and completion transactions around it.
  bool inline_idempotency = false;
  // GET only: tried first on the I/O thread (http::Route::try_inline) when the caller resolves
  // without waiting (SQLite, a free reader) and needs no write; must itself never wait.
  CachedHandler cached = nullptr;
};

// For inline_idempotency routes: records `resp` under ctx.idempotency (if any) inside `tx`.
// Returns the answer to send: `resp`, or the stored answer of a concurrent twin request.
Result<http::Response> record_answer(const Ctx& ctx, db::Tx& tx, http::Response resp);

// The same in two steps, for an answer made before its transaction (the writer's time is
// everyone's): the response and its sealed record, then the record written inside `tx`.
struct PreparedAnswer {
  http::Response resp;
  std::string sealed;  // empty: nothing to record
};
PreparedAnswer prepare_answer(const Ctx& ctx, http::Response resp);
Result<http::Response> record_prepared(const Ctx& ctx, db::Tx& tx, const PreparedAnswer& answer);

// A file of the data dir's file store, streamed: its Content-Type, a Content-Disposition
// (inline or as a download, RFC 8187 name) and nosniff set; the caller adds caching headers.
// A storage key that is missing on disk is not_found `file_missing`.
Result<http::Response> stored_file_response(const std::string& data_dir, const std::string& storage_key,
                                            const std::string& content_type, bool inline_display,
                                            std::string_view filename);

// Wraps an API handler in the pipeline and adds it to the router.
void add_api_route(http::Router& router, Services& svc, ApiRoute route);

// The HTTP answer for an Error (status from its kind; Retry-After when set).
http::Response error_to_response(const Error& e);
int status_for(ErrorKind kind);

// JSON answers.
http::Response json_ok(const nlohmann::json& body, int status = 200);
// A list page in API.md's shape: {"data":[…],"has_more":…,"next_cursor":…}.
nlohmann::json list_page(nlohmann::json data, bool has_more, std::optional<std::string> next_cursor);
// `?limit=` (1–100, default 50) and `?cursor=`; invalid_input with param when malformed.
struct Paging {
  int limit = 0;
  std::optional<std::string> cursor;
};
Result<Paging> paging(const http::Request& req);

// The session cookie header values.
std::string session_cookie(const Services& svc, const std::string& token);
std::string cleared_session_cookie(const Services& svc);
inline constexpr const char* kSessionCookie = "sd_session";

}  // namespace sd::api
