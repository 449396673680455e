// Which products a Fluent event is about, for the near-real-time path.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fct {

struct StockEventRefs {
  std::vector<std::string> product_refs;   // PRODUCT entities and productRef attributes
  std::vector<std::string> position_refs;  // VIRTUAL_POSITION entities
  std::string skip_reason;                 // set when the event is not about stock
  bool about_stock() const { return !product_refs.empty() || !position_refs.empty(); }
};

// An event names stock when its entityType is VIRTUAL_POSITION or a product
// type (entityRef is the ref), or when its attributes carry productRef(s)
// (as an object, or as Fluent's [{name, value}] list). The event's own
// quantities are never used: the handler re-reads Fluent.
StockEventRefs stock_event_refs(const nlohmann::json& event);

}  // namespace fct
