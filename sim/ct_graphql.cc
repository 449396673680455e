// Resolvers of the simulated commercetools GraphQL API.
#include <unordered_map>

#include "sim/graphql_apis.h"
#include "sim/json_args.h"

namespace fct::sim {

namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const CtError& e) {
  json extensions = e.extra.is_object() ? e.extra : json::object();
  extensions["code"] = e.code;
  throw graphql::FieldError{e.message, std::move(extensions)};
}

[[noreturn]] void invalid_input(const std::string& message) { fail(CtError{"InvalidInput", message, {}}); }

// The Channel and InventoryEntry fields a resolver has to build, as bits.
// Resolvers may leave out fields nobody selected (the executor projects
// their JSON onto the selection set), so the reply is the same either way.
enum FieldBit : uint32_t {
  kFId = 1u << 0,
  kFVersion = 1u << 1,
  kFKey = 1u << 2,
  kFRoles = 1u << 3,
  kFCreatedAt = 1u << 4,
  kFLastModifiedAt = 1u << 5,
  kFSku = 1u << 6,
  kFQuantityOnStock = 1u << 7,
  kFAvailableQuantity = 1u << 8,
  kFRestockableInDays = 1u << 9,
  kFExpectedDelivery = 1u << 10,
  kFSupplyChannel = 1u << 11,
  kFSupplyChannelRef = 1u << 12,
};
constexpr uint32_t kAllFields = ~0u;

uint32_t field_bit(std::string_view name) {
  static const std::pair<std::string_view, uint32_t> kBits[] = {
      {"id", kFId},
      {"version", kFVersion},
      {"key", kFKey},
      {"roles", kFRoles},
      {"createdAt", kFCreatedAt},
      {"lastModifiedAt", kFLastModifiedAt},
      {"sku", kFSku},
      {"quantityOnStock", kFQuantityOnStock},
      {"availableQuantity", kFAvailableQuantity},
      {"restockableInDays", kFRestockableInDays},
      {"expectedDelivery", kFExpectedDelivery},
      {"supplyChannel", kFSupplyChannel},
      {"supplyChannelRef", kFSupplyChannelRef},
  };
  for (const auto& [n, bit] : kBits) {
    if (n == name) return bit;
  }
  return 0;
}

// Fields selected anywhere below the root field (an over-approximation: the
// union over every nesting level), or every field when a named fragment is
// used.
void collect_bits(const std::vector<graphql::Selection>& selections, uint32_t& bits, bool& complete) {
  for (const auto& s : selections) {
    if (s.field) {
      bits |= field_bit(s.field->name);
      collect_bits(s.field->selection_set, bits, complete);
    } else if (s.inline_fragment) {
      collect_bits(s.inline_fragment->selection_set, bits, complete);
    } else {
      complete = false;
    }
  }
}

uint32_t wanted_fields(const graphql::ResolveContext& ctx) {
  if (!ctx.fields) return kAllFields;  // the merged nodes are unknown: build everything
  uint32_t bits = 0;
  bool complete = true;
  for (const graphql::Field* f : *ctx.fields) collect_bits(f->selection_set, bits, complete);
  return complete ? bits : kAllFields;
}

json channel_json(const ChannelRecord& c, uint32_t want = kAllFields) {
  json j = json::object();
  if (want & kFId) j["id"] = c.id;
  if (want & kFVersion) j["version"] = c.version;
  if (want & kFKey) j["key"] = c.key;
  if (want & kFRoles) j["roles"] = c.roles;
  if (want & kFCreatedAt) j["createdAt"] = format_iso8601(c.created_at);
  if (want & kFLastModifiedAt) j["lastModifiedAt"] = format_iso8601(c.last_modified_at);
  return j;
}

// Channel id → JSON, built on first use, once per resolver call.
class ChannelLookup {
 public:
  ChannelLookup(const CtStore& store, uint32_t want) : store_(store), want_(want) {}
  json get(const std::string& id) const {
    if (!built_) {
      for (const auto& c : store_.channels()) by_id_.emplace(c.id, channel_json(c, want_));
      built_ = true;
    }
    auto it = by_id_.find(id);
    return it == by_id_.end() ? json(nullptr) : it->second;
  }

 private:
  const CtStore& store_;
  const uint32_t want_;
  mutable bool built_ = false;
  mutable std::unordered_map<std::string, json> by_id_;
};

json entry_json(const InventoryEntryRecord& e, const ChannelLookup& channels, uint32_t want) {
  json j = json::object();
  if (want & kFId) j["id"] = e.id;
  if (want & kFVersion) j["version"] = e.version;
  if (want & kFKey) j["key"] = e.key ? json(*e.key) : json(nullptr);
  if (want & kFSku) j["sku"] = e.sku;
  if (want & kFQuantityOnStock) j["quantityOnStock"] = e.quantity_on_stock;
  if (want & kFAvailableQuantity) j["availableQuantity"] = e.available_quantity;
  if (want & kFRestockableInDays) {
    j["restockableInDays"] = e.restockable_in_days ? json(*e.restockable_in_days) : json(nullptr);
  }
  if (want & kFExpectedDelivery) {
    j["expectedDelivery"] = e.expected_delivery ? json(*e.expected_delivery) : json(nullptr);
  }
  if (want & kFCreatedAt) j["createdAt"] = format_iso8601(e.created_at);
  if (want & kFLastModifiedAt) j["lastModifiedAt"] = format_iso8601(e.last_modified_at);
  if (want & kFSupplyChannel) j["supplyChannel"] = e.supply_channel_id ? channels.get(*e.supply_channel_id) : json(nullptr);
  if (want & kFSupplyChannelRef) {
    j["supplyChannelRef"] =
        e.supply_channel_id ? json{{"typeId", "channel"}, {"id", *e.supply_channel_id}} : json(nullptr);
  }
  return j;
}

ResourceRef resource_ref(const json& args) {
  ResourceRef ref;
  ref.id = string_arg(args, "id");
  ref.key = string_arg(args, "key");
  return ref;
}

// A ResourceIdentifierInput pointing at a channel.
ResourceRef channel_ref(const json& v, const std::string& where) {
  if (auto type_id = string_arg(v, "typeId"); type_id && *type_id != "channel") {
    invalid_input(where + ": expected a reference to a 'channel', got typeId '" + *type_id + "'.");
  }
  ResourceRef ref = resource_ref(v);
  if (!ref.id && !ref.key) invalid_input(where + ": a ResourceIdentifier requires an 'id' or a 'key'.");
  return ref;
}

int64_t long_arg(const json& args, const char* name, const std::string& where) {
  const json* v = arg(args, name);
  if (!v || !(v->is_number_integer() || v->is_number_float())) invalid_input(where + ": '" + name + "' must be a Long.");
  auto i = as_int(*v);
  if (!i) invalid_input(where + ": '" + name + "' must be a Long.");
  return *i;
}

std::vector<EntryAction> parse_actions(const json& args) {
  std::vector<EntryAction> actions;
  const json* list = arg(args, "actions");
  if (!list || !list->is_array()) return actions;
  static const std::pair<const char*, EntryAction::Kind> kKinds[] = {
      {"addQuantity", EntryAction::Kind::kAddQuantity},
      {"changeQuantity", EntryAction::Kind::kChangeQuantity},
      {"removeQuantity", EntryAction::Kind::kRemoveQuantity},
      {"setRestockableInDays", EntryAction::Kind::kSetRestockableInDays},
      {"setExpectedDelivery", EntryAction::Kind::kSetExpectedDelivery},
      {"setSupplyChannel", EntryAction::Kind::kSetSupplyChannel},
      {"setKey", EntryAction::Kind::kSetKey},
  };
  for (size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const std::string where = "actions[" + std::to_string(i) + "]";
    const json* body = nullptr;
    EntryAction action;
    int set = 0;
    for (const auto& [name, kind] : kKinds) {
      if (const json* v = arg(item, name)) {
        body = v;
        action.kind = kind;
        ++set;
      }
    }
    if (set != 1) {
      invalid_input("Invalid update action at " + where + ": exactly one action field must be set, found " +
                    std::to_string(set) + ".");
    }
    switch (action.kind) {
      case EntryAction::Kind::kAddQuantity:
      case EntryAction::Kind::kChangeQuantity:
      case EntryAction::Kind::kRemoveQuantity:
        action.quantity = long_arg(*body, "quantity", where);
        break;
      case EntryAction::Kind::kSetRestockableInDays:
        action.restockable_in_days = int_arg(*body, "restockableInDays");
        break;
      case EntryAction::Kind::kSetExpectedDelivery: action.text = string_arg(*body, "expectedDelivery"); break;
      case EntryAction::Kind::kSetKey: action.text = string_arg(*body, "key"); break;
      case EntryAction::Kind::kSetSupplyChannel:
        if (const json* c = arg(*body, "supplyChannel")) action.supply_channel = channel_ref(*c, where);
        break;
    }
    actions.push_back(std::move(action));
  }
  return actions;
}

void check_limit_offset(int64_t limit, int64_t offset) {
  if (limit < 0 || limit > kMaxQueryLimit) {
    invalid_input("Malformed parameter: limit: The limit must be between 0 and " + std::to_string(kMaxQueryLimit) +
                  ", but was " + std::to_string(limit) + ".");
  }
  if (offset < 0 || offset > kMaxQueryOffset) {
    invalid_input("Malformed parameter: offset: The offset must be between 0 and " +
                  std::to_string(kMaxQueryOffset) + ", but was " + std::to_string(offset) + ".");
  }
}

}  // namespace

Result<std::unique_ptr<CtGraphQL>> CtGraphQL::create(SimState& state, Stats& stats, FaultInjector& faults,
                                                    Clock clock) {
  auto schema = graphql::Schema::parse(ct_schema_sdl());
  if (!schema.ok()) return schema.error().context("sim/schema/commercetools.graphql");
  std::unique_ptr<CtGraphQL> api(new CtGraphQL(state, stats, faults, std::move(clock)));
  CtGraphQL* self = api.get();
  std::map<std::string, graphql::Resolver> resolvers = {
      {"Query.channel", [self](const auto& ctx) { return self->channel(ctx); }},
      {"Query.channels", [self](const auto& ctx) { return self->channels(ctx); }},
      {"Query.inventoryEntry", [self](const auto& ctx) { return self->inventory_entry(ctx); }},
      {"Query.inventoryEntries", [self](const auto& ctx) { return self->inventory_entries(ctx); }},
      {"Mutation.createInventoryEntry", [self](const auto& ctx) { return self->create_inventory_entry(ctx); }},
      {"Mutation.updateInventoryEntry", [self](const auto& ctx) { return self->update_inventory_entry(ctx); }},
      {"Mutation.deleteInventoryEntry", [self](const auto& ctx) { return self->delete_inventory_entry(ctx); }},
  };
  api->executor_ = std::make_unique<graphql::Executor>(std::move(schema).value(), std::move(resolvers));
  return api;
}

graphql::Response CtGraphQL::execute(graphql::Request&& request) const {
  return executor_->execute(std::move(request));
}

json CtGraphQL::channel(const graphql::ResolveContext& ctx) const {
  stats_.add("ct.graphql.channel");
  const ResourceRef ref = resource_ref(ctx.arguments);
  if (ref.id && ref.key) invalid_input("Only one of 'id' or 'key' may be given to query a channel.");
  std::optional<ChannelRecord> c;
  if (ref.id) c = state_.ct.channel_by_id(*ref.id);
  else if (ref.key) c = state_.ct.channel_by_key(*ref.key);
  else invalid_input("Either 'id' or 'key' must be given to query a channel.");
  return c ? channel_json(*c, wanted_fields(ctx)) : json(nullptr);
}

json CtGraphQL::channels(const graphql::ResolveContext& ctx) const {
  stats_.add("ct.graphql.channels");
  const json& args = ctx.arguments;
  const int64_t limit = int_arg(args, "limit").value_or(20);
  const int64_t offset = int_arg(args, "offset").value_or(0);
  check_limit_offset(limit, offset);
  std::optional<Predicate> predicate;
  if (auto where = string_arg(args, "where"); where && !where->empty()) {
    auto parsed = parse_predicate(*where);
    if (!parsed.ok()) invalid_input("Malformed parameter: where: " + parsed.error().message);
    predicate = std::move(parsed).value();
  }
  const uint32_t want = wanted_fields(ctx);
  json results = json::array();
  int64_t total = 0;
  for (const auto& c : state_.ct.channels()) {
    if (predicate) {
      const FieldLookup lookup = [&c](const std::string& path) -> std::optional<PredicateValue> {
        if (path == "id") return PredicateValue::string(c.id);
        if (path == "key") return PredicateValue::string(c.key);
        if (path == "version") return PredicateValue::num(static_cast<double>(c.version));
        return std::nullopt;
      };
      if (!evaluate(*predicate, lookup)) continue;
    }
    if (total >= offset && static_cast<int64_t>(results.size()) < limit) results.push_back(channel_json(c, want));
    ++total;
  }
  const auto count = static_cast<int64_t>(results.size());
  return {{"offset", offset}, {"count", count}, {"total", total}, {"exists", total > 0}, {"results", std::move(results)}};
}

json CtGraphQL::inventory_entry(const graphql::ResolveContext& ctx) const {
  stats_.add("ct.graphql.inventoryEntry");
  const ResourceRef ref = resource_ref(ctx.arguments);
  if (!ref.id && !ref.key) invalid_input("Either 'id' or 'key' must be given to query an inventory entry.");
  auto e = state_.ct.entry(ref);
  if (!e) return nullptr;
  const uint32_t want = wanted_fields(ctx);
  return entry_json(*e, ChannelLookup(state_.ct, want), want);
}

json CtGraphQL::inventory_entries(const graphql::ResolveContext& ctx) const {
  stats_.add("ct.graphql.inventoryEntries");
  const json& args = ctx.arguments;
  EntryQuery q;
  q.where = string_arg(args, "where");
  q.sort = string_list_arg(args, "sort");
  q.limit = int_arg(args, "limit").value_or(20);
  q.offset = int_arg(args, "offset").value_or(0);
  auto page = state_.ct.query(q);
  if (!page.ok()) fail(page.error());
  const uint32_t want = wanted_fields(ctx);
  const ChannelLookup channels(state_.ct, want);
  json results = json::array();
  for (const auto& e : page.value().results) results.push_back(entry_json(e, channels, want));
  const auto count = static_cast<int64_t>(results.size());
  return {{"offset", page.value().offset},
          {"count", count},
          {"total", page.value().total},
          {"exists", page.value().total > 0},
          {"results", std::move(results)}};
}

json CtGraphQL::create_inventory_entry(const graphql::ResolveContext& ctx) const {
  stats_.add("ct.graphql.createInventoryEntry");
  const json* d = arg(ctx.arguments, "draft");
  if (!d) invalid_input("The draft is required.");
  EntryDraft draft;
  draft.sku = string_arg(*d, "sku").value_or("");
  draft.key = string_arg(*d, "key");
  if (arg(*d, "quantityOnStock")) draft.quantity_on_stock = long_arg(*d, "quantityOnStock", "draft");
  draft.restockable_in_days = int_arg(*d, "restockableInDays");
  draft.expected_delivery = string_arg(*d, "expectedDelivery");
  if (const json* c = arg(*d, "supplyChannel")) draft.supply_channel = channel_ref(*c, "draft.supplyChannel");
  const Millis now = clock_();
  if (faults_.next_duplicate_race() && state_.ct.create_racing_duplicate(draft, now)) {
    stats_.add("faults.ct.duplicateRace");
  }
  auto created = state_.ct.create(draft, now);
  if (!created.ok()) fail(created.error());
  const uint32_t want = wanted_fields(ctx);
  return entry_json(created.value(), ChannelLookup(state_.ct, want), want);
}

json CtGraphQL::update_inventory_entry(const graphql::ResolveContext& ctx) const {
  stats_.add("ct.graphql.updateInventoryEntry");
  const json& args = ctx.arguments;
  const ResourceRef ref = resource_ref(args);
  const int64_t version = long_arg(args, "version", "updateInventoryEntry");
  const std::vector<EntryAction> actions = parse_actions(args);
  const Millis now = clock_();
  if (faults_.next_concurrent_writer() && state_.ct.concurrent_write(ref, now)) {
    stats_.add("faults.ct.concurrentWriter");
  }
  auto updated = state_.ct.update(ref, version, actions, now);
  if (!updated.ok()) fail(updated.error());
  const uint32_t want = wanted_fields(ctx);
  return entry_json(updated.value(), ChannelLookup(state_.ct, want), want);
}

json CtGraphQL::delete_inventory_entry(const graphql::ResolveContext& ctx) const {
  stats_.add("ct.graphql.deleteInventoryEntry");
  const json& args = ctx.arguments;
  const ResourceRef ref = resource_ref(args);
  const int64_t version = long_arg(args, "version", "deleteInventoryEntry");
  auto removed = state_.ct.remove(ref, version);
  if (!removed.ok()) fail(removed.error());
  const uint32_t want = wanted_fields(ctx);
  return entry_json(removed.value(), ChannelLookup(state_.ct, want), want);
}

}  // namespace fct::sim
