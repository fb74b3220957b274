// Public identifiers: random, prefixed, URL-safe. Internal integer keys never leave the server.
#pragma once

#include <string>
#include <string_view>

namespace sd {

// "<prefix>_" + 20 Crockford base32 characters (100 random bits), e.g. "usr_8K3M9…".
std::string new_public_id(std::string_view prefix);

// `bytes` random bytes rendered as unpadded base64url: session ids, API token secrets.
std::string random_token(size_t bytes);

// True if `id` has the shape new_public_id(prefix) produces (cheap pre-check before a lookup).
bool looks_like_public_id(std::string_view id, std::string_view prefix);

// Crockford base32 of n random 5-bit symbols (no I, L, O, U), upper case.
std::string random_base32(size_t symbols);

}  // namespace sd
