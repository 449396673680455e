// The simulator's data: the stores of both APIs, the generator that fills
// them, and the JSON data-file format (also the output of GET /_sim/state):
//
//   {"fluent": {"positions": [{"ref", "productRef", "catalogueRef", "quantity", "status",
//                              "type", "groupRef", "createdOn", "updatedOn"}],
//               "settings":  [{"id", "name", "context", "contextId", "valueType",
//                              "lobValue", "value"}]},
//    "ct":     {"channels":  [{"id", "key", "version", "roles", "createdAt", "lastModifiedAt"}],
//               "entries":   [{"id", "key", "version", "sku", "supplyChannel", "quantityOnStock",
//                              "availableQuantity", "restockableInDays", "expectedDelivery",
//                              "createdAt", "lastModifiedAt"}]}}
//
// Loading replaces only the sections present. Omitted fields get defaults
// (see docs/SIMULATOR.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "sim/ct_store.h"
#include "sim/fluent_store.h"
#include "sim/util.h"

namespace fct::sim {

// Everything the simulator serves. Each store locks itself.
struct SimState {
  explicit SimState(uint64_t id_seed) : ct(id_seed) {}
  PositionStore positions;
  SettingStore settings;
  CtStore ct;
};

struct GeneratorOptions {
  size_t positions = 0;
  uint64_t seed = 1;
  std::string catalogue_ref = "ATS:1";
  std::string channel_key = "ct-fluent-channel";
  int64_t retailer_id = 1;
  Millis now = 0;
};

inline constexpr const char* kSyncSettingName = "fc.connect.commercetools.batch.batch-inventory-sync";

// Fills `state` from the options: positions SKU-000001… (quantity 0..500
// from the seed, every 50th INACTIVE, updatedOn spread over the 30 days
// before `now`), the ct channels `channel_key` and "other-channel", and the
// job's setting (RETAILER context, no previousEndDate). Replaces what was there.
Status generate(const GeneratorOptions& options, SimState& state);

// Parsed data file; a section is set when the file had it.
struct SimData {
  std::optional<std::vector<PositionRecord>> positions;
  std::optional<std::vector<SettingRecord>> settings;
  std::optional<std::vector<ChannelRecord>> channels;
  std::optional<std::vector<InventoryEntryRecord>> entries;
};

// Parses a data file. `default_catalogue` is used for positions without one,
// `now` for missing time stamps. kInvalidArgument names the offending path.
Result<SimData> parse_data(const nlohmann::json& json, const std::string& default_catalogue, Millis now);
// Replaces the sections present in `data` (channels before entries).
Status apply_data(SimData data, SimState& state);
// Loads a data file from disk.
Status load_data_file(const std::string& path, const std::string& default_catalogue, Millis now, SimState& state);

// The full state in the data-file format, serialized as it is built (a
// million positions never exist as one JSON tree).
std::string dump_state_text(const SimState& state);
// The same, parsed (convenient for small states and tests).
nlohmann::json dump_state(const SimState& state);

nlohmann::json position_to_json(const PositionRecord& p);
nlohmann::json setting_to_json(const SettingRecord& s);
nlohmann::json channel_to_json(const ChannelRecord& c);
nlohmann::json entry_to_json(const InventoryEntryRecord& e);

}  // namespace fct::sim
