// SQL of the sales read model for refunds, and nothing else.
#include "modules/sales/sales.hpp"

namespace sd::sales {

Result<void> apply_refund(db::Tx& tx, int64_t line_id, int64_t refunded_minor,
                          const std::string& status) {
  SD_TRY(tx.exec("UPDATE sales SET refunded_minor = $2, status = $3 WHERE line_id = $1",
                 {line_id, refunded_minor, status}));
  return {};
}

}  // namespace sd::sales
