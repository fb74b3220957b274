#include <charconv>
#include <sodium.h>

#include "modules/entitlements/entitlements.hpp"
#include "platform/crypto/crypto.hpp"

namespace sd::entitlements {
namespace {

std::string b64(std::string_view s) {
  std::string out(sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::optional<std::string> unb64(std::string_view s) {
  std::string out(s.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(),
                        s.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

tl::unexpected<Error> invalid() {
  return fail(ErrorKind::forbidden, "download_link_invalid", "this download link is not valid");
}

}  // namespace

std::string sign_link(const LinkClaims& c, std::string_view key) {
  const auto payload = b64(c.entitlement_public_id + "|" + c.file_public_id + "|" +
                           std::to_string(c.expires_at));
  return payload + "." + crypto::hmac_sha256_hex(key, payload);
}

Result<LinkClaims> verify_link(std::string_view token, std::string_view key, Micros now) {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return invalid();
  const auto payload = token.substr(0, dot);
  if (!crypto::equal_constant_time(token.substr(dot + 1), crypto::hmac_sha256_hex(key, payload)))
    return invalid();
  const auto raw = unb64(payload);
  if (!raw) return invalid();
  const auto a = raw->find('|');
  const auto b = raw->find('|', a == std::string::npos ? a : a + 1);
  if (a == std::string::npos || b == std::string::npos) return invalid();
  LinkClaims c{raw->substr(0, a), raw->substr(a + 1, b - a - 1), 0};
  const auto exp = std::string_view(*raw).substr(b + 1);
  const auto [end, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), c.expires_at);
  if (ec != std::errc{} || end != exp.data() + exp.size()) return invalid();
  if (now >= c.expires_at) {
    return fail(ErrorKind::forbidden, "download_link_expired",
                "this download link has expired; get a new one from your library");
  }
  return c;
}

}  // namespace sd::entitlements
