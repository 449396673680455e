// Helpers for the chaos, crash and secrets tests: connector processes that can
// be killed mid-run, a commercetools writer that races the connector, the
// fault mix, and the convergence / watermark checks over /_sim/state.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace fct::chaos {

using itest::Simulator;
using nlohmann::json;

constexpr const char* kSettingName = "fc.connect.commercetools.batch.batch-inventory-sync";
constexpr const char* kChannel = "ct-fluent-channel";
constexpr const char* kOtherChannel = "other-channel";

// Seed from FCT_CHAOS_SEED when set (to replay a failure), else `fallback`.
uint64_t seed_from_env(uint64_t fallback);

// A fluent-ct process started in the background, with its output in files.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Waits up to `timeout_s`; on timeout kills the process and fails the test.
  itest::ProcessResult wait(double timeout_s = 120);
  // True when the process has already exited (reaped; wait() returns its result).
  bool exited();
  // SIGKILL (if still running) and reap. Returns true if it was still running.
  bool kill9();
  double elapsed_s() const;

 private:
  itest::ProcessResult collect();
  int pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string dir_, out_, err_;
  std::chrono::steady_clock::time_point started_;
};

// argv for `fluent-ct run batch-inventory-sync --json [--config F]`.
std::vector<std::string> run_argv(const std::string& config_file);
// Writes a connector.yml overriding the batch route's props; returns its path.
std::string write_config(const std::string& dir, const json& props);

// The fault mix: each kind at `p` on both APIs, ct conflicts at `p_conflict`.
json fault_mix(uint64_t seed, double p, double p_conflict, int retry_after_s, int slow_ms);

// Parsed run output. `summary` is null when stdout was not JSON.
struct Run {
  int exit_code = -1;
  bool killed = false;
  json summary;
  std::string out, err;
  double seconds = 0;
};
json parse_summary(const std::string& out);

// ISO-8601 (with or without offset, any fraction) → ns since the epoch; nullopt if malformed.
std::optional<int64_t> parse_time_ns(const std::string& s);

// The job setting's lobValue (or parsed value), or null.
json setting_value(const json& state);
std::optional<std::string> previous_end(const json& state);

// Expected commercetools quantity per SKU from Fluent (ACTIVE → quantity, else 0).
std::map<std::string, int64_t> expected_from_fluent(const json& state);

struct EntryView {
  std::string channel_key;
  std::string sku;
  std::string id;
  int64_t quantity = 0;
  int64_t version = 0;
};
// Every entry; duplicates (same channel and sku) are listed in `duplicates`.
struct EntriesIndex {
  std::map<std::string, EntryView> by_key;  // "channel/sku"
  std::vector<std::string> duplicates;
  size_t total = 0;
};
EntriesIndex index_entries(const json& state);

// Differences between the channel and Fluent; empty when equal. At most `limit` lines.
// SKUs in `skip` are ignored; with `only_up_to_ns`, positions updated later are ignored
// (the watermark rule: everything up to previousEndDate is written).
std::vector<std::string> diff_channel(const json& state, const std::set<std::string>& skip = {},
                                      std::optional<int64_t> only_up_to_ns = std::nullopt, size_t limit = 20);

// "faults.ct.http503=4 …" from /_sim/stats, and the per-kind map.
std::map<std::string, int64_t> fault_counts(const json& stats);
std::string format_counts(const std::map<std::string, int64_t>& m);

// Status of the runs recorded in <data_dir>/fluent-ct.db, oldest first.
std::vector<std::string> recorded_run_statuses(const std::string& data_dir);

// Changes commercetools entries of one channel while the connector runs, as
// another system would: it reads an entry's id and version and writes an
// absolute quantity (1000..1999, outside Fluent's 0..500). Tolerates faults
// (it shares the simulator's fault configuration) and refreshes its token on 401.
class CtWriter {
 public:
  CtWriter(const Simulator& sim, std::string channel_id, uint64_t seed, std::vector<std::string> all_skus);
  ~CtWriter();
  void start();
  void stop();
  // SKUs the next iterations prefer (e.g. those the next run is about to write).
  void set_hot(std::vector<std::string> skus);
  // Every SKU it attempted to write (a superset of those it changed).
  std::set<std::string> touched() const;
  int64_t updates_applied() const { return applied_; }
  int64_t requests() const { return requests_; }

 private:
  void loop();
  bool refresh_token();
  std::optional<json> graphql(const std::string& query);

  const Simulator& sim_;
  std::string channel_id_;
  uint64_t seed_;
  std::vector<std::string> all_skus_;
  mutable std::mutex mu_;
  std::vector<std::string> hot_;
  std::set<std::string> touched_;
  std::string token_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> applied_{0}, requests_{0};
  std::thread thread_;
};

}  // namespace fct::chaos
