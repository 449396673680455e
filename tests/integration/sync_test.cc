// End-to-end runs on generated catalogues: the demo's path, at test size.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

namespace fct::itest {
namespace {

nlohmann::json run_json(const Simulator& sim, const std::string& data_dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"batch-inventory-sync", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto result = run_connector(sim, args, data_dir);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  try {
    return nlohmann::json::parse(result.out);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not JSON: " << result.out << result.err;
    return nlohmann::json::object();
  }
}

TEST(Sync, FullThenDeltaWritesOnlyWhatChanged) {
  Simulator sim({"--positions", "3000", "--seed", "11"});
  TempDir dir;
  auto first = run_json(sim, dir.path());
  EXPECT_EQ(first["status"], "SUCCESSFUL");
  EXPECT_EQ(first["positionsRead"], 3000);
  EXPECT_EQ(first["created"], 3000);
  EXPECT_EQ(first["failed"], 0);
  // Batched: far fewer requests than SKUs.
  EXPECT_LT(first["httpRequests"].get<int>(), 3000 / 10) << first.dump(2);

  // Every position is now an entry with Fluent's quantity (inactive → 0).
  auto state = sim.state();
  auto entries = entries_by_channel(state);
  EXPECT_EQ(entries.size(), 3000u);
  size_t checked = 0;
  for (const auto& p : state["fluent"]["positions"]) {
    int64_t want = p["status"] == "ACTIVE" ? p["quantity"].get<int64_t>() : 0;
    EXPECT_EQ(entries["ct-fluent-channel/" + p["productRef"].get<std::string>()], want);
    ++checked;
  }
  EXPECT_EQ(checked, 3000u);

  auto touched = sim.post("/_sim/positions/touch", {{"count", 40}, {"seed", 3}});
  sim.post("/_sim/stats/reset", nlohmann::json::object());
  auto second = run_json(sim, dir.path());
  EXPECT_EQ(second["status"], "SUCCESSFUL");
  EXPECT_EQ(second["positionsRead"], 40) << second.dump(2);
  EXPECT_EQ(second["created"], 0);
  EXPECT_LE(second["updated"].get<int>(), 40);
  EXPECT_EQ(second["updated"].get<int>() + second["unchanged"].get<int>(), 40);
  auto stats = sim.stats();
  EXPECT_EQ(stats.value("ct.graphql.createInventoryEntry", 0), 0);
  EXPECT_EQ(stats.value("ct.graphql.updateInventoryEntry", 0), second["updated"].get<int>());
  // The embedded store was used.
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/fluent-ct.db"));
}

TEST(Sync, TextSummaryNamesTheCounts) {
  Simulator sim({"--positions", "50"});
  TempDir dir;
  auto result = run_connector(sim, {"batch-inventory-sync"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* needle : {"SUCCESSFUL", "50 read", "50 created", "0 updated", "0 unchanged", "0 failed",
                             "HTTP", "duration"}) {
    EXPECT_NE(result.out.find(needle), std::string::npos) << needle << " in\n" << result.out;
  }
}

TEST(Sync, MissingCredentialIsNamedAndSecretsAreNotPrinted) {
  Simulator sim({"--positions", "5"});
  TempDir dir;
  auto env = sim.connector_env(dir.path());
  env.erase("CTP_CLIENT_ID");
  auto result = run_process({FCT_BIN, "run", "batch-inventory-sync"}, env);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("CTP_CLIENT_ID"), std::string::npos) << result.err;
  EXPECT_EQ((result.out + result.err).find("sim-ct-secret"), std::string::npos);
  EXPECT_EQ((result.out + result.err).find("sim-password"), std::string::npos);
}

TEST(Sync, WrongSecretFailsWithoutPrintingIt) {
  Simulator sim({"--positions", "5"});
  TempDir dir;
  auto env = sim.connector_env(dir.path());
  env["CTP_CLIENT_SECRET"] = "wrong-secret-value";
  auto result = run_process({FCT_BIN, "run", "batch-inventory-sync"}, env);
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("FAILED"), std::string::npos);
  EXPECT_EQ((result.out + result.err).find("wrong-secret-value"), std::string::npos);
  EXPECT_EQ((result.out + result.err).find("sim-password"), std::string::npos);
}

}  // namespace
}  // namespace fct::itest

namespace fct::itest {
namespace {

TEST(Sync, InterruptedRunResumesFromItsCheckpoint) {
  Simulator sim({"--positions", "3000", "--latency-ms", "40"});
  TempDir dir;
  std::string config = dir.path() + "/connector.yml";
  auto write_config = [&](int deadline_s) {
    std::ofstream out(config);
    out << "routes:\n  - name: batch-inventory-sync\n    handler: InventoryBatchHandler\n    props:\n"
        << "      page-size: 100\n      run-deadline-seconds: " << deadline_s << "\n";
  };
  write_config(1);
  auto setting_before = batch_setting(sim.state());
  auto first = run_connector(sim, {"batch-inventory-sync", "--json", "--config", config}, dir.path() + "/data");
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  auto s1 = nlohmann::json::parse(first.out);
  EXPECT_NE(s1["reason"].get<std::string>().find("run deadline"), std::string::npos) << s1.dump(2);
  EXPECT_EQ(s1["retryable"], true);
  EXPECT_LT(s1["positionsRead"].get<int>(), 3000);
  // A FAILED run leaves the watermark where it was.
  EXPECT_EQ(batch_setting(sim.state()).value("previousEndDate", nlohmann::json()),
            setting_before.value("previousEndDate", nlohmann::json()));

  write_config(3600);
  sim.post("/_sim/stats/reset", nlohmann::json::object());
  auto second = run_connector(sim, {"batch-inventory-sync", "--json", "--config", config}, dir.path() + "/data");
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  auto s2 = nlohmann::json::parse(second.out);
  EXPECT_GT(s2.value("resumedAfterPage", 0), 0) << s2.dump(2);
  // The resumed pages count once; the catch-up pass after the resumed window may
  // re-read the few positions updated within the overlap before the first run.
  EXPECT_GE(s2["positionsRead"].get<int>(), 3000);
  EXPECT_LT(s2["positionsRead"].get<int>(), 3100);
  // The resumed run read fewer pages than the whole catalogue.
  EXPECT_LT(sim.stats().value("fluent.graphql.virtualPositions", 0), 30);
  auto state = sim.state();
  auto entries = entries_by_channel(state);
  EXPECT_EQ(entries.size(), 3000u);
  for (const auto& p : state["fluent"]["positions"]) {
    int64_t want = p["status"] == "ACTIVE" ? p["quantity"].get<int64_t>() : 0;
    ASSERT_EQ(entries["ct-fluent-channel/" + p["productRef"].get<std::string>()], want) << p.dump();
  }
  EXPECT_EQ(batch_setting(state)["lastRun"]["status"], "SUCCESSFUL");
}

}  // namespace
}  // namespace fct::itest
