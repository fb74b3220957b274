// Cryptography through libsodium: password hashing, digests, MACs, sealed blobs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sd::crypto {

// Call once at start-up (sodium_init); false if the library cannot initialise.
bool init();

// argon2id with at least OWASP's minimum (t=2, m=19 MiB, p=1), in libsodium's encoded form.
Result<std::string> hash_password(std::string_view password);
// True if `password` matches the encoded hash (constant time in the password).
bool verify_password(std::string_view encoded_hash, std::string_view password);
// Spends the same time as a verify against a real hash: unknown accounts answer as slowly.
void verify_password_dummy(std::string_view password);

// Lower-case hex SHA-256 of `data` (lookup keys for secrets stored hashed).
std::string sha256_hex(std::string_view data);
// HMAC-SHA-256 of `data` under `key`, lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Constant-time comparison of equal-length strings (false if lengths differ).
bool equal_constant_time(std::string_view a, std::string_view b);

// Authenticated encryption under a key derived from `secret` (XChaCha20-Poly1305 secretbox):
// base64url(nonce || ciphertext). open() returns nothing if the blob was tampered with.
std::string seal(std::string_view secret, std::string_view plaintext);
std::optional<std::string> open(std::string_view secret, std::string_view sealed);

}  // namespace sd::crypto
