#include "sync/batch_setting.h"

#include <gtest/gtest.h>

namespace fct {
namespace {

using namespace std::chrono;
const std::string kName = "fc.connect.commercetools.batch.batch-inventory-sync";

nlohmann::json seed_setting() {
  return nlohmann::json::parse(R"({
    "previousEndDate": "2022-10-20T04:12:08.812570167",
    "props": {"ctChannelKey": "ct-fluent-channel", "fluentAggregateVirtualCatalogueRef": "ATS:1"},
    "lastRun": {"status": "SUCCESSFUL"},
    "partnerKey": {"kept": true}})");
}

TEST(BatchSetting, ParsesLobValue) {
  auto s = parse_batch_setting({{"id", 42}, {"name", kName}, {"valueType", "JSON"}, {"lobValue", seed_setting()}}, kName);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->id, "42");
  EXPECT_TRUE(s->in_lob_value);
  EXPECT_EQ(s->props.channel_key, "ct-fluent-channel");
  EXPECT_EQ(s->props.catalogue_ref, "ATS:1");
  ASSERT_TRUE(s->previous_end.has_value());
  EXPECT_EQ(format_timestamp_local(*s->previous_end), "2022-10-20T04:12:08.812570167");
}

TEST(BatchSetting, AcceptsJsonStringInValue) {
  auto s = parse_batch_setting({{"id", "7"}, {"value", seed_setting().dump()}, {"lobValue", nullptr}}, kName);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->in_lob_value);
  EXPECT_EQ(s->props.catalogue_ref, "ATS:1");
}

TEST(BatchSetting, FirstRunHasNoPreviousEndDate) {
  auto doc = seed_setting();
  doc.erase("previousEndDate");
  auto s = parse_batch_setting({{"id", 1}, {"lobValue", doc}}, kName);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->previous_end.has_value());
}

TEST(BatchSetting, ErrorsNameTheSettingAndTheKey) {
  struct Case {
    nlohmann::json node;
    std::string expected;
  };
  auto no_channel = seed_setting();
  no_channel["props"].erase("ctChannelKey");
  auto bad_date = seed_setting();
  bad_date["previousEndDate"] = "yesterday";
  std::vector<Case> cases = {
      {{{"id", 1}, {"value", "{not json"}}, "value is not valid JSON"},
      {{{"id", 1}, {"lobValue", {{"previousEndDate", nullptr}}}}, "props is missing"},
      {{{"id", 1}, {"lobValue", no_channel}}, "props.ctChannelKey is missing"},
      {{{"id", 1}, {"lobValue", bad_date}}, "previousEndDate: invalid timestamp \"yesterday\""},
      {{{"id", 1}}, "neither lobValue nor"},
      {{{"id", 1}, {"lobValue", "[1,2]"}}, "not an object"},
  };
  for (const auto& c : cases) {
    auto s = parse_batch_setting(c.node, kName);
    ASSERT_FALSE(s.ok()) << c.node.dump();
    EXPECT_NE(s.error().message.find("setting " + kName), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find(c.expected), std::string::npos) << s.error().message;
  }
}

TEST(SyncWindow, FirstRunCoversEverythingUpToNow) {
  Timestamp now = *parse_timestamp("2024-05-01T10:00:00Z");
  auto w = plan_window(std::nullopt, now, seconds(300));
  EXPECT_FALSE(w.from.has_value());
  EXPECT_EQ(w.to, now);
}

TEST(SyncWindow, DeltaStartsOverlapBeforePreviousEnd) {
  Timestamp prev = *parse_timestamp("2024-05-01T09:00:00Z");
  Timestamp now = *parse_timestamp("2024-05-01T10:00:00Z");
  auto w = plan_window(prev, now, seconds(300));
  ASSERT_TRUE(w.from.has_value());
  EXPECT_EQ(format_timestamp_utc(*w.from), "2024-05-01T08:55:00.000000000Z");
  EXPECT_EQ(w.to, now);
}

TEST(SyncWindow, NeverEndsBeforePreviousEnd) {
  Timestamp prev = *parse_timestamp("2024-05-01T11:00:00Z");  // our clock is behind Fluent's
  Timestamp now = *parse_timestamp("2024-05-01T10:00:00Z");
  auto w = plan_window(prev, now, seconds(0));
  EXPECT_EQ(w.to, prev);
}

TEST(BatchSetting, RenderKeepsUnknownKeysAndSeedShape) {
  auto doc = seed_setting();
  LastRun run;
  run.window = {*parse_timestamp("2024-05-01T08:55:00Z"), *parse_timestamp("2024-05-01T10:00:00Z")};
  run.props = {"ct-fluent-channel", "ATS:1"};
  run.job_start = *parse_timestamp("2024-05-01T10:00:00Z");
  run.job_end = *parse_timestamp("2024-05-01T10:00:05Z");
  run.status = "SUCCESSFUL";
  auto out = render_batch_setting(doc, run.window.to, run);
  EXPECT_EQ(out["partnerKey"]["kept"], true);
  EXPECT_EQ(out["previousEndDate"], "2024-05-01T10:00:00.000000000");
  EXPECT_EQ(out["lastRun"]["param"]["start"], "2024-05-01T08:55:00.000000000");
  EXPECT_EQ(out["lastRun"]["param"]["end"], "2024-05-01T10:00:00.000000000");
  EXPECT_EQ(out["lastRun"]["param"]["props"]["fluentAggregateVirtualCatalogueRef"], "ATS:1");
  EXPECT_EQ(out["lastRun"]["jobEnd"], "2024-05-01T10:00:05.000000000");
  EXPECT_EQ(out["lastRun"]["status"], "SUCCESSFUL");
  EXPECT_FALSE(out["lastRun"].contains("reason"));
}

TEST(BatchSetting, FailedRunLeavesPreviousEndDate) {
  auto doc = seed_setting();
  LastRun run;
  run.window = {std::nullopt, *parse_timestamp("2024-05-01T10:00:00Z")};
  run.status = "FAILED";
  run.reason = "channel not found";
  auto out = render_batch_setting(doc, std::nullopt, run);
  EXPECT_EQ(out["previousEndDate"], "2022-10-20T04:12:08.812570167");
  EXPECT_EQ(out["lastRun"]["status"], "FAILED");
  EXPECT_EQ(out["lastRun"]["reason"], "channel not found");
}

}  // namespace
}  // namespace fct
