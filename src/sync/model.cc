#include "sync/model.h"

#include "sync/view_index.h"

#include <cmath>
#include <limits>
#include <unordered_map>

namespace fct {
namespace {

Error bad_position(const nlohmann::json& node, const std::string& what) {
  std::string who = "virtual position";
  if (node.is_object() && node.contains("ref") && node["ref"].is_string()) {
    who += " " + node["ref"].get<std::string>();
  }
  if (node.is_object() && node.contains("productRef") && node["productRef"].is_string()) {
    who += " (productRef " + node["productRef"].get<std::string>().substr(0, 80) + ")";
  }
  return make_error(ErrorCode::kInvalidArgument, who + ": " + what);
}

}  // namespace

Result<VirtualPosition> parse_virtual_position(const nlohmann::json& node) {
  if (!node.is_object()) return bad_position(node, "node is not an object");
  VirtualPosition p;
  if (node.contains("ref") && node["ref"].is_string()) p.ref = node["ref"].get<std::string>();
  const auto pr = node.find("productRef");
  if (pr == node.end() || pr->is_null()) return bad_position(node, "productRef is null");
  if (!pr->is_string()) return bad_position(node, "productRef is not a string");
  p.product_ref = pr->get<std::string>();
  if (p.product_ref.empty()) return bad_position(node, "productRef is empty");
  if (p.product_ref.size() > kMaxSkuLength) {
    return bad_position(node, "productRef is " + std::to_string(p.product_ref.size()) + " characters long (at most " +
                                  std::to_string(kMaxSkuLength) + ")");
  }
  const auto q = node.find("quantity");
  if (q == node.end() || q->is_null()) return bad_position(node, "quantity is null");
  if (q->is_number_integer()) {
    if (q->is_number_unsigned() && q->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return bad_position(node, "quantity " + q->dump() + " is beyond int64");
    }
    p.quantity = q->get<int64_t>();
  } else if (q->is_number_float()) {
    double d = q->get<double>();
    if (std::trunc(d) != d) return bad_position(node, "quantity " + q->dump() + " is fractional");
    if (std::fabs(d) >= 9.2e18) return bad_position(node, "quantity " + q->dump() + " is beyond int64");
    p.quantity = static_cast<int64_t>(d);
  } else {
    return bad_position(node, "quantity " + q->dump().substr(0, 40) + " is not a number");
  }
  if (p.quantity < 0) return bad_position(node, "quantity " + std::to_string(p.quantity) + " is negative");
  if (node.contains("status") && node["status"].is_string()) p.status = node["status"].get<std::string>();
  if (node.contains("updatedOn") && !node["updatedOn"].is_null()) {
    if (!node["updatedOn"].is_string()) return bad_position(node, "updatedOn is not a string");
    auto t = parse_timestamp(node["updatedOn"].get<std::string>());
    if (!t.ok()) return bad_position(node, "updatedOn: " + t.error().message);
    p.updated_on = *t;
  }
  return p;
}

int64_t desired_quantity(const VirtualPosition& position, int64_t inactive_quantity) {
  return position.status == "ACTIVE" ? position.quantity : inactive_quantity;
}

std::vector<VirtualPosition> newest_per_product(std::vector<VirtualPosition> positions) {
  // productRef (a view into `positions`) -> index of its newest position.
  ViewIndex newest(positions.size());
  bool repeats = false;
  for (size_t i = 0; i < positions.size(); ++i) {
    auto [at, inserted] = newest.try_emplace(positions[i].product_ref, static_cast<uint32_t>(i));
    if (!inserted) {
      repeats = true;
      if (positions[i].updated_on >= positions[*at].updated_on) *at = static_cast<uint32_t>(i);
    }
  }
  if (!repeats) return positions;  // the usual page: nothing to drop
  // Each product at its first appearance, holding its newest position.
  constexpr uint32_t kPlaced = UINT32_MAX;
  std::vector<uint32_t> keep;
  keep.reserve(newest.size());
  for (const auto& p : positions) {
    uint32_t* at = newest.find(p.product_ref);
    if (*at == kPlaced) continue;
    keep.push_back(*at);
    *at = kPlaced;
  }
  std::vector<VirtualPosition> out;
  out.reserve(keep.size());
  for (uint32_t k : keep) out.push_back(std::move(positions[k]));  // the index is not used past here
  return out;
}

Result<InventoryEntry> parse_inventory_entry(const nlohmann::json& node) {
  try {
    InventoryEntry e;
    e.id = node.at("id").get<std::string>();
    e.version = node.at("version").get<int64_t>();
    e.sku = node.at("sku").get<std::string>();
    e.quantity_on_stock = node.at("quantityOnStock").get<int64_t>();
    return e;
  } catch (const nlohmann::json::exception& ex) {
    return make_error(ErrorCode::kProtocol, std::string("commercetools inventory entry of unexpected shape: ") +
                                                ex.what() + " in " + node.dump().substr(0, 200));
  }
}

WriteKind decide_write(int64_t desired, const InventoryEntryRef* existing) {
  if (!existing) return WriteKind::kCreate;
  return existing->quantity_on_stock != desired ? WriteKind::kUpdate : WriteKind::kUnchanged;
}

PlannedWrite plan_write(const std::string& sku, int64_t desired, const InventoryEntry* existing) {
  PlannedWrite w;
  w.sku = sku;
  w.quantity = desired;
  std::optional<InventoryEntryRef> ref;
  if (existing) ref = InventoryEntryRef{existing->id, existing->version, existing->sku, existing->quantity_on_stock};
  w.kind = decide_write(desired, ref ? &*ref : nullptr);
  if (existing) {
    w.entry_id = existing->id;
    w.version = existing->version;
  }
  return w;
}

}  // namespace fct
