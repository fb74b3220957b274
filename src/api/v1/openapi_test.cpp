// The OpenAPI document is hand-maintained (openapi.json + openapi/*.json); this test fails when a routed path or method is
// missing from it, or when an operation documents no answer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/v1/api.hpp"
#include "api/v1/openapi.hpp"

namespace sd::api {
namespace {

std::string lower(const char* s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(OpenApi, EveryRouteIsDocumented) {
  const auto& doc = openapi_document();
  ASSERT_TRUE(doc.contains("paths"));

  TestClock clock;  // with --test-mode routes too
  std::atomic<int> faults{0};
  Services svc;
  svc.test_clock = &clock;
  svc.checkout_faults = &faults;
  http::Router router;
  register_routes(router, svc);
  ASSERT_GT(router.routes().size(), 10u);
  for (const auto& route : router.routes()) {
    const auto method = lower(http::method_name(route.method));
    ASSERT_TRUE(doc["paths"].contains(route.pattern)) << route.pattern << " is not in openapi.json";
    const auto& item = doc["paths"][route.pattern];
    ASSERT_TRUE(item.contains(method)) << method << " " << route.pattern << " is not documented";
    EXPECT_FALSE(item[method].value("summary", "").empty()) << route.pattern;
    EXPECT_FALSE(item[method]["responses"].empty()) << route.pattern;
  }
}

TEST(OpenApi, DocumentsNoRouteThatDoesNotExist) {
  const auto& doc = openapi_document();
  TestClock clock;
  std::atomic<int> faults{0};
  Services svc;
  svc.test_clock = &clock;
  svc.checkout_faults = &faults;
  http::Router router;
  register_routes(router, svc);
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      bool found = false;
      for (const auto& r : router.routes())
        found = found || (r.pattern == path && lower(http::method_name(r.method)) == method);
      EXPECT_TRUE(found) << method << " " << path << " is documented but not routed";
    }
  }
}

}  // namespace
}  // namespace sd::api
