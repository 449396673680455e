// Resolvers of the simulated Fluent GraphQL API.
#include <algorithm>

#include "sim/graphql_apis.h"
#include "sim/json_args.h"

namespace fct::sim {

namespace {

using json = nlohmann::json;

// Fluent reports errors with a code in the message and in extensions.
// Codes used: C0001E (page too large, i.e. query too complex), C0100E (invalid
// UTC date), C0120E (entity not found); C0130E (other invalid input) and
// C0140E (duplicate setting) are the simulator's own choice.
[[noreturn]] void fail(const std::string& code, const std::string& message) {
  throw graphql::FieldError{"[" + code + "] " + message, json{{"code", code}}};
}

std::string encode_cursor(uint64_t n) { return base64_encode(std::to_string(n)); }

uint64_t decode_cursor(const std::string& cursor, const char* arg_name) {
  auto decoded = base64_decode(cursor);
  if (!decoded || decoded->empty() || decoded->size() > 19 ||
      !std::all_of(decoded->begin(), decoded->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    fail("C0130E", std::string("Invalid cursor '") + cursor + "' for argument '" + arg_name + "'");
  }
  return std::stoull(*decoded);
}

// Reads a DateRange argument into inclusive bounds.
void date_range(const json& args, const char* name, std::optional<Millis>& from, std::optional<Millis>& to) {
  const json* range = arg(args, name);
  if (!range) return;
  const json* f = arg(*range, "from");
  const json* t = arg(*range, "to");
  // Both bounds null (the seed query on a first run) filters nothing. Fluent
  // documents C0101E for a date query without 'from' or 'to'; the simulator
  // is lenient here, see docs/SIMULATOR.md.
  if (!f && !t) return;
  auto read = [&](const json* v, const char* which, std::optional<Millis>& out) {
    if (!v) return;
    std::optional<Millis> parsed;
    if (v->is_string()) parsed = parse_iso8601(v->get<std::string>());
    if (!parsed) {
      fail("C0100E", "Invalid UTC date value " + v->dump() + " for '" + name + "." + which +
                         "'. Use ISO-8601, e.g. 2022-10-20T04:12:08.812Z");
    }
    out = parsed;
  };
  read(f, "from", from);
  read(t, "to", to);
}

json page_info(bool next, bool previous) { return {{"hasNextPage", next}, {"hasPreviousPage", previous}}; }

// Which VirtualPosition fields to build. Building only what the document
// selects keeps large pages cheap; the executor projects the rest away anyway.
struct NodeFields {
  bool id = true, ref = true, type = true, status = true, workflow = true, product_ref = true, group_ref = true,
       quantity = true, created_on = true, updated_on = true, catalogue = true;

  explicit NodeFields(const graphql::Field* field) {
    if (!field) return;
    auto names = selected_field_names(*field);
    if (!names) return;  // named fragments: build everything
    auto has = [&](const char* n) { return names->count(n) > 0; };
    id = has("id");
    ref = has("ref");
    type = has("type");
    status = has("status");
    workflow = has("workflowRef") || has("workflowVersion");
    product_ref = has("productRef");
    group_ref = has("groupRef");
    quantity = has("quantity");
    created_on = has("createdOn");
    updated_on = has("updatedOn");
    catalogue = has("catalogue");
  }
};

json position_node(const PositionRecord& p, const NodeFields& f) {
  json j = json::object();
  if (f.id) j["id"] = std::to_string(p.seq);
  if (f.ref) j["ref"] = p.ref;
  if (f.type) j["type"] = p.type;
  if (f.status) j["status"] = p.status;
  if (f.workflow) {
    j["workflowRef"] = "VIRTUALPOSITION::" + p.type;
    j["workflowVersion"] = 1;
  }
  if (f.product_ref) j["productRef"] = p.product_ref;
  if (f.group_ref) j["groupRef"] = p.group_ref ? json(*p.group_ref) : json(nullptr);
  if (f.quantity) j["quantity"] = p.quantity;
  if (f.created_on) j["createdOn"] = format_iso8601(p.created_on);
  if (f.updated_on) j["updatedOn"] = format_iso8601(p.updated_on);
  if (f.catalogue) j["catalogue"] = {{"id", p.catalogue_ref}, {"ref", p.catalogue_ref}};
  return j;
}

json setting_node(const SettingRecord& s) {
  return {{"id", std::to_string(s.id)},
          {"name", s.name},
          {"valueType", s.value_type},
          {"lobValue", s.lob_value},
          {"value", s.value ? json(*s.value) : json(nullptr)},
          {"context", s.context},
          {"contextId", s.context_id}};
}

// first/last/after/before → a PageRequest, validating the page size.
PageRequest page_request(const json& args, size_t default_size, size_t max_size) {
  PageRequest page;
  const auto first = int_arg(args, "first");
  const auto last = int_arg(args, "last");
  if (first && last) fail("C0130E", "Arguments 'first' and 'last' cannot be used together");
  const auto requested = first ? first : last;
  if (requested && *requested < 0) fail("C0130E", "Page size must not be negative");
  if (requested && static_cast<uint64_t>(*requested) > max_size) {
    fail("C0001E", "Query complexity too high: a page of " + std::to_string(*requested) +
                       " exceeds the maximum page size of " + std::to_string(max_size));
  }
  page.count = requested ? static_cast<size_t>(*requested) : default_size;
  page.backward = last.has_value();
  if (auto after = string_arg(args, "after")) page.after = decode_cursor(*after, "after");
  if (auto before = string_arg(args, "before")) page.before = decode_cursor(*before, "before");
  return page;
}

const std::vector<std::string> kValueTypes = {"LOB", "STRING", "INTEGER", "BOOLEAN", "JSON"};
const std::vector<std::string> kContexts = {"GLOBAL", "ACCOUNT", "RETAILER", "AGENT", "CUSTOMER"};

void check_value_type(const std::string& t) {
  if (std::find(kValueTypes.begin(), kValueTypes.end(), t) == kValueTypes.end()) {
    fail("C0130E", "Unsupported valueType '" + t + "'; expected LOB, STRING, INTEGER, BOOLEAN or JSON");
  }
}

void check_context(const std::string& c) {
  if (std::find(kContexts.begin(), kContexts.end(), c) == kContexts.end()) {
    fail("C0130E", "Unsupported context '" + c + "'; expected ACCOUNT, RETAILER, AGENT or CUSTOMER");
  }
}

}  // namespace

Result<std::unique_ptr<FluentGraphQL>> FluentGraphQL::create(SimState& state, Stats& stats, FluentApiOptions options,
                                                            Clock clock) {
  auto schema = graphql::Schema::parse(fluent_schema_sdl());
  if (!schema.ok()) return schema.error().context("sim/schema/fluent.graphql");
  std::unique_ptr<FluentGraphQL> api(new FluentGraphQL(state, stats, options, std::move(clock)));
  FluentGraphQL* self = api.get();
  std::map<std::string, graphql::Resolver> resolvers = {
      {"Query.virtualPositions", [self](const auto& ctx) { return self->virtual_positions(ctx); }},
      {"Query.virtualPosition", [self](const auto& ctx) { return self->virtual_position(ctx); }},
      {"Query.settings", [self](const auto& ctx) { return self->settings(ctx); }},
      {"Query.setting", [self](const auto& ctx) { return self->setting(ctx); }},
      {"Mutation.createSetting", [self](const auto& ctx) { return self->create_setting(ctx); }},
      {"Mutation.updateSetting", [self](const auto& ctx) { return self->update_setting(ctx); }},
  };
  api->executor_ = std::make_unique<graphql::Executor>(std::move(schema).value(), std::move(resolvers));
  return api;
}

graphql::Response FluentGraphQL::execute(graphql::Request&& request) const {
  return executor_->execute(std::move(request));
}

json FluentGraphQL::virtual_positions(const graphql::ResolveContext& ctx) const {
  stats_.add("fluent.graphql.virtualPositions");
  const json& args = ctx.arguments;
  PositionFilter filter;
  const json* catalogue = arg(args, "catalogue");
  auto catalogue_ref = catalogue ? string_arg(*catalogue, "ref") : std::nullopt;
  if (!catalogue_ref) fail("C0130E", "Argument 'catalogue' is required to search virtual positions");
  filter.catalogue_ref = *catalogue_ref;
  filter.refs = string_list_arg(args, "ref");
  filter.product_refs = string_list_arg(args, "productRef");
  filter.statuses = string_list_arg(args, "status");
  filter.types = string_list_arg(args, "type");
  filter.group_refs = string_list_arg(args, "groupRef");
  filter.quantities = int_list_arg(args, "quantity");
  // A list argument given as [] matches nothing, like an SQL IN ().
  for (const char* name : {"ref", "productRef", "status", "type", "groupRef", "quantity"}) {
    const json* v = arg(args, name);
    if (v && v->is_array() && v->empty()) return {{"edges", json::array()}, {"pageInfo", page_info(false, false)}};
  }
  date_range(args, "updatedOn", filter.updated_from, filter.updated_to);
  date_range(args, "createdOn", filter.created_from, filter.created_to);
  const PageRequest page = page_request(args, options_.default_page_size, options_.max_page_size);

  const PositionPage result = state_.positions.find(filter, page);
  const NodeFields fields(ctx.field);
  json edges = json::array();
  for (const auto& p : result.items) {
    json edge = json::object();
    edge["node"] = position_node(p, fields);
    edge["cursor"] = encode_cursor(p.seq);
    edges.push_back(std::move(edge));
  }
  return {{"edges", std::move(edges)}, {"pageInfo", page_info(result.has_next_page, result.has_previous_page)}};
}

json FluentGraphQL::virtual_position(const graphql::ResolveContext& ctx) const {
  stats_.add("fluent.graphql.virtualPosition");
  const json* catalogue = arg(ctx.arguments, "catalogue");
  auto catalogue_ref = catalogue ? string_arg(*catalogue, "ref") : std::nullopt;
  auto ref = string_arg(ctx.arguments, "ref");
  if (!catalogue_ref || !ref) return nullptr;
  auto p = state_.positions.get(*catalogue_ref, *ref);
  if (!p) return nullptr;
  return position_node(*p, NodeFields(nullptr));
}

json FluentGraphQL::settings(const graphql::ResolveContext& ctx) const {
  stats_.add("fluent.graphql.settings");
  const json& args = ctx.arguments;
  SettingFilter filter;
  filter.names = string_list_arg(args, "name");
  filter.contexts = string_list_arg(args, "context");
  filter.context_ids = int_list_arg(args, "contextId");
  filter.value_types = string_list_arg(args, "valueType");
  const auto values = string_list_arg(args, "value");
  const PageRequest page = page_request(args, options_.default_page_size, options_.max_page_size);

  std::vector<SettingRecord> matches;
  for (auto& s : state_.settings.find(filter)) {
    if (!values.empty() && (!s.value || std::find(values.begin(), values.end(), *s.value) == values.end())) continue;
    const auto id = static_cast<uint64_t>(s.id);
    if (page.after && id <= *page.after) continue;
    if (page.before && id >= *page.before) continue;
    matches.push_back(std::move(s));
  }
  bool next = false, previous = false;
  if (!page.backward) {
    next = matches.size() > page.count;
    if (next) matches.resize(page.count);
    previous = page.after.has_value();
  } else {
    previous = matches.size() > page.count;
    if (previous) matches.erase(matches.begin(), matches.end() - static_cast<std::ptrdiff_t>(page.count));
    next = page.before.has_value();
  }
  json edges = json::array();
  for (const auto& s : matches) {
    edges.push_back({{"node", setting_node(s)}, {"cursor", encode_cursor(static_cast<uint64_t>(s.id))}});
  }
  return {{"edges", std::move(edges)}, {"pageInfo", page_info(next, previous)}};
}

json FluentGraphQL::setting(const graphql::ResolveContext& ctx) const {
  stats_.add("fluent.graphql.setting");
  auto id = int_arg(ctx.arguments, "id");
  if (!id) return nullptr;
  auto s = state_.settings.get(*id);
  if (!s) return nullptr;
  return setting_node(*s);
}

json FluentGraphQL::create_setting(const graphql::ResolveContext& ctx) const {
  stats_.add("fluent.graphql.createSetting");
  const json* input = arg(ctx.arguments, "input");
  if (!input) fail("C0130E", "Argument 'input' is required");
  SettingRecord s;
  s.name = string_arg(*input, "name").value_or("");
  s.value_type = string_arg(*input, "valueType").value_or("");
  s.context = string_arg(*input, "context").value_or("");
  s.context_id = int_arg(*input, "contextId").value_or(0);
  s.value = string_arg(*input, "value");
  if (const json* lob = arg(*input, "lobValue")) s.lob_value = *lob;
  if (s.name.empty()) fail("C0130E", "Setting name must not be empty");
  check_value_type(s.value_type);
  check_context(s.context);
  auto created = state_.settings.create(std::move(s));
  if (!created.ok()) fail("C0140E", created.error().message);
  return setting_node(created.value());
}

json FluentGraphQL::update_setting(const graphql::ResolveContext& ctx) const {
  stats_.add("fluent.graphql.updateSetting");
  const json* input = arg(ctx.arguments, "input");
  if (!input) fail("C0130E", "Argument 'input' is required");
  const json* id_value = arg(*input, "id");
  const auto id = id_value ? as_int(*id_value) : std::nullopt;
  if (!id) fail("C0120E", "Setting with id " + (id_value ? id_value->dump() : std::string("null")) + " not found");
  SettingPatch patch;
  if (auto name = string_arg(*input, "name")) patch.name = *name;
  if (auto value_type = string_arg(*input, "valueType")) {
    check_value_type(*value_type);
    patch.value_type = *value_type;
  }
  if (auto context = string_arg(*input, "context")) {
    check_context(*context);
    patch.context = *context;
  }
  if (auto context_id = int_arg(*input, "contextId")) patch.context_id = *context_id;
  if (has_key(*input, "value")) patch.value = string_arg(*input, "value");
  if (has_key(*input, "lobValue")) patch.lob_value = (*input)["lobValue"];
  auto updated = state_.settings.update(*id, patch);
  if (!updated.ok()) {
    fail(updated.error().code == ErrorCode::kNotFound ? "C0120E" : "C0140E", updated.error().message);
  }
  return setting_node(updated.value());
}

}  // namespace fct::sim
