// In-memory Fluent data for the simulator: virtual positions (per virtual
// catalogue) and settings.
//
// Positions keep a stable sequence id, assigned on first insert and never
// reused; results are always ordered by it, so paging with a cursor stays
// consistent while positions change. Each catalogue holds its positions in a
// vector ordered by sequence id plus hash indexes by ref and productRef, so a
// page costs O(page + positions skipped by the filter) and a productRef
// lookup costs O(number of refs).
//
// Thread safety: every method is safe to call concurrently; readers share a
// lock, writers take it exclusively.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "sim/util.h"

namespace fct::sim {

struct PositionRecord {
  uint64_t seq = 0;  // 0 on input: assigned by the store
  std::string ref;
  std::string catalogue_ref;
  std::string product_ref;
  std::string type = "AGGREGATE";
  std::string status = "ACTIVE";
  std::optional<std::string> group_ref;
  int64_t quantity = 0;
  Millis created_on = 0;
  Millis updated_on = 0;
};

// All set fields must match (lists: any of the values).
struct PositionFilter {
  std::string catalogue_ref;  // required
  std::vector<std::string> refs;
  std::vector<std::string> product_refs;
  std::vector<std::string> statuses;
  std::vector<std::string> types;
  std::vector<std::string> group_refs;
  std::vector<int64_t> quantities;
  std::optional<Millis> updated_from, updated_to;  // inclusive
  std::optional<Millis> created_from, created_to;  // inclusive
};

// Relay-style paging. Forward: `first` items after `after`. Backward: `last`
// items before `before` (returned in ascending order).
struct PageRequest {
  std::optional<uint64_t> after;
  std::optional<uint64_t> before;
  size_t count = 100;
  bool backward = false;
};

struct PositionPage {
  std::vector<PositionRecord> items;
  bool has_next_page = false;
  bool has_previous_page = false;
};

struct TouchedPosition {
  std::string ref;
  std::string catalogue_ref;
  std::string product_ref;
  int64_t quantity = 0;
};

class PositionStore {
 public:
  PositionStore() = default;
  PositionStore(const PositionStore&) = delete;
  PositionStore& operator=(const PositionStore&) = delete;

  void clear();
  // Inserts, or replaces the position with the same (catalogue_ref, ref),
  // keeping its sequence id. kInvalidArgument when ref or catalogue_ref is empty.
  Status put(PositionRecord position);
  // Replaces everything with `positions` (in order). Fails without changes on
  // an invalid record or a duplicate (catalogue_ref, ref).
  Status replace_all(std::vector<PositionRecord> positions);

  PositionPage find(const PositionFilter& filter, const PageRequest& page) const;
  std::optional<PositionRecord> get(const std::string& catalogue_ref, const std::string& ref) const;
  std::vector<PositionRecord> all() const;  // in sequence order
  // Visits every position (catalogue by catalogue, in sequence order) under
  // the read lock, without copying the whole store.
  void for_each(const std::function<void(const PositionRecord&)>& visit) const;
  size_t size() const;

  // Changes the quantity of `count` distinct positions chosen deterministically
  // from `seed` (all catalogues, or only `catalogue_ref`), to `quantity` if
  // given or else to a different pseudo-random value in 0..500, and sets their
  // updatedOn to `now`.
  std::vector<TouchedPosition> touch_random(size_t count, uint64_t seed, const std::optional<std::string>& catalogue_ref,
                                            const std::optional<int64_t>& quantity, Millis now);
  // Sets the quantity (and optionally the status) of every position whose
  // productRef is listed, and their updatedOn to `now`. Unknown refs are skipped.
  std::vector<TouchedPosition> touch_products(const std::vector<std::string>& product_refs,
                                              const std::optional<std::string>& catalogue_ref,
                                              const std::optional<int64_t>& quantity,
                                              const std::optional<std::string>& status, Millis now);

 private:
  struct Position {
    uint64_t seq;
    std::string ref;
    std::string product_ref;
    const std::string* type;      // interned
    const std::string* status;    // interned
    const std::string* group_ref; // interned; nullptr = none
    int64_t quantity;
    Millis created_on;
    Millis updated_on;
  };
  struct Catalogue {
    std::string ref;
    std::vector<Position> positions;  // ascending seq
    std::unordered_map<std::string, uint32_t> by_ref;
    std::unordered_multimap<std::string, uint32_t> by_product;
  };

  const std::string* intern(const std::string& s);  // requires mu_ held exclusively
  Status put_locked(PositionRecord position);
  PositionRecord to_record(const Catalogue& c, const Position& p) const;
  static bool matches(const PositionFilter& f, const Position& p);
  TouchedPosition apply_touch(Catalogue& c, uint32_t index, int64_t quantity, const std::optional<std::string>& status,
                              Millis now);

  mutable std::shared_mutex mu_;
  std::map<std::string, Catalogue> catalogues_;
  std::set<std::string> interned_;
  uint64_t next_seq_ = 1;
};

struct SettingRecord {
  int64_t id = 0;  // 0 on input: assigned by the store
  std::string name;
  std::string value_type;
  std::optional<std::string> value;
  nlohmann::json lob_value;  // null when none
  std::string context;
  int64_t context_id = 0;
};

struct SettingFilter {
  std::vector<std::string> names;
  std::vector<std::string> contexts;
  std::vector<int64_t> context_ids;
  std::vector<std::string> value_types;
};

// Fields an update replaces; unset fields stay as they are.
struct SettingPatch {
  std::optional<std::string> name;
  std::optional<std::string> value_type;
  std::optional<std::optional<std::string>> value;  // set to nullopt-inside = clear
  std::optional<nlohmann::json> lob_value;          // json null = clear
  std::optional<std::string> context;
  std::optional<int64_t> context_id;
};

class SettingStore {
 public:
  SettingStore() = default;
  SettingStore(const SettingStore&) = delete;
  SettingStore& operator=(const SettingStore&) = delete;

  // kDuplicate when a setting with the same (name, context, contextId) exists.
  Result<SettingRecord> create(SettingRecord setting);
  // kNotFound for an unknown id; kDuplicate if the patch collides with another setting.
  Result<SettingRecord> update(int64_t id, const SettingPatch& patch);
  std::optional<SettingRecord> get(int64_t id) const;
  // Matching settings in id order.
  std::vector<SettingRecord> find(const SettingFilter& filter) const;
  Status replace_all(std::vector<SettingRecord> settings);
  std::vector<SettingRecord> all() const;

 private:
  mutable std::mutex mu_;
  std::map<int64_t, SettingRecord> settings_;
  int64_t next_id_ = 1;
};

}  // namespace fct::sim
