#include <algorithm>
#include <deque>
#include <set>

#include "core/validation.hpp"
#include "modules/blocks/blocks.hpp"

namespace sd::blocks {

std::string normalise_email(std::string_view email) {
  std::string e = canonical_email(email);
  const auto at = e.rfind('@');
  if (at == std::string::npos) return e;
  std::string local = e.substr(0, at);
  std::string domain = e.substr(at + 1);
  if (const auto plus = local.find('+'); plus != std::string::npos && plus > 0) local.resize(plus);
  if (domain == "googlemail.com") domain = "gmail.com";
  if (domain == "gmail.com") std::erase(local, '.');
  return local + "@" + domain;
}

std::string mask_email(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return "•••";
  // The first character whole, even when it is the first byte of a longer UTF-8 sequence.
  size_t first = 1;
  while (first < at && (static_cast<unsigned char>(email[first]) & 0xC0) == 0x80) ++first;
  return std::string(email.substr(0, first)) + "•••" + std::string(email.substr(at));
}

Result<Coverage> walk_coverage(int64_t start_user_id, const Links& links, int depth_max,
                               size_t accounts_max) {
  Coverage c;
  std::set<int64_t> seen{start_user_id};
  std::set<std::string> fingerprints_seen;
  std::deque<Coverage::Account> queue{{start_user_id, 0}};
  while (!queue.empty()) {
    const auto account = queue.front();
    queue.pop_front();
    c.accounts.push_back(account);
    for (auto& fp : SD_TRY(links.fingerprints_of(account.user_id))) {
      if (fp.empty() || !fingerprints_seen.insert(fp).second) continue;
      c.fingerprints.push_back(fp);
      for (int64_t other : SD_TRY(links.accounts_with(fp))) {
        if (seen.contains(other)) continue;
        if (account.depth >= depth_max || seen.size() >= accounts_max) {
          c.truncated = true;
          continue;
        }
        seen.insert(other);
        queue.push_back({other, account.depth + 1});
      }
    }
  }
  return c;
}

}  // namespace sd::blocks
