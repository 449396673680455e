#include "sync/stock_event.h"

#include <algorithm>

namespace fct {
namespace {

void add_refs(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_string() && !value.get<std::string>().empty()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array()) {
    for (const auto& v : value) add_refs(v, out);
  }
}

bool is_product_type(const std::string& type) {
  return type == "PRODUCT" || type == "STANDARD_PRODUCT" || type == "VARIANT_PRODUCT" || type == "GROUP_PRODUCT";
}

}  // namespace

StockEventRefs stock_event_refs(const nlohmann::json& event) {
  StockEventRefs refs;
  if (!event.is_object()) {
    refs.skip_reason = "event is not a JSON object";
    return refs;
  }
  std::string type = event.value("entityType", "");
  if (event.contains("entityRef")) {
    if (type == "VIRTUAL_POSITION") add_refs(event["entityRef"], refs.position_refs);
    if (is_product_type(type)) add_refs(event["entityRef"], refs.product_refs);
  }
  if (event.contains("attributes")) {
    const auto& attrs = event["attributes"];
    if (attrs.is_object()) {
      for (const char* key : {"productRef", "productRefs"}) {
        if (attrs.contains(key)) add_refs(attrs[key], refs.product_refs);
      }
    } else if (attrs.is_array()) {
      for (const auto& a : attrs) {
        if (a.is_object() && (a.value("name", "") == "productRef" || a.value("name", "") == "productRefs") &&
            a.contains("value")) {
          add_refs(a["value"], refs.product_refs);
        }
      }
    }
  }
  for (auto* v : {&refs.product_refs, &refs.position_refs}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  if (!refs.about_stock()) {
    refs.skip_reason = "event " + event.value("name", std::string("(unnamed)")) + " (entityType " +
                       (type.empty() ? std::string("none") : type) +
                       ") names no virtual position, product or productRef attribute";
  }
  return refs;
}

}  // namespace fct
