// Route groups, one per resource file; api.cpp registers them all.
#pragma once

#include "api/v1/api.hpp"
#include "platform/http/http.hpp"

namespace sd::api {

void register_auth_routes(http::Router& router, Services& svc);
void register_token_routes(http::Router& router, Services& svc);
void register_store_routes(http::Router& router, Services& svc);
void register_ops_routes(http::Router& router, Services& svc);

}  // namespace sd::api
