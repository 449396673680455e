#include "sim/data.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace fct::sim {

namespace {

constexpr Millis kDayMs = 86400LL * 1000;

// Field readers: each returns an error naming `path` when the type is wrong.
using json = nlohmann::json;

Error bad(const std::string& path, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "data: " + path + ": " + what);
}

Status read_string(const json& obj, const char* name, const std::string& path, std::optional<std::string>& out) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return ok_status();
  if (!it->is_string()) return bad(path + "." + name, "expected a string");
  out = it->get<std::string>();
  return ok_status();
}

Status read_int(const json& obj, const char* name, const std::string& path, std::optional<int64_t>& out) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return ok_status();
  if (!it->is_number_integer()) return bad(path + "." + name, "expected an integer");
  out = it->get<int64_t>();
  return ok_status();
}

Status read_time(const json& obj, const char* name, const std::string& path, std::optional<Millis>& out) {
  std::optional<std::string> text;
  FCT_RETURN_IF_ERROR(read_string(obj, name, path, text));
  if (!text) return ok_status();
  auto t = parse_iso8601(*text);
  if (!t) return bad(path + "." + name, "invalid ISO-8601 date-time '" + *text + "'");
  out = *t;
  return ok_status();
}

Result<const json*> section(const json& root, const char* api, const char* name) {
  auto a = root.find(api);
  if (a == root.end() || a->is_null()) return static_cast<const json*>(nullptr);
  if (!a->is_object()) return bad(api, "expected an object");
  auto s = a->find(name);
  if (s == a->end()) return static_cast<const json*>(nullptr);
  if (!s->is_array()) return bad(std::string(api) + "." + name, "expected an array");
  return &*s;
}

Result<PositionRecord> parse_position(const json& j, const std::string& path, const std::string& default_catalogue,
                                      Millis now) {
  if (!j.is_object()) return bad(path, "expected an object");
  PositionRecord p;
  std::optional<std::string> ref, product, catalogue, status, type, group;
  std::optional<int64_t> quantity;
  std::optional<Millis> created, updated;
  FCT_RETURN_IF_ERROR(read_string(j, "ref", path, ref));
  FCT_RETURN_IF_ERROR(read_string(j, "productRef", path, product));
  FCT_RETURN_IF_ERROR(read_string(j, "catalogueRef", path, catalogue));
  FCT_RETURN_IF_ERROR(read_string(j, "status", path, status));
  FCT_RETURN_IF_ERROR(read_string(j, "type", path, type));
  FCT_RETURN_IF_ERROR(read_string(j, "groupRef", path, group));
  FCT_RETURN_IF_ERROR(read_int(j, "quantity", path, quantity));
  FCT_RETURN_IF_ERROR(read_time(j, "createdOn", path, created));
  FCT_RETURN_IF_ERROR(read_time(j, "updatedOn", path, updated));
  if (!ref && !product) return bad(path, "a position needs a ref or a productRef");
  p.ref = ref ? *ref : *product;
  p.product_ref = product ? *product : *ref;
  p.catalogue_ref = catalogue.value_or(default_catalogue);
  p.status = status.value_or("ACTIVE");
  p.type = type.value_or("AGGREGATE");
  p.group_ref = group;
  p.quantity = quantity.value_or(0);
  p.updated_on = updated.value_or(now);
  p.created_on = created.value_or(p.updated_on);
  return p;
}

Result<SettingRecord> parse_setting(const json& j, const std::string& path) {
  if (!j.is_object()) return bad(path, "expected an object");
  SettingRecord s;
  std::optional<std::string> name, context, value_type, value;
  std::optional<int64_t> id, context_id;
  FCT_RETURN_IF_ERROR(read_string(j, "name", path, name));
  FCT_RETURN_IF_ERROR(read_string(j, "context", path, context));
  FCT_RETURN_IF_ERROR(read_string(j, "valueType", path, value_type));
  FCT_RETURN_IF_ERROR(read_string(j, "value", path, value));
  FCT_RETURN_IF_ERROR(read_int(j, "id", path, id));
  FCT_RETURN_IF_ERROR(read_int(j, "contextId", path, context_id));
  if (!name) return bad(path + ".name", "required");
  s.id = id.value_or(0);
  s.name = *name;
  s.context = context.value_or("ACCOUNT");
  s.context_id = context_id.value_or(0);
  s.value = value;
  auto lob = j.find("lobValue");
  if (lob != j.end()) s.lob_value = *lob;
  s.value_type = value_type.value_or(s.lob_value.is_null() ? "STRING" : "JSON");
  return s;
}

Result<ChannelRecord> parse_channel(const json& j, const std::string& path, Millis now) {
  if (!j.is_object()) return bad(path, "expected an object");
  ChannelRecord c;
  std::optional<std::string> id, key;
  std::optional<int64_t> version;
  std::optional<Millis> created, modified;
  FCT_RETURN_IF_ERROR(read_string(j, "id", path, id));
  FCT_RETURN_IF_ERROR(read_string(j, "key", path, key));
  FCT_RETURN_IF_ERROR(read_int(j, "version", path, version));
  FCT_RETURN_IF_ERROR(read_time(j, "createdAt", path, created));
  FCT_RETURN_IF_ERROR(read_time(j, "lastModifiedAt", path, modified));
  if (!key) return bad(path + ".key", "required");
  c.id = id.value_or("");
  c.key = *key;
  c.version = version.value_or(1);
  auto roles = j.find("roles");
  if (roles != j.end() && !roles->is_null()) {
    if (!roles->is_array()) return bad(path + ".roles", "expected an array of strings");
    c.roles.clear();
    for (const auto& r : *roles) {
      if (!r.is_string()) return bad(path + ".roles", "expected an array of strings");
      c.roles.push_back(r.get<std::string>());
    }
  }
  c.created_at = created.value_or(now);
  c.last_modified_at = modified.value_or(c.created_at);
  return c;
}

Result<InventoryEntryRecord> parse_entry(const json& j, const std::string& path, Millis now) {
  if (!j.is_object()) return bad(path, "expected an object");
  InventoryEntryRecord e;
  std::optional<std::string> id, key, sku, expected;
  std::optional<int64_t> version, qty, available, restock;
  std::optional<Millis> created, modified;
  FCT_RETURN_IF_ERROR(read_string(j, "id", path, id));
  FCT_RETURN_IF_ERROR(read_string(j, "key", path, key));
  FCT_RETURN_IF_ERROR(read_string(j, "sku", path, sku));
  FCT_RETURN_IF_ERROR(read_string(j, "expectedDelivery", path, expected));
  FCT_RETURN_IF_ERROR(read_int(j, "version", path, version));
  FCT_RETURN_IF_ERROR(read_int(j, "quantityOnStock", path, qty));
  FCT_RETURN_IF_ERROR(read_int(j, "availableQuantity", path, available));
  FCT_RETURN_IF_ERROR(read_int(j, "restockableInDays", path, restock));
  FCT_RETURN_IF_ERROR(read_time(j, "createdAt", path, created));
  FCT_RETURN_IF_ERROR(read_time(j, "lastModifiedAt", path, modified));
  if (!sku) return bad(path + ".sku", "required");
  auto channel = j.find("supplyChannel");
  if (channel != j.end() && !channel->is_null()) {
    if (channel->is_string()) {
      e.supply_channel_id = channel->get<std::string>();
    } else if (channel->is_object()) {
      std::optional<std::string> cid, ckey;
      FCT_RETURN_IF_ERROR(read_string(*channel, "id", path + ".supplyChannel", cid));
      FCT_RETURN_IF_ERROR(read_string(*channel, "key", path + ".supplyChannel", ckey));
      if (!cid && !ckey) return bad(path + ".supplyChannel", "needs an id or a key");
      e.supply_channel_id = cid ? *cid : *ckey;
    } else {
      return bad(path + ".supplyChannel", "expected a channel id, key or {\"id\"|\"key\"} object");
    }
  }
  e.id = id.value_or("");
  e.key = key;
  e.sku = *sku;
  e.version = version.value_or(1);
  e.quantity_on_stock = qty.value_or(0);
  e.available_quantity = available.value_or(e.quantity_on_stock);
  e.restockable_in_days = restock;
  if (expected) {
    auto t = parse_iso8601(*expected);
    if (!t) return bad(path + ".expectedDelivery", "invalid ISO-8601 date-time");
    e.expected_delivery = format_iso8601(*t);
  }
  e.created_at = created.value_or(now);
  e.last_modified_at = modified.value_or(e.created_at);
  return e;
}

template <typename T, typename F>
Result<std::optional<std::vector<T>>> parse_section(const json& root, const char* api, const char* name, F parse_one) {
  FCT_ASSIGN_OR_RETURN(const json* items, section(root, api, name));
  if (!items) return std::optional<std::vector<T>>();
  std::vector<T> out;
  out.reserve(items->size());
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string path = std::string(api) + "." + name + "[" + std::to_string(i) + "]";
    FCT_ASSIGN_OR_RETURN(T item, parse_one((*items)[i], path));
    out.push_back(std::move(item));
  }
  return std::optional<std::vector<T>>(std::move(out));
}

}  // namespace

Status generate(const GeneratorOptions& o, SimState& state) {
  // Inserted one by one: refs are unique by construction, and a million
  // positions should not be held twice in memory.
  state.positions.clear();
  const Millis window = 30 * kDayMs;
  for (size_t i = 1; i <= o.positions; ++i) {
    char sku[32], ref[32];
    std::snprintf(sku, sizeof(sku), "SKU-%06zu", i);
    std::snprintf(ref, sizeof(ref), "VP-%06zu", i);
    PositionRecord p;
    p.ref = ref;
    p.product_ref = sku;
    p.catalogue_ref = o.catalogue_ref;
    p.quantity = static_cast<int64_t>(mix64(hash_combine(o.seed, i)) % 501);
    p.status = i % 50 == 0 ? "INACTIVE" : "ACTIVE";
    p.updated_on = o.now - 1 - static_cast<Millis>(mix64(hash_combine(o.seed ^ 0x7f4a7c15ULL, i)) % window);
    p.created_on = p.updated_on - static_cast<Millis>(mix64(hash_combine(o.seed ^ 0x1ce4e5b9ULL, i)) % window);
    FCT_RETURN_IF_ERROR(state.positions.put(std::move(p)));
  }

  SettingRecord setting;
  setting.id = 1;
  setting.name = kSyncSettingName;
  setting.context = "RETAILER";
  setting.context_id = o.retailer_id;
  setting.value_type = "JSON";
  setting.lob_value = {{"props",
                        {{"ctChannelKey", o.channel_key}, {"fluentAggregateVirtualCatalogueRef", o.catalogue_ref}}}};
  FCT_RETURN_IF_ERROR(state.settings.replace_all({setting}));

  std::vector<ChannelRecord> channels;
  for (const std::string& key : {o.channel_key, std::string("other-channel")}) {
    if (!channels.empty() && key == channels.front().key) continue;
    ChannelRecord c;
    c.id = uuid_like(hash_combine(o.seed, hash_string("channel:" + key)));
    c.key = key;
    c.created_at = c.last_modified_at = o.now - 30 * kDayMs;
    channels.push_back(std::move(c));
  }
  FCT_RETURN_IF_ERROR(state.ct.replace_entries({}));
  return state.ct.replace_channels(std::move(channels));
}

Result<SimData> parse_data(const json& root, const std::string& default_catalogue, Millis now) {
  if (!root.is_object()) return bad("(root)", "expected an object");
  SimData data;
  FCT_ASSIGN_OR_RETURN(data.positions, parse_section<PositionRecord>(root, "fluent", "positions",
                                                                     [&](const json& j, const std::string& path) {
                                                                       return parse_position(j, path,
                                                                                             default_catalogue, now);
                                                                     }));
  FCT_ASSIGN_OR_RETURN(data.settings, parse_section<SettingRecord>(root, "fluent", "settings", parse_setting));
  FCT_ASSIGN_OR_RETURN(data.channels,
                       parse_section<ChannelRecord>(root, "ct", "channels", [&](const json& j, const std::string& p) {
                         return parse_channel(j, p, now);
                       }));
  FCT_ASSIGN_OR_RETURN(data.entries, parse_section<InventoryEntryRecord>(
                                         root, "ct", "entries",
                                         [&](const json& j, const std::string& p) { return parse_entry(j, p, now); }));
  return data;
}

Status apply_data(SimData data, SimState& state) {
  if (data.positions) FCT_RETURN_IF_ERROR(state.positions.replace_all(std::move(*data.positions)));
  if (data.settings) FCT_RETURN_IF_ERROR(state.settings.replace_all(std::move(*data.settings)));
  if (data.channels) FCT_RETURN_IF_ERROR(state.ct.replace_channels(std::move(*data.channels)));
  if (data.entries) FCT_RETURN_IF_ERROR(state.ct.replace_entries(std::move(*data.entries)));
  return ok_status();
}

Status load_data_file(const std::string& path, const std::string& default_catalogue, Millis now, SimState& state) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open data file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  json root = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return make_error(ErrorCode::kInvalidArgument, "data file " + path + " is not valid JSON");
  auto data = parse_data(root, default_catalogue, now);
  if (!data.ok()) return data.error().context(path);
  return apply_data(std::move(data).value(), state);
}

json position_to_json(const PositionRecord& p) {
  json j = {{"ref", p.ref},
            {"productRef", p.product_ref},
            {"catalogueRef", p.catalogue_ref},
            {"quantity", p.quantity},
            {"status", p.status},
            {"type", p.type},
            {"createdOn", format_iso8601(p.created_on)},
            {"updatedOn", format_iso8601(p.updated_on)}};
  if (p.group_ref) j["groupRef"] = *p.group_ref;
  return j;
}

json setting_to_json(const SettingRecord& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"context", s.context},
          {"contextId", s.context_id},
          {"valueType", s.value_type},
          {"lobValue", s.lob_value},
          {"value", s.value ? json(*s.value) : json(nullptr)}};
}

json channel_to_json(const ChannelRecord& c) {
  return {{"id", c.id},
          {"key", c.key},
          {"version", c.version},
          {"roles", c.roles},
          {"createdAt", format_iso8601(c.created_at)},
          {"lastModifiedAt", format_iso8601(c.last_modified_at)}};
}

json entry_to_json(const InventoryEntryRecord& e) {
  json j = {{"id", e.id},
            {"version", e.version},
            {"sku", e.sku},
            {"supplyChannel", e.supply_channel_id ? json(*e.supply_channel_id) : json(nullptr)},
            {"quantityOnStock", e.quantity_on_stock},
            {"availableQuantity", e.available_quantity},
            {"createdAt", format_iso8601(e.created_at)},
            {"lastModifiedAt", format_iso8601(e.last_modified_at)}};
  if (e.key) j["key"] = *e.key;
  if (e.restockable_in_days) j["restockableInDays"] = *e.restockable_in_days;
  if (e.expected_delivery) j["expectedDelivery"] = *e.expected_delivery;
  return j;
}

std::string dump_state_text(const SimState& state) {
  std::string out = "{\"fluent\":{\"positions\":[";
  bool first = true;
  auto append = [&](const json& item) {
    if (!first) out += ',';
    first = false;
    out += item.dump();
  };
  state.positions.for_each([&](const PositionRecord& p) { append(position_to_json(p)); });
  out += "],\"settings\":[";
  first = true;
  for (const auto& s : state.settings.all()) append(setting_to_json(s));
  out += "]},\"ct\":{\"channels\":[";
  first = true;
  for (const auto& c : state.ct.channels()) append(channel_to_json(c));
  out += "],\"entries\":[";
  first = true;
  for (const auto& e : state.ct.entries()) append(entry_to_json(e));
  out += "]}}";
  return out;
}

json dump_state(const SimState& state) { return json::parse(dump_state_text(state)); }

}  // namespace fct::sim
