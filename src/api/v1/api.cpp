#include "api/v1/api.hpp"

#include "api/v1/routes.hpp"

namespace sd::api {

void register_routes(http::Router& router, Services& svc) {
  register_ops_routes(router, svc);
  register_auth_routes(router, svc);
  register_token_routes(router, svc);
  register_store_routes(router, svc);
  register_catalog_routes(router, svc);
  register_storefront_routes(router, svc);
  register_checkout_routes(router, svc);
  register_library_routes(router, svc);
  register_money_routes(router, svc);
  register_order_routes(router, svc);
  register_sales_routes(router, svc);
  register_block_routes(router, svc);
  register_refund_routes(router, svc);
  register_dispute_routes(router, svc);
  register_messaging_routes(router, svc);
  register_attachment_routes(router, svc);
}

}  // namespace sd::api
