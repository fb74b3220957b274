#include "platform/crypto/crypto.hpp"

#include <sodium.h>

#include <array>
#include <vector>

namespace sd::crypto {
namespace {

// OWASP's argon2id minimum: m=19 MiB, t=2, p=1 (libsodium always uses p=1).
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19 * 1024 * 1024;

std::string to_hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string b64(const unsigned char* data, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::array<unsigned char, crypto_secretbox_KEYBYTES> derive_key(std::string_view secret) {
  std::array<unsigned char, crypto_secretbox_KEYBYTES> key{};
  static constexpr char kContext[] = "shopdesk-seal-v1";
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), reinterpret_cast<const unsigned char*>(kContext),
                     sizeof kContext - 1);
  return key;
}

}  // namespace

bool init() { return sodium_init() >= 0; }

Result<std::string> hash_password(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(ErrorKind::unavailable, "out_of_memory", "could not hash the password now");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  const std::string h(encoded_hash);  // libsodium wants NUL termination
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

void verify_password_dummy(std::string_view password) {
  static const std::string dummy = [] {
    auto h = hash_password("shopdesk-dummy-password");
    return h ? *h : std::string();
  }();
  (void)verify_password(dummy, password);
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(out.data(), out.size());
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
  crypto_auth_hmacsha256_final(&st, out.data());
  return to_hex(out.data(), out.size());
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string seal(std::string_view secret, std::string_view plaintext) {
  const auto key = derive_key(secret);
  std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plaintext.size());
  randombytes_buf(buf.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        buf.data(), key.data());
  return b64(buf.data(), buf.size());
}

std::optional<std::string> open(std::string_view secret, std::string_view sealed) {
  std::vector<unsigned char> buf(sealed.size());
  size_t len = 0;
  if (sodium_base642bin(buf.data(), buf.size(), sealed.data(), sealed.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  const auto key = derive_key(secret);
  std::string out(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 buf.data() + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, buf.data(), key.data()) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace sd::crypto
