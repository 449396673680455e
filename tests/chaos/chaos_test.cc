// Chaos, crash and secrets tests (issue 4, points 7 and 8): the real binaries
// against the simulator with injected faults, a concurrent commercetools
// writer and SIGKILLs at random points. Seeds are printed; set FCT_CHAOS_SEED
// to replay one.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "chaos_util.h"

namespace fct::chaos {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string sku_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "SKU-%06d", i);
  return buf;
}

// j[key] when j is an object holding it, else `fallback` (nlohmann's value() throws on null).
json field(const json& j, const char* key, json fallback = json()) {
  return j.is_object() && j.contains(key) ? j[key] : fallback;
}
std::string str_field(const json& j, const char* key) {
  json v = field(j, key);
  return v.is_string() ? v.get<std::string>() : "";
}

int64_t ns_or(const std::optional<std::string>& s, int64_t fallback) {
  if (!s) return fallback;
  auto t = parse_time_ns(*s);
  return t ? *t : fallback;
}

// Entries of other channels, keyed "channel/sku" -> (id, version, quantity).
std::map<std::string, std::tuple<std::string, int64_t, int64_t>> foreign_entries(const json& state) {
  std::map<std::string, std::tuple<std::string, int64_t, int64_t>> out;
  for (const auto& [key, e] : index_entries(state).by_key) {
    if (e.channel_key != kChannel) out[key] = {e.id, e.version, e.quantity};
  }
  return out;
}

std::string brief(const json& s) {
  if (s.is_null()) return "(no JSON summary)";
  std::string out = s.value("status", "?") + " read=" + std::to_string(s.value("positionsRead", 0)) +
                    " created=" + std::to_string(s.value("created", 0)) +
                    " updated=" + std::to_string(s.value("updated", 0)) +
                    " unchanged=" + std::to_string(s.value("unchanged", 0)) +
                    " failed=" + std::to_string(s.value("failed", 0)) +
                    " conflicts=" + std::to_string(s.value("conflictsResolved", 0)) +
                    " http=" + std::to_string(s.value("httpRequests", 0));
  if (s.contains("reason")) out += " reason=\"" + s["reason"].get<std::string>().substr(0, 300) + "\"";
  // Per-item failure reasons, grouped (ids and versions stripped).
  if (s.contains("failures") && s["failures"].is_array()) {
    std::map<std::string, int> why;
    for (const auto& f : s["failures"]) {
      std::string r = f.is_object() && f.contains("reason") && f["reason"].is_string() ? f["reason"].get<std::string>() : "?";
      auto cut = r.find_first_of("0123456789");
      if (r.rfind("commercetools GraphQL error ", 0) == 0) cut = r.find(':');
      why[r.substr(0, std::min<size_t>(cut, 90))]++;
    }
    for (const auto& [r, n] : why) out += " [" + std::to_string(n) + "× " + r + "]";
  }
  return out;
}

// Checks one completed (not killed) run against the setting before and after it.
// Returns the parsed summary.
json check_completed_run(const std::string& label, const itest::ProcessResult& r, const json& before,
                         const json& after) {
  json s = parse_summary(r.out);
  EXPECT_FALSE(s.is_null()) << label << ": stdout is not a JSON summary\n" << r.out << "\n" << r.err;
  if (s.is_null()) return s;
  const std::string status = s.value("status", "");
  EXPECT_TRUE(status == "SUCCESSFUL" || status == "FAILED") << label << ": status " << status;
  EXPECT_EQ(r.exit_code == 0, status == "SUCCESSFUL") << label << ": exit " << r.exit_code << " with " << brief(s)
                                                      << "\n" << r.err.substr(0, 2000);
  auto prev_before = previous_end(before), prev_after = previous_end(after);
  json last = field(setting_value(after), "lastRun");
  if (status == "SUCCESSFUL") {
    EXPECT_EQ(s.value("failed", -1), 0) << label << ": SUCCESSFUL with failures: " << s.dump();
    EXPECT_TRUE(prev_after.has_value()) << label << ": SUCCESSFUL but no previousEndDate";
    if (prev_after) {
      EXPECT_GT(ns_or(prev_after, 0), ns_or(prev_before, -1))
          << label << ": SUCCESSFUL but previousEndDate did not advance: " << prev_before.value_or("(none)") << " -> "
          << *prev_after;
      if (s.contains("previousEndDate")) {
        EXPECT_EQ(parse_time_ns(s["previousEndDate"].get<std::string>()), parse_time_ns(*prev_after))
            << label << ": summary and setting disagree on previousEndDate";
      }
      if (s["window"].is_object() && s["window"]["to"].is_string()) {
        EXPECT_EQ(parse_time_ns(s["window"]["to"].get<std::string>()), parse_time_ns(*prev_after))
            << label << ": previousEndDate is not the window's end";
      }
    }
    EXPECT_EQ(str_field(last, "status"), "SUCCESSFUL") << label << ": setting lastRun " << last.dump();
  } else {
    EXPECT_EQ(prev_before, prev_after) << label << ": FAILED run moved previousEndDate " << brief(s);
    EXPECT_TRUE(s.contains("reason")) << label << ": FAILED without a reason";
    // lastRun may be unchanged (Fluent unreachable at the end) but never claims success for this run.
    json last_before = field(setting_value(before), "lastRun");
    if (last != last_before) {
      EXPECT_EQ(str_field(last, "status"), "FAILED") << label << ": " << last.dump();
    }
  }
  return s;
}

// ---------------------------------------------------------------------------
// 1. Chaos: 20,000 positions, every fault kind, a concurrent writer.

TEST(Chaos, ConvergesUnderFaultsAndConcurrentWriter) {
  const auto t0 = Clock::now();
  const uint64_t seed = seed_from_env(4242);
  const int kPositions = 20000;
  const int kDeltaRuns = 6;
  std::printf("[chaos] seed=%llu positions=%d (replay: FCT_CHAOS_SEED=%llu)\n", (unsigned long long)seed, kPositions,
              (unsigned long long)seed);
  Simulator sim({"--positions", std::to_string(kPositions), "--seed", std::to_string(seed)});
  itest::TempDir dir;
  // A short overlap keeps successive windows apart, so the watermark rule is tested sharply.
  const std::string config = write_config(dir.path(), {{"overlap-seconds", 2}, {"page-size", 500}});
  const std::string data_dir = dir.path() + "/data";

  // Entries in another channel that the connector must never touch.
  json others = json::array();
  for (int i = 1; i <= 300; ++i) {
    others.push_back({{"sku", sku_of((i * 61) % kPositions + 1)}, {"supplyChannel", kOtherChannel},
                      {"quantityOnStock", 7777}});
  }
  sim.post("/_sim/load", {{"ct", {{"entries", others}}}});
  json state = sim.state();
  const auto foreign0 = foreign_entries(state);
  ASSERT_EQ(foreign0.size(), 300u);
  const std::string channel = itest::channel_id(state, kChannel);
  ASSERT_FALSE(channel.empty());
  std::vector<std::string> all_skus;
  for (int i = 1; i <= kPositions; ++i) all_skus.push_back(sku_of(i));

  const json faults = fault_mix(seed, 0.02, 0.03, 1, 20);
  sim.post("/_sim/faults", faults);
  CtWriter writer(sim, channel, seed ^ 0x5eed, all_skus);
  writer.start();

  int runs = 0, successful = 0, failed = 0;
  int64_t conflicts = 0, created = 0, updated = 0;
  std::vector<std::string> statuses;
  auto run_once = [&](const std::string& label, bool mid_run_touch, uint64_t touch_seed) -> json {
    json before = sim.state();
    const auto run_start = Clock::now();
    Child child(run_argv(config), sim.connector_env(data_dir));
    std::thread toucher;
    if (mid_run_touch) {
      // Fluent keeps changing while the run is in flight: these land after the
      // window's end and must be picked up by a later run.
      toucher = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        sim.post("/_sim/positions/touch", {{"count", 60}, {"seed", touch_seed}});
      });
    }
    auto r = child.wait(150);
    if (toucher.joinable()) toucher.join();
    const double secs = since(run_start);
    json after = sim.state();
    const auto writer_skus = writer.touched();  // taken after the state: a superset of what it shows
    json s = check_completed_run(label, r, before, after);
    ++runs;
    const std::string status = s.is_null() ? "?" : s.value("status", "?");
    statuses.push_back(status);
    (status == "SUCCESSFUL" ? successful : failed)++;
    if (!s.is_null()) {
      conflicts += s.value("conflictsResolved", 0);
      created += s.value("created", 0);
      updated += s.value("updated", 0);
    }
    std::printf("[chaos] %s: exit=%d %s %.2fs\n", label.c_str(), r.exit_code, brief(s).c_str(), secs);
    // The embedded store records what the summary says.
    auto recorded = recorded_run_statuses(data_dir);
    EXPECT_EQ(recorded.size(), static_cast<size_t>(runs)) << label;
    if (!recorded.empty()) {
      EXPECT_EQ(recorded.back(), status) << label << ": runs table disagrees";
    }
    // Watermark rule: every position updated up to previousEndDate is in commercetools
    // (except SKUs the concurrent writer changed behind the connector's back).
    if (auto prev = previous_end(after)) {
      auto diff = diff_channel(after, writer_skus, parse_time_ns(*prev));
      EXPECT_TRUE(diff.empty()) << label << ": previousEndDate " << *prev << " but not written:\n"
                                << testing::PrintToString(diff);
    }
    EXPECT_TRUE(index_entries(after).duplicates.empty()) << label;
    EXPECT_EQ(foreign_entries(after), foreign0) << label << ": entries of another channel changed";
    return s;
  };

  json first = run_once("run 1 (full, faults on)", false, 0);
  if (!first.is_null()) {
    EXPECT_GT(first.value("httpRetries", 0), 0) << "the summary shows the transport's retries";
  }
  for (int i = 1; i <= kDeltaRuns; ++i) {
    auto touched = sim.post("/_sim/positions/touch", {{"count", 400}, {"seed", seed * 100 + i}});
    std::vector<std::string> hot = touched.value("productRefs", std::vector<std::string>{});
    if (i % 2 == 0) {  // some go INACTIVE (→ 0 in commercetools)
      std::vector<std::string> deactivate(hot.begin(), hot.begin() + std::min<size_t>(25, hot.size()));
      sim.post("/_sim/positions/touch", {{"productRefs", deactivate}, {"status", "INACTIVE"}});
    }
    writer.set_hot(hot);
    run_once("run " + std::to_string(i + 1) + " (delta, faults on)", true, seed * 100 + 50 + i);
  }

  writer.stop();
  // The writer's changes are invisible to a delta sync unless Fluent changes too:
  // touch those positions (quantities unchanged) so the final window covers them.
  const auto writer_skus = writer.touched();
  std::vector<std::string> refs(writer_skus.begin(), writer_skus.end());
  sim.post("/_sim/positions/touch", {{"productRefs", refs}});
  sim.post("/_sim/faults", json::object());
  json s = run_once("final run (faults off)", false, 0);
  ASSERT_FALSE(s.is_null());
  EXPECT_EQ(s.value("status", ""), "SUCCESSFUL") << brief(s);
  EXPECT_EQ(s.value("httpRetries", -1), 0) << "faults off: nothing to retry";

  state = sim.state();
  auto idx = index_entries(state);
  EXPECT_TRUE(idx.duplicates.empty()) << testing::PrintToString(idx.duplicates);
  auto diff = diff_channel(state);
  EXPECT_TRUE(diff.empty()) << "commercetools != Fluent after the final run:\n" << testing::PrintToString(diff);
  EXPECT_EQ(foreign_entries(state), foreign0);
  size_t in_channel = 0;
  for (const auto& [k, e] : idx.by_key) in_channel += e.channel_key == kChannel;
  EXPECT_EQ(in_channel, static_cast<size_t>(kPositions));

  auto stats = sim.stats();
  std::string st;
  for (const auto& x : statuses) st += (st.empty() ? "" : ",") + x;
  std::printf(
      "[chaos] FIGURES seed=%llu positions=%d runs=%d successful=%d failed=%d statuses=%s created=%lld updated=%lld "
      "conflictsResolved=%lld writerUpdates=%lld writerSkus=%zu ctRequests=%lld fluentRequests=%lld "
      "faults[%s] elapsed=%.1fs\n",
      (unsigned long long)seed, kPositions, runs, successful, failed, st.c_str(), (long long)created,
      (long long)updated, (long long)conflicts, (long long)writer.updates_applied(), writer_skus.size(),
      (long long)stats.value("ct.graphql.requests", 0), (long long)stats.value("fluent.graphql.requests", 0),
      format_counts(fault_counts(stats)).c_str(), since(t0));
}

// ---------------------------------------------------------------------------
// 2. Crash: SIGKILL at random points, restart, converge.

TEST(Crash, KilledRunsConvergeAndNeverClaimAnUnfinishedWindow) {
  const auto t0 = Clock::now();
  const uint64_t seed = seed_from_env(777);
  const int kPositions = 20000;
  const int kCycles = 10;
  std::printf("[crash] seed=%llu positions=%d (replay: FCT_CHAOS_SEED=%llu)\n", (unsigned long long)seed, kPositions,
              (unsigned long long)seed);
  Simulator sim({"--positions", std::to_string(kPositions), "--seed", std::to_string(seed), "--latency-ms", "2", "--latency-jitter-ms", "2"});
  itest::TempDir dir;
  const std::string config = write_config(dir.path(), {{"overlap-seconds", 2}, {"page-size", 500}});
  const std::string data_dir = dir.path() + "/data";
  std::mt19937_64 rng(seed);

  int killed = 0, completed = 0, completed_ok = 0, advanced_by_killed = 0, advances = 0;
  size_t rows = 0;
  std::vector<double> kill_delays;
  auto check_state = [&](const std::string& label, const json& state) {
    auto prev = previous_end(state);
    json last = field(setting_value(state), "lastRun");
    if (str_field(last, "status") == "SUCCESSFUL") {
      ASSERT_TRUE(prev.has_value()) << label;
      EXPECT_EQ(parse_time_ns(str_field(field(last, "param"), "end")), parse_time_ns(*prev))
          << label << ": lastRun SUCCESSFUL for a window that is not previousEndDate: " << last.dump();
    }
    EXPECT_TRUE(index_entries(state).duplicates.empty()) << label;
    if (prev) {
      auto diff = diff_channel(state, {}, parse_time_ns(*prev));
      EXPECT_TRUE(diff.empty()) << label << ": previousEndDate " << *prev
                                << " claims a window that was not completely written:\n"
                                << testing::PrintToString(diff);
    }
    // Only a run that completed its window may be recorded SUCCESSFUL in the embedded store.
    auto recorded = recorded_run_statuses(data_dir);
    EXPECT_LE(std::count(recorded.begin(), recorded.end(), std::string("SUCCESSFUL")), advances)
        << label << ": the runs table claims more SUCCESSFUL runs than windows completed: "
        << testing::PrintToString(recorded);
  };

  // Kill anywhere in a run: the delay is drawn from 0..1.2× the duration of the
  // last run of the same kind that finished (first guesses: full 2 s, delta 0.5 s).
  double est_full_ms = 2000, est_delta_ms = 500;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    // After a completed full sync, each cycle changes 4,000 positions (a few hundred ms of writes).
    if (previous_end(sim.state())) sim.post("/_sim/positions/touch", {{"count", 4000}, {"seed", seed * 1000 + cycle}});
    json before = sim.state();
    const bool full = !previous_end(before).has_value();
    double& est = full ? est_full_ms : est_delta_ms;
    const int delay = 5 + static_cast<int>(std::uniform_real_distribution<double>(0, 1.2)(rng) * est);
    Child child(run_argv(config), sim.connector_env(data_dir));
    while (!child.exited() && child.elapsed_s() * 1000 < delay) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const double at_ms = child.elapsed_s() * 1000;
    const bool was_killed = child.kill9();
    json after = sim.state();
    const std::string label = "cycle " + std::to_string(cycle) + (full ? " (full" : " (delta") + ", kill at " +
                              std::to_string(delay) + " ms)";
    const bool advanced = previous_end(after) != previous_end(before);
    advances += advanced;
    auto recorded = recorded_run_statuses(data_dir);
    if (recorded.size() > rows) {  // this run's row (a kill before the store opened leaves none)
      const std::string& row = recorded.back();
      // (a finished run's row is compared with its summary below)
      if (was_killed && advanced) {
        EXPECT_TRUE(row == "RUNNING" || row == "SUCCESSFUL") << label << ": row " << row;
      } else if (was_killed) {
        EXPECT_EQ(row, "RUNNING") << label << ": killed before its window completed, recorded " << row;
      }
    } else {
      EXPECT_TRUE(was_killed) << label << ": a completed run left no row in the runs table";
    }
    rows = recorded.size();
    if (was_killed) {
      ++killed;
      kill_delays.push_back(delay);
      advanced_by_killed += advanced;
      std::printf("[crash] %s: killed; previousEndDate %s\n", label.c_str(),
                  advanced ? "advanced (the kill came after the setting was written)" : "unchanged");
    } else {
      est = at_ms;
      auto r = child.wait();
      ++completed;
      json s = check_completed_run(label, r, before, after);
      if (!s.is_null() && s.value("status", "") == "SUCCESSFUL") ++completed_ok;
      if (!recorded.empty() && !s.is_null()) {
        EXPECT_EQ(recorded.back(), s.value("status", "")) << label;
      }
      std::printf("[crash] %s: finished first (%.0f ms): exit=%d %s\n", label.c_str(), at_ms, r.exit_code,
                  brief(s).c_str());
    }
    check_state(label, after);
  }

  // Final, unkilled run.
  json before = sim.state();
  Child child(run_argv(config), sim.connector_env(data_dir));
  auto r = child.wait(120);
  const double final_s = child.elapsed_s();
  json state = sim.state();
  json s = check_completed_run("final run", r, before, state);
  ++completed;
  if (!s.is_null() && s.value("status", "") == "SUCCESSFUL") ++completed_ok;
  std::printf("[crash] final run: exit=%d %s %.2fs\n", r.exit_code, brief(s).c_str(), final_s);
  EXPECT_EQ(r.exit_code, 0);
  advances += previous_end(state) != previous_end(before);
  check_state("final", state);
  auto diff = diff_channel(state);
  EXPECT_TRUE(diff.empty()) << "commercetools != Fluent after the final run:\n" << testing::PrintToString(diff);
  EXPECT_GE(killed, 3) << "too few kills landed mid-run to mean anything";

  std::string delays;
  for (double d : kill_delays) delays += (delays.empty() ? "" : ",") + std::to_string(static_cast<int>(d));
  auto stats = sim.stats();
  std::printf(
      "[crash] FIGURES seed=%llu positions=%d cycles=%d killed=%d (delays ms: %s) killedAfterSettingWrite=%d "
      "finishedBeforeKill=%d completedSuccessful=%d ctCreates=%lld ctUpdates=%lld final=%s elapsed=%.1fs\n",
      (unsigned long long)seed, kPositions, kCycles, killed, delays.c_str(), advanced_by_killed, completed - 1,
      completed_ok, (long long)stats.value("ct.graphql.createInventoryEntry", 0),
      (long long)stats.value("ct.graphql.updateInventoryEntry", 0), brief(s).c_str(), since(t0));
}

// ---------------------------------------------------------------------------
// 3. Secrets never reach stdout or stderr, even when requests fail.

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t)in[i] << 16 | (uint8_t)in[i + 1] << 8 | (uint8_t)in[i + 2];
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t v = (uint8_t)in[i] << 16;
    out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t)in[i] << 16 | (uint8_t)in[i + 1] << 8;
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
  }
  return out;
}

TEST(Secrets, NeverInOutputUnderFaults) {
  const auto t0 = Clock::now();
  const uint64_t seed = seed_from_env(99);
  const std::string fluent_client = "chaos-fluent-client", fluent_secret = "Fsecret-chaos-9a1f0c";
  const std::string fluent_user = "chaos-user", fluent_password = "Fpassword-chaos-77c2e1";
  const std::string ct_client = "chaos-ct-client", ct_secret = "CTsecret-chaos-41be5d";
  Simulator sim({"--positions", "3000", "--seed", std::to_string(seed), "--fluent-client-id", fluent_client,
                 "--fluent-client-secret", fluent_secret, "--fluent-username", fluent_user, "--fluent-password",
                 fluent_password, "--ct-client-id", ct_client, "--ct-client-secret", ct_secret});
  itest::TempDir dir;
  const std::string data_dir = dir.path() + "/data";
  auto env = sim.connector_env(data_dir);
  env["FLUENT_CLIENT_ID"] = fluent_client;
  env["FLUENT_CLIENT_SECRET"] = fluent_secret;
  env["FLUENT_USERNAME"] = fluent_user;
  env["FLUENT_PASSWORD"] = fluent_password;
  env["CTP_CLIENT_ID"] = ct_client;
  env["CTP_CLIENT_SECRET"] = ct_secret;
  env["FCT_LOG_LEVEL"] = "trace";
  // Higher rates than the chaos test: more error paths, more token refreshes.
  sim.post("/_sim/faults", fault_mix(seed, 0.04, 0.05, 0, 10));

  std::string output;
  std::vector<std::string> statuses;
  auto run = [&](const std::map<std::string, std::string>& e, const std::vector<std::string>& extra) {
    auto argv = run_argv("");
    argv.insert(argv.end(), extra.begin(), extra.end());
    Child child(argv, e);
    auto r = child.wait(120);
    output += r.out + "\n" + r.err + "\n";
    statuses.push_back(std::to_string(r.exit_code));
  };
  run(env, {});
  for (int i = 0; i < 3; ++i) {
    sim.post("/_sim/positions/touch", {{"count", 200}, {"seed", seed + i}});
    run(env, {});
  }
  // Text output too, and a dry run that lists planned writes.
  sim.post("/_sim/positions/touch", {{"count", 50}, {"seed", seed + 10}});
  {
    Child child({FCT_BIN, "run", "batch-inventory-sync", "--dry-run"}, env);
    auto r = child.wait(120);
    output += r.out + "\n" + r.err + "\n";
    statuses.push_back(std::to_string(r.exit_code));
  }
  // Credentials the APIs reject: the error paths that are most tempted to echo them.
  auto wrong = env;
  wrong["CTP_CLIENT_SECRET"] = "Wrong-ct-secret-5d0e";
  run(wrong, {});
  wrong = env;
  wrong["FLUENT_PASSWORD"] = "Wrong-fluent-password-8c3a";
  run(wrong, {});

  auto stats = sim.stats();
  ASSERT_FALSE(output.empty());
  const std::vector<std::string> secrets = {
      fluent_secret, fluent_password, ct_secret, "Wrong-ct-secret-5d0e", "Wrong-fluent-password-8c3a",
      base64(ct_client + ":" + ct_secret), base64(fluent_client + ":" + fluent_secret),
      base64(ct_client + ":Wrong-ct-secret-5d0e")};
  for (const auto& secret : secrets) {
    auto at = output.find(secret);
    EXPECT_EQ(at, std::string::npos) << "secret \"" << secret << "\" in the output: …"
                                     << output.substr(at == std::string::npos ? 0 : (at > 200 ? at - 200 : 0), 400);
  }
  // The simulators' tokens (not exposed by /_sim/) are 32 lowercase hex digits; no such run
  // may appear (ids are UUID-like, with dashes), nor a dumped Authorization header.
  size_t hex_run = 0;
  for (size_t i = 0; i <= output.size(); ++i) {
    const bool hex = i < output.size() && ((output[i] >= '0' && output[i] <= '9') || (output[i] >= 'a' && output[i] <= 'f'));
    if (hex) {
      ++hex_run;
      continue;
    }
    EXPECT_NE(hex_run, 32u) << "token-like string in the output: " << output.substr(i - hex_run, hex_run);
    hex_run = 0;
  }
  for (const char* bearer : {"Authorization: ", "authorization: "}) {  // a header dump
    auto at = output.find(bearer);
    EXPECT_EQ(at, std::string::npos) << "\"" << bearer << "\" in the output: …"
                                     << output.substr(at == std::string::npos ? 0 : (at > 200 ? at - 200 : 0), 400);
  }
  EXPECT_EQ(output.find("access_token"), std::string::npos);
  EXPECT_EQ(output.find("password="), std::string::npos);
  EXPECT_EQ(output.find("client_secret"), std::string::npos);
  std::string st;
  for (const auto& x : statuses) st += (st.empty() ? "" : ",") + x;
  std::printf("[secrets] FIGURES seed=%llu runs=%zu exits=%s outputBytes=%zu tokensIssued=%lld faults[%s] elapsed=%.1fs\n",
              (unsigned long long)seed, statuses.size(), st.c_str(), output.size(),
              (long long)(stats.value("fluent.token", 0) + stats.value("ct.token", 0)),
              format_counts(fault_counts(stats)).c_str(), since(t0));
}

}  // namespace
}  // namespace fct::chaos
