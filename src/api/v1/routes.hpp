// Route groups, one per resource file; api.cpp registers them all.
#pragma once

#include "api/v1/api.hpp"
#include "platform/http/http.hpp"

namespace sd::api {

void register_auth_routes(http::Router& router, Services& svc);
void register_token_routes(http::Router& router, Services& svc);
void register_store_routes(http::Router& router, Services& svc);
void register_ops_routes(http::Router& router, Services& svc);
void register_catalog_routes(http::Router& router, Services& svc);     // seller: products, files, support materials
void register_storefront_routes(http::Router& router, Services& svc);  // public: stores and published products
void register_checkout_routes(http::Router& router, Services& svc);    // checkout, buyer's orders
void register_library_routes(http::Router& router, Services& svc);     // library, downloads, access
void register_money_routes(http::Router& router, Services& svc);       // balance, payouts, licenses
void register_order_routes(http::Router& router, Services& svc);       // order details, customers
void register_sales_routes(http::Router& router, Services& svc);       // the Sales view: list, timeseries, CSV
void register_block_routes(http::Router& router, Services& svc);       // blocking customers (R-BLK-1)
void register_refund_routes(http::Router& router, Services& svc);      // refunds and their preview
void register_dispute_routes(http::Router& router, Services& svc);     // --test-mode: simulated disputes
void register_messaging_routes(http::Router& router, Services& svc);   // threads, saved replies, broadcasts, unsubscribe
void register_attachment_routes(http::Router& router, Services& svc);  // message attachments: upload, download

}  // namespace sd::api
