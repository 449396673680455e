// Example partner plugin: replaces the built-in InventoryUpsertHandler with one
// that holds back a safety stock, so the storefront never sells the last units.
//
// Build: part of the CMake build (target safety_stock_plugin → build/libsafety_stock_plugin.so).
// Use, in connector.yml:
//   plugins:
//     - /path/to/libsafety_stock_plugin.so
//   routes:
//     - name: commercetools.connect.inventory.upsert
//       handler: InventoryUpsertHandler
//       props:
//         safety-stock: 2
//
// Registering under the built-in name with a higher priority (100 > 0)
// replaces the default without changing any route.
#include <algorithm>

#include "handlers/inventory_common.h"
#include "runtime/handler.h"

namespace partner {

class SafetyStockUpsertHandler : public fct::MessageHandler {
 public:
  fct::JobSummary handle(const fct::JobRequest& request, const fct::Route& route, fct::Services& svc) override {
    return fct::metered_run(request, svc, [&](fct::JobSummary& summary) {
      auto safety = route.props.get_int("safety-stock", 0, 0, 1'000'000);
      if (!safety.ok()) return fct::mark_failed(summary, safety.error());
      int64_t hold_back = *safety;
      fct::upsert_event_stock(request, route, svc, summary,
                              [hold_back](const fct::VirtualPosition&, int64_t quantity, const fct::Route&) {
                                return std::max<int64_t>(0, quantity - hold_back);
                              });
      if (summary.ok() && summary.reason.empty()) {
        summary.reason = "safety stock " + std::to_string(hold_back) + " held back";
      }
    });
  }
};

FCT_REGISTER_HANDLER(SafetyStockUpsertHandler, "InventoryUpsertHandler", 100,
                     "Example plugin: upsert with a safety stock held back");

}  // namespace partner
