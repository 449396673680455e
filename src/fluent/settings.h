// Fluent settings: read one by name and context, write it back.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/graphql_client.h"
#include "common/result.h"

namespace fct {

struct SettingKey {
  std::string name;
  std::string context = "RETAILER";  // or ACCOUNT
  int64_t context_id = 0;
  std::string describe() const {
    return "setting " + name + " (context " + context + ", contextId " + std::to_string(context_id) + ")";
  }
};

// The setting node {id name valueType value lobValue context contextId}; kNotFound when absent.
Result<nlohmann::json> find_setting(GraphQLClient& fluent, const std::string& document, const SettingKey& key);

// Writes `json` into the setting `id`, as lobValue or as a JSON string in
// value (the form the setting already had), keeping its valueType.
Status update_setting(GraphQLClient& fluent, const std::string& document, const std::string& id, const SettingKey& key,
                      const nlohmann::json& json, bool as_lob_value, const std::string& value_type);

}  // namespace fct
