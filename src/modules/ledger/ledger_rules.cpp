#include <algorithm>
#include <numeric>

#include "core/money.hpp"
#include "modules/ledger/ledger.hpp"

namespace sd::ledger {

const char* account_name(Account a) {
  switch (a) {
    case Account::buyer_payments: return "buyer_payments";
    case Account::creator: return "creator";
    case Account::platform_fees: return "platform_fees";
    case Account::tax_payable: return "tax_payable";
    case Account::refunds: return "refunds";
    case Account::payouts: return "payouts";
  }
  return "buyer_payments";
}

int64_t platform_fee(int64_t subtotal_minor, int64_t fee_percent_bp, int64_t fee_fixed_minor) {
  if (subtotal_minor <= 0) return 0;
  // Basis points to parts per million: 1 bp = 100 ppm.
  const int64_t fee = apply_rate_half_up(subtotal_minor, fee_percent_bp * 100) + fee_fixed_minor;
  return std::min(fee, subtotal_minor);
}

std::vector<int64_t> allocate(int64_t total, const std::vector<int64_t>& weights) {
  std::vector<int64_t> out(weights.size(), 0);
  const int64_t sum = std::accumulate(weights.begin(), weights.end(), int64_t{0});
  if (weights.empty()) return out;
  if (sum <= 0) {
    out[0] = total;
    return out;
  }
  __extension__ using Int128 = __int128;
  std::vector<std::pair<int64_t, size_t>> remainders;  // (remainder, index)
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const Int128 scaled = static_cast<Int128>(total) * weights[i];
    out[i] = static_cast<int64_t>(scaled / sum);
    remainders.emplace_back(static_cast<int64_t>(scaled % sum), i);
    given += out[i];
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < total; ++k, ++given) out[remainders[k % remainders.size()].second] += 1;
  return out;
}

Entry sale_entry(int64_t store_id, int64_t order_id, const std::string& currency,
                 int64_t subtotal_minor, int64_t tax_minor, int64_t fee_minor, Micros now,
                 Micros available_at, std::string memo) {
  Entry e{store_id, "sale", order_id, std::move(memo), currency, now, {}};
  const int64_t total = subtotal_minor + tax_minor;
  const int64_t net = subtotal_minor - fee_minor;
  if (total != 0) e.postings.push_back({Account::buyer_payments, total, now});
  if (tax_minor != 0) e.postings.push_back({Account::tax_payable, -tax_minor, now});
  if (fee_minor != 0) e.postings.push_back({Account::platform_fees, -fee_minor, now});
  if (net != 0) e.postings.push_back({Account::creator, -net, available_at});
  return e;
}

Entry refund_entry(int64_t store_id, int64_t order_id, const std::string& currency,
                   int64_t amount_minor, int64_t tax_minor, int64_t fee_minor, Micros now,
                   std::string memo) {
  Entry e{store_id, "refund", order_id, std::move(memo), currency, now, {}};
  const int64_t share = amount_minor - tax_minor - fee_minor;
  if (amount_minor != 0) e.postings.push_back({Account::refunds, -amount_minor, now});
  if (tax_minor != 0) e.postings.push_back({Account::tax_payable, tax_minor, now});
  if (fee_minor != 0) e.postings.push_back({Account::platform_fees, fee_minor, now});
  if (share != 0) e.postings.push_back({Account::creator, share, now});
  return e;
}

Entry dispute_entry(int64_t store_id, int64_t order_id, const std::string& currency,
                    int64_t amount_minor, Micros now, std::string memo) {
  Entry e{store_id, "dispute", order_id, std::move(memo), currency, now, {}};
  if (amount_minor != 0) {
    e.postings.push_back({Account::refunds, -amount_minor, now});
    e.postings.push_back({Account::creator, amount_minor, now});
  }
  return e;
}

Entry dispute_won_entry(int64_t store_id, int64_t order_id, const std::string& currency,
                        int64_t amount_minor, Micros now, std::string memo) {
  Entry e{store_id, "dispute_won", order_id, std::move(memo), currency, now, {}};
  if (amount_minor != 0) {
    e.postings.push_back({Account::refunds, amount_minor, now});
    e.postings.push_back({Account::creator, -amount_minor, now});
  }
  return e;
}

std::optional<Micros> covered_at(int64_t available_now, std::vector<Pending> pending,
                                 int64_t needed) {
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Pending& a, const Pending& b) { return a.available_at < b.available_at; });
  int64_t have = available_now;
  for (size_t i = 0; i < pending.size(); ++i) {
    have += pending[i].amount_minor;
    // Funds released at the same instant count together.
    if (i + 1 < pending.size() && pending[i + 1].available_at == pending[i].available_at) continue;
    if (have >= needed) return pending[i].available_at;
  }
  return std::nullopt;
}

Result<void> check_balanced(const Entry& e) {
  int64_t sum = 0;
  for (const auto& p : e.postings) {
    if (p.amount_minor == 0) {
      return fail(ErrorKind::internal, "entry_unbalanced", "a posting of zero was built");
    }
    if (__builtin_add_overflow(sum, p.amount_minor, &sum)) {
      return fail(ErrorKind::internal, "entry_unbalanced", "postings overflow");
    }
  }
  if (sum != 0) {
    return fail(ErrorKind::internal, "entry_unbalanced",
                "journal entry '" + e.kind + "' does not balance by " + std::to_string(sum));
  }
  return {};
}

}  // namespace sd::ledger
