// The domain's nouns: what Fluent sends, what commercetools stores, and the
// rules that map one onto the other (DOMAIN.md, "Our decisions").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/time.h"

namespace fct {

// One Fluent virtual position (aggregate stock of one product in one catalogue).
struct VirtualPosition {
  std::string ref;
  std::string product_ref;  // = commercetools sku
  int64_t quantity = 0;
  std::string status;       // ACTIVE publishes `quantity`; anything else publishes the inactive quantity
  Timestamp updated_on{};
};

// One commercetools inventory entry in the target channel.
struct InventoryEntry {
  std::string id;
  int64_t version = 0;
  std::string sku;
  int64_t quantity_on_stock = 0;
};

constexpr size_t kMaxSkuLength = 256;

// Parses a virtualPositions node. Errors name the position (ref or index)
// and the field: null/empty/over-long productRef; null, negative, fractional
// or out-of-range quantity; a bad updatedOn.
Result<VirtualPosition> parse_virtual_position(const nlohmann::json& node);

// The quantity commercetools should hold for this position.
int64_t desired_quantity(const VirtualPosition& position, int64_t inactive_quantity);

// Keeps, for each productRef, the position with the newest updatedOn (on a
// tie, the later one in input order). Order of first appearance is kept.
std::vector<VirtualPosition> newest_per_product(std::vector<VirtualPosition> positions);

// Parses one inventoryEntries result.
Result<InventoryEntry> parse_inventory_entry(const nlohmann::json& node);

// An inventory entry as a reply holds it: the strings point into the reply.
struct InventoryEntryRef {
  std::string_view id;
  int64_t version = 0;
  std::string_view sku;
  int64_t quantity_on_stock = 0;
};

enum class WriteKind { kCreate, kUpdate, kUnchanged };

// Fluent wins: create when missing, changeQuantity when different, else nothing.
WriteKind decide_write(int64_t desired, const InventoryEntryRef* existing);

struct PlannedWrite {
  WriteKind kind = WriteKind::kUnchanged;
  std::string sku;
  int64_t quantity = 0;
  std::string entry_id;  // kUpdate
  int64_t version = 0;   // kUpdate
};

// Fluent wins: create when missing, changeQuantity when different, else nothing.
PlannedWrite plan_write(const std::string& sku, int64_t desired, const InventoryEntry* existing);

}  // namespace fct
