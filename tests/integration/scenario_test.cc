// Runs every sync scenario in tests/scenarios/*.json against the real binary
// and the simulator. A scenario is data: what Fluent and commercetools hold
// before, the runs to make, and what must hold after each run. See
// tests/scenarios/README.md for the format.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

namespace fct::itest {
namespace {

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(FCT_SCENARIO_DIR)) {
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string write_config(const TempDir& dir, const nlohmann::json& props) {
  std::string path = dir.path() + "/connector.yml";
  std::ofstream out(path);
  out << "routes:\n  - name: batch-inventory-sync\n    handler: InventoryBatchHandler\n    props:\n";
  for (auto it = props.begin(); it != props.end(); ++it) {
    out << "      " << it.key() << ": \"" << (it->is_string() ? it->get<std::string>() : it->dump()) << "\"\n";
  }
  return path;
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, Holds) {
  std::ifstream in(GetParam());
  nlohmann::json scenario = nlohmann::json::parse(in, nullptr, true, /*ignore_comments=*/true);
  SCOPED_TRACE(scenario.value("description", GetParam()));
  Simulator sim;
  TempDir dir;
  sim.post("/_sim/load", scenario["data"]);
  std::vector<std::string> base_args = {"batch-inventory-sync", "--json"};
  if (scenario.contains("props")) {
    base_args.push_back("--config");
    base_args.push_back(write_config(dir, scenario["props"]));
  }
  int n = 0;
  for (const auto& run : scenario["runs"]) {
    SCOPED_TRACE("run " + std::to_string(++n));
    const auto actions = run.value("before", nlohmann::json::array());
    for (const auto& action : actions) {
      sim.post(action["post"].get<std::string>(), action.value("body", nlohmann::json::object()));
    }
    auto setting_before = batch_setting(sim.state());
    sim.post("/_sim/stats/reset", nlohmann::json::object());
    auto args = base_args;
    const auto extra_args = run.value("args", nlohmann::json::array());
    for (const auto& a : extra_args) args.push_back(a);
    auto result = run_connector(sim, args, dir.path() + "/data");
    EXPECT_EQ(result.exit_code, run.value("exit", 0)) << result.out << result.err;
    nlohmann::json summary;
    try {
      summary = nlohmann::json::parse(result.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "summary is not JSON: " << result.out << result.err;
      continue;
    }
    const auto expected_summary = run.value("summary", nlohmann::json::object());
    for (const auto& [key, expected] : expected_summary.items()) {
      EXPECT_EQ(summary[key], expected) << "summary." << key << " in " << summary.dump(2);
    }
    if (run.contains("reasonContains")) {
      EXPECT_NE(summary.value("reason", "").find(run["reasonContains"].get<std::string>()), std::string::npos)
          << summary.value("reason", "");
    }
    auto state = sim.state();
    if (run.contains("entries")) {
      std::map<std::string, int64_t> expected;
      for (const auto& [k, v] : run["entries"].items()) expected[k] = v.get<int64_t>();
      EXPECT_EQ(entries_by_channel(state), expected);
    }
    auto stats = sim.stats();
    const auto expected_stats = run.value("stats", nlohmann::json::object());
    for (const auto& [key, expected] : expected_stats.items()) {
      EXPECT_EQ(stats.value(key, 0), expected.get<int>()) << "simulator stats." << key << " in " << stats.dump();
    }
    auto setting_after = batch_setting(state);
    if (run.contains("setting")) {
      const auto& s = run["setting"];
      if (s.contains("status")) {
        EXPECT_EQ(setting_after["lastRun"]["status"], s["status"]) << setting_after.dump(2);
      }
      std::string prev = s.value("previousEndDate", "");
      if (prev == "unchanged") {
        EXPECT_EQ(setting_after.value("previousEndDate", nlohmann::json()),
                  setting_before.value("previousEndDate", nlohmann::json()));
      } else if (prev == "advanced") {
        ASSERT_TRUE(setting_after.contains("previousEndDate")) << setting_after.dump(2);
        EXPECT_NE(setting_after["previousEndDate"], setting_before.value("previousEndDate", nlohmann::json()));
        EXPECT_EQ(setting_after["previousEndDate"], setting_after["lastRun"]["param"]["end"]);
      }
      const auto kept = s.value("kept", nlohmann::json::array());
      for (const auto& key : kept) {
        EXPECT_EQ(setting_after[key.get<std::string>()], setting_before[key.get<std::string>()]) << key;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Scenario, ::testing::ValuesIn(scenario_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           auto name = std::filesystem::path(info.param).stem().string();
                           for (auto& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace fct::itest
