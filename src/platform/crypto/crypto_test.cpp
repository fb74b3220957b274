#include "platform/crypto/crypto.hpp"

#include <gtest/gtest.h>

namespace sd::crypto {

TEST(Crypto, PasswordHashVerifiesOnlyTheSamePassword) {
  auto h = hash_password("correct horse battery");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *h;
  EXPECT_TRUE(verify_password(*h, "correct horse battery"));
  EXPECT_FALSE(verify_password(*h, "correct horse batterz"));
  EXPECT_FALSE(verify_password("not-a-hash", "x"));
}

TEST(Crypto, Sha256AndHmacMatchKnownVectors) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, SealOpensOnlyWithTheSameSecretAndUntampered) {
  const auto blob = seal("key-1", "hello world");
  EXPECT_EQ(open("key-1", blob).value_or(""), "hello world");
  EXPECT_FALSE(open("key-2", blob));
  auto tampered = blob;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(open("key-1", tampered));
  EXPECT_FALSE(open("key-1", "short"));
}

TEST(Crypto, EqualConstantTime) {
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "abcd"));
}

}  // namespace sd::crypto
