// Public identifiers: prefixed, URL-safe, hard to guess (time-ordered with a random tail).
// Internal integer keys never leave the server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sd {

// "<prefix>_" + 20 Crockford base32 characters, e.g. "usr_01KAT…": 9 of the milliseconds since
// the epoch, then 11 random (55 bits). Ids made close in time sort together, so their index
// inserts share pages (a random key dirtied another page of each index per insert).
std::string new_public_id(std::string_view prefix);

// Crockford base32 of the low 5×`symbols` bits of `value`, most significant first: such strings
// sort as the values do.
std::string base32_of(uint64_t value, size_t symbols);

// `bytes` random bytes rendered as unpadded base64url: session ids, API token secrets.
std::string random_token(size_t bytes);

// True if `id` has the shape new_public_id(prefix) produces (cheap pre-check before a lookup).
bool looks_like_public_id(std::string_view id, std::string_view prefix);

// Crockford base32 of n random 5-bit symbols (no I, L, O, U), upper case.
std::string random_base32(size_t symbols);

// A list cursor's text for clients: lower-case hex of `plain` (opaque, URL-safe).
std::string encode_cursor_text(std::string_view plain);
// The plain text back; nullopt when not lower-case hex of at most `max_plain_bytes` bytes.
std::optional<std::string> decode_cursor_text(std::string_view text, size_t max_plain_bytes);

}  // namespace sd
