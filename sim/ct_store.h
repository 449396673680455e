// In-memory commercetools data for the simulator: channels and inventory
// entries, with the API's rules (one entry per (sku, supply channel),
// optimistic concurrency on `version`, query limits) and its error codes.
//
// Entries are kept in creation order (a sequence id) with hash indexes by id,
// key and sku, so `sku in (500 values) and supplyChannel(id = "…")` touches
// about 500 entries, not the whole store. Predicates that name no indexed
// field scan every entry.
//
// Thread safety: every method is safe to call concurrently; readers share a
// lock, writers take it exclusively.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "sim/predicate.h"
#include "sim/util.h"

namespace fct::sim {

struct ChannelRecord {
  std::string id;   // empty on input: generated
  std::string key;
  int64_t version = 1;
  std::vector<std::string> roles = {"InventorySupply"};
  Millis created_at = 0;
  Millis last_modified_at = 0;
};

struct InventoryEntryRecord {
  std::string id;  // empty on input: generated
  std::optional<std::string> key;
  int64_t version = 1;
  std::string sku;
  std::optional<std::string> supply_channel_id;
  int64_t quantity_on_stock = 0;
  int64_t available_quantity = 0;
  std::optional<int64_t> restockable_in_days;
  std::optional<std::string> expected_delivery;
  Millis created_at = 0;
  Millis last_modified_at = 0;
};

// A commercetools error: `code` as the API names it (InvalidInput,
// DuplicateField, ConcurrentModification, ResourceNotFound,
// ReferencedResourceNotFound), and extra fields for the GraphQL extensions.
struct CtError {
  std::string code;
  std::string message;
  nlohmann::json extra = nlohmann::json::object();  // e.g. {"currentVersion": 2}
};

template <typename T>
class CtResult {
 public:
  CtResult(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  CtResult(CtError error) : v_(std::move(error)) {}   // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const CtError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, CtError> v_;
};

// A ResourceIdentifier: by id or by key.
struct ResourceRef {
  std::optional<std::string> id;
  std::optional<std::string> key;
};

struct EntryDraft {
  std::string sku;
  std::optional<std::string> key;
  int64_t quantity_on_stock = 0;
  std::optional<int64_t> restockable_in_days;
  std::optional<std::string> expected_delivery;
  std::optional<ResourceRef> supply_channel;
};

struct EntryAction {
  enum class Kind {
    kAddQuantity,
    kChangeQuantity,
    kRemoveQuantity,
    kSetRestockableInDays,
    kSetExpectedDelivery,
    kSetSupplyChannel,
    kSetKey,
  };
  Kind kind = Kind::kChangeQuantity;
  int64_t quantity = 0;                     // quantity actions
  std::optional<int64_t> restockable_in_days;
  std::optional<std::string> text;          // expectedDelivery or key; nullopt = unset
  std::optional<ResourceRef> supply_channel;// nullopt = unset
};

struct EntryQuery {
  std::optional<std::string> where;
  std::vector<std::string> sort;  // "sku asc", "createdAt desc", …
  int64_t limit = 20;
  int64_t offset = 0;
};

struct EntryPage {
  std::vector<InventoryEntryRecord> results;
  int64_t offset = 0;
  int64_t total = 0;
};

constexpr int64_t kMaxQueryLimit = 500;
constexpr int64_t kMaxQueryOffset = 10000;
constexpr size_t kMaxUpdateActions = 500;

class CtStore {
 public:
  // `id_seed` makes generated ids deterministic.
  explicit CtStore(uint64_t id_seed = 0) : id_seed_(id_seed) {}
  CtStore(const CtStore&) = delete;
  CtStore& operator=(const CtStore&) = delete;

  // Sizes the entry indexes for about `entries` entries (a hint; growing
  // them one rehash at a time is slow once they hold ~100k entries).
  void reserve(size_t entries);

  // --- channels
  Status replace_channels(std::vector<ChannelRecord> channels);
  // Adds a channel (generating its id when empty); kDuplicate on a taken id or key.
  Result<ChannelRecord> add_channel(ChannelRecord channel);
  std::optional<ChannelRecord> channel_by_id(const std::string& id) const;
  std::optional<ChannelRecord> channel_by_key(const std::string& key) const;
  std::vector<ChannelRecord> channels() const;

  // --- inventory entries
  // Replaces all entries. supply_channel_id may name a channel id or key.
  // Fails without changes on a duplicate id, key or (sku, channel), or an unknown channel.
  Status replace_entries(std::vector<InventoryEntryRecord> entries);
  std::vector<InventoryEntryRecord> entries() const;
  size_t entry_count() const;
  std::optional<InventoryEntryRecord> entry(const ResourceRef& ref) const;

  CtResult<EntryPage> query(const EntryQuery& query) const;
  CtResult<InventoryEntryRecord> create(const EntryDraft& draft, Millis now);
  CtResult<InventoryEntryRecord> update(const ResourceRef& ref, int64_t version, const std::vector<EntryAction>& actions,
                                        Millis now);
  CtResult<InventoryEntryRecord> remove(const ResourceRef& ref, int64_t version);

  // Fault helpers: what a concurrent writer would do.
  // Bumps the entry's version and changes its quantity (+1). False if unknown.
  bool concurrent_write(const ResourceRef& ref, Millis now);
  // Creates the entry `draft` describes (with quantity + 1) unless it exists.
  bool create_racing_duplicate(const EntryDraft& draft, Millis now);

 private:
  struct Entry {
    uint64_t seq;
    InventoryEntryRecord record;
  };

  std::string next_id();
  std::optional<uint64_t> find_seq(const ResourceRef& ref) const;
  std::optional<uint64_t> find_by_sku_channel(const std::string& sku, const std::string& channel_id) const;
  // Resolves a channel reference to a channel id, or a CtError.
  CtResult<std::string> resolve_channel(const ResourceRef& ref) const;
  uint64_t insert_locked(InventoryEntryRecord record);
  void erase_locked(uint64_t seq);
  std::optional<std::vector<uint64_t>> plan(const Predicate& p) const;

  const uint64_t id_seed_;
  uint64_t id_counter_ = 0;
  mutable std::shared_mutex mu_;
  std::vector<ChannelRecord> channels_;
  std::map<uint64_t, Entry> entries_;
  std::unordered_map<std::string, uint64_t> by_id_;
  std::unordered_map<std::string, uint64_t> by_key_;
  std::unordered_map<std::string, std::vector<uint64_t>> by_sku_;
  uint64_t next_seq_ = 1;
};

}  // namespace fct::sim
