#include "sync/batch_setting.h"

namespace fct {
namespace {

Error setting_error(const std::string& name, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "setting " + name + ": " + what);
}

}  // namespace

Result<BatchSetting> parse_batch_setting(const nlohmann::json& node, const std::string& setting_name) {
  BatchSetting s;
  s.name = setting_name;
  if (!node.is_object()) return setting_error(setting_name, "node is not an object");
  if (node.contains("id") && !node["id"].is_null()) {
    s.id = node["id"].is_string() ? node["id"].get<std::string>() : node["id"].dump();
  }
  if (node.contains("valueType") && node["valueType"].is_string()) s.value_type = node["valueType"].get<std::string>();
  const auto lob = node.find("lobValue");
  const auto value = node.find("value");
  if (lob != node.end() && !lob->is_null()) {
    s.in_lob_value = true;
    if (lob->is_string()) {  // some clients store the JSON text in lobValue
      try {
        s.document = nlohmann::json::parse(lob->get<std::string>());
      } catch (const nlohmann::json::parse_error& e) {
        return setting_error(setting_name, std::string("lobValue is not valid JSON: ") + e.what());
      }
    } else {
      s.document = *lob;
    }
  } else if (value != node.end() && value->is_string()) {
    s.in_lob_value = false;
    try {
      s.document = nlohmann::json::parse(value->get<std::string>());
    } catch (const nlohmann::json::parse_error& e) {
      return setting_error(setting_name, std::string("value is not valid JSON: ") + e.what());
    }
  } else {
    return setting_error(setting_name, "has neither lobValue nor a JSON string in value");
  }
  if (!s.document.is_object()) return setting_error(setting_name, "JSON is not an object");
  const auto props = s.document.find("props");
  if (props == s.document.end() || !props->is_object()) {
    return setting_error(setting_name, "props is missing (need props.ctChannelKey and "
                                       "props.fluentAggregateVirtualCatalogueRef)");
  }
  auto required = [&](const char* key, std::string& out) -> Status {
    auto it = props->find(key);
    if (it == props->end() || !it->is_string() || it->get<std::string>().empty()) {
      return setting_error(setting_name, std::string("props.") + key + " is missing or not a non-empty string");
    }
    out = it->get<std::string>();
    return ok_status();
  };
  FCT_RETURN_IF_ERROR(required("ctChannelKey", s.props.channel_key));
  FCT_RETURN_IF_ERROR(required("fluentAggregateVirtualCatalogueRef", s.props.catalogue_ref));
  const auto prev = s.document.find("previousEndDate");
  if (prev != s.document.end() && !prev->is_null()) {
    if (!prev->is_string()) return setting_error(setting_name, "previousEndDate is not a string");
    auto t = parse_timestamp(prev->get<std::string>());
    if (!t.ok()) return setting_error(setting_name, "previousEndDate: " + t.error().message);
    s.previous_end = *t;
  }
  return s;
}

SyncWindow plan_window(const std::optional<Timestamp>& previous_end, Timestamp now, std::chrono::seconds overlap) {
  SyncWindow w;
  w.to = now;
  if (previous_end) {
    w.from = *previous_end - overlap;
    if (*previous_end > now) w.to = *previous_end;
  }
  return w;
}

nlohmann::json render_batch_setting(const nlohmann::json& document, const std::optional<Timestamp>& new_previous_end,
                                    const LastRun& run) {
  nlohmann::json out = document;
  if (new_previous_end) out["previousEndDate"] = format_timestamp_local(*new_previous_end);
  nlohmann::json props = {{"ctChannelKey", run.props.channel_key},
                          {"fluentAggregateVirtualCatalogueRef", run.props.catalogue_ref}};
  // A full sync has no window start: it covers everything since the epoch.
  Timestamp start = run.window.from.value_or(Timestamp{});
  nlohmann::json last = {{"param",
                          {{"start", format_timestamp_local(start)},
                           {"end", format_timestamp_local(run.window.to)},
                           {"props", props}}},
                         {"jobStart", format_timestamp_local(run.job_start)},
                         {"jobEnd", format_timestamp_local(run.job_end)},
                         {"status", run.status}};
  if (!run.reason.empty()) last["reason"] = run.reason;
  out["lastRun"] = std::move(last);
  return out;
}

}  // namespace fct
