#include <algorithm>

#include "core/ids.hpp"
#include "modules/licenses/licenses.hpp"

namespace sd::licenses {

std::string new_license_key() {
  const auto s = random_base32(20);
  return s.substr(0, 5) + "-" + s.substr(5, 5) + "-" + s.substr(10, 5) + "-" + s.substr(15, 5);
}

std::string normalize_key(std::string_view key) {
  size_t b = 0, e = key.size();
  while (b < e && (key[b] == ' ' || key[b] == '\t')) ++b;
  while (e > b && (key[e - 1] == ' ' || key[e - 1] == '\t')) --e;
  std::string out(key.substr(b, e - b));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  });
  return out;
}

}  // namespace sd::licenses
