#include "fluent/settings.h"

namespace fct {

Result<nlohmann::json> find_setting(GraphQLClient& fluent, const std::string& document, const SettingKey& key) {
  nlohmann::json vars = {{"name", {key.name}}, {"context", {key.context}}, {"contextId", {key.context_id}}};
  auto data = fluent.query("fluent.settings", document, vars);
  if (!data.ok()) return data.error().context("reading " + key.describe());
  const nlohmann::json* edges = nullptr;
  if (data->is_object() && data->contains("settings") && (*data)["settings"].is_object() &&
      (*data)["settings"].contains("edges") && (*data)["settings"]["edges"].is_array()) {
    edges = &(*data)["settings"]["edges"];
  }
  if (!edges) return make_error(ErrorCode::kProtocol, key.describe() + ": settings reply has no edges");
  for (const auto& edge : *edges) {
    if (edge.is_object() && edge.contains("node") && edge["node"].is_object() &&
        edge["node"].value("name", std::string()) == key.name) {
      return edge["node"];
    }
  }
  return make_error(ErrorCode::kNotFound, key.describe() + " does not exist: create it with props.ctChannelKey and "
                                                           "props.fluentAggregateVirtualCatalogueRef");
}

Status update_setting(GraphQLClient& fluent, const std::string& document, const std::string& id, const SettingKey& key,
                      const nlohmann::json& json, bool as_lob_value, const std::string& value_type) {
  nlohmann::json input = {{"id", id},
                          {"name", key.name},
                          {"context", key.context},
                          {"contextId", key.context_id},
                          {"valueType", value_type}};
  if (as_lob_value) {
    input["lobValue"] = json;
  } else {
    input["value"] = json.dump();
  }
  auto data = fluent.query("fluent.updateSetting", document, {{"input", input}});
  if (!data.ok()) return data.error().context("writing " + key.describe());
  return ok_status();
}

}  // namespace fct
