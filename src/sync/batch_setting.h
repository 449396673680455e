// The job setting fc.connect.commercetools.batch.batch-inventory-sync and the
// sync window planned from it.
//
//   {"previousEndDate": "2022-10-20T04:12:08.812570167",
//    "props": {"ctChannelKey": "…", "fluentAggregateVirtualCatalogueRef": "ATS:1"},
//    "lastRun": {"param": {"start","end","props"}, "jobStart","jobEnd","status"}}
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/time.h"

namespace fct {

struct BatchProps {
  std::string channel_key;    // props.ctChannelKey
  std::string catalogue_ref;  // props.fluentAggregateVirtualCatalogueRef
};

struct BatchSetting {
  std::string id;                         // Fluent setting id, for updateSetting
  std::string name;
  bool in_lob_value = true;               // JSON came from lobValue (else a JSON string in value)
  std::string value_type = "JSON";        // valueType as stored, written back unchanged
  std::optional<Timestamp> previous_end;  // previousEndDate
  BatchProps props;
  nlohmann::json document;                // the whole JSON, unknown keys included
};

// Parses a settings node {id, name, valueType, value, lobValue, …}. Errors
// name the setting and the key: malformed JSON, missing props, bad dates.
Result<BatchSetting> parse_batch_setting(const nlohmann::json& node, const std::string& setting_name);

struct SyncWindow {
  std::optional<Timestamp> from;  // none: the whole catalogue (first run)
  Timestamp to{};
};

// [previousEndDate − overlap, now]; never ends before previousEndDate, so the
// watermark only moves forward even when clocks disagree.
SyncWindow plan_window(const std::optional<Timestamp>& previous_end, Timestamp now, std::chrono::seconds overlap);

struct LastRun {
  SyncWindow window;
  BatchProps props;
  Timestamp job_start{};
  Timestamp job_end{};
  std::string status;  // SUCCESSFUL, FAILED
  std::string reason;  // empty when SUCCESSFUL
};

// The setting's JSON after a run: lastRun replaced; previousEndDate moved to
// `new_previous_end` when given, else left as it was; every other key kept.
nlohmann::json render_batch_setting(const nlohmann::json& document, const std::optional<Timestamp>& new_previous_end,
                                    const LastRun& last_run);

}  // namespace fct
