#include <gtest/gtest.h>

#include "modules/idempotency/idempotency.hpp"

namespace sd::idempotency {
namespace {

TEST(IdempotencyRules, FingerprintDependsOnEveryPart) {
  const auto base = request_fingerprint("POST", "/api/v1/x", "{\"a\":1}");
  EXPECT_EQ(base, request_fingerprint("POST", "/api/v1/x", "{\"a\":1}"));
  EXPECT_NE(base, request_fingerprint("PATCH", "/api/v1/x", "{\"a\":1}"));
  EXPECT_NE(base, request_fingerprint("POST", "/api/v1/y", "{\"a\":1}"));
  EXPECT_NE(base, request_fingerprint("POST", "/api/v1/x", "{\"a\":2}"));
  // The separator keeps path and body apart.
  EXPECT_NE(request_fingerprint("POST", "/a", "b\nc"), request_fingerprint("POST", "/a\nb", "c"));
}

TEST(IdempotencyRules, ResponseRoundTrips) {
  StoredResponse r{201, {{"content-type", "application/json"}, {"set-cookie", "a=b"}},
                   "{\"ok\":true}"};
  auto back = decode_response(encode_response(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 201);
  EXPECT_EQ(back->headers, r.headers);
  EXPECT_EQ(back->body, r.body);
  EXPECT_FALSE(decode_response("not json"));
  EXPECT_FALSE(decode_response("{\"status\":\"x\"}"));
}

TEST(IdempotencyRules, ReplayableStatuses) {
  EXPECT_TRUE(is_replayable_status(200));
  EXPECT_TRUE(is_replayable_status(201));
  EXPECT_TRUE(is_replayable_status(400));
  EXPECT_TRUE(is_replayable_status(402));
  EXPECT_FALSE(is_replayable_status(409));
  EXPECT_FALSE(is_replayable_status(429));
  EXPECT_FALSE(is_replayable_status(500));
  EXPECT_FALSE(is_replayable_status(503));
}

}  // namespace
}  // namespace sd::idempotency
