#include "chaos_util.h"

#include "common/time.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace fct::chaos {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}


}  // namespace

uint64_t seed_from_env(uint64_t fallback) {
  const char* s = std::getenv("FCT_CHAOS_SEED");
  if (s && *s) return std::strtoull(s, nullptr, 10);
  return fallback;
}

// ---------------------------------------------------------------- Child

Child::Child(const std::vector<std::string>& argv_in, const std::map<std::string, std::string>& env_in) {
  char tmpl[] = "/tmp/fct-chaos-XXXXXX";
  dir_ = mkdtemp(tmpl);
  out_ = dir_ + "/out";
  err_ = dir_ + "/err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv = argv_in, env;
  for (const auto& [k, v] : env_in) env.push_back(k + "=" + v);
  std::vector<char*> a, e;
  for (auto& s : argv) a.push_back(s.data());
  a.push_back(nullptr);
  for (auto& s : env) e.push_back(s.data());
  e.push_back(nullptr);
  started_ = std::chrono::steady_clock::now();
  pid_t pid = -1;
  if (posix_spawn(&pid, a[0], &actions, nullptr, a.data(), e.data()) != 0) {
    ADD_FAILURE() << "cannot start " << argv_in[0];
    pid = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  pid_ = pid;
}

Child::~Child() {
  kill9();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

double Child::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

bool Child::exited() {
  if (pid_ <= 0 || reaped_) return true;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    status_ = status;
    return true;
  }
  return false;
}

bool Child::kill9() {
  if (pid_ <= 0 || reaped_ || exited()) return false;
  kill(pid_, SIGKILL);
  waitpid(pid_, &status_, 0);
  reaped_ = true;
  return true;
}

itest::ProcessResult Child::collect() {
  itest::ProcessResult r;
  r.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  r.out = slurp(out_);
  r.err = slurp(err_);
  return r;
}

itest::ProcessResult Child::wait(double timeout_s) {
  if (pid_ <= 0) return {};
  const auto deadline = started_ + std::chrono::duration<double>(timeout_s);
  while (!exited()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill9();
      ADD_FAILURE() << "fluent-ct did not finish within " << timeout_s << " s; killed";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return collect();
}

// ---------------------------------------------------------------- config, faults

std::vector<std::string> run_argv(const std::string& config_file) {
  std::vector<std::string> argv = {FCT_BIN, "run", "batch-inventory-sync", "--json"};
  if (!config_file.empty()) {
    argv.push_back("--config");
    argv.push_back(config_file);
  }
  return argv;
}

std::string write_config(const std::string& dir, const json& props) {
  std::string path = dir + "/connector.yml";
  std::ofstream out(path);
  out << "routes:\n  - name: batch-inventory-sync\n    handler: InventoryBatchHandler\n    props:\n";
  for (const auto& [k, v] : props.items()) out << "      " << k << ": " << v.dump() << "\n";
  return path;
}

json fault_mix(uint64_t seed, double p, double p_conflict, int retry_after_s, int slow_ms) {
  json api = {{"http500", p}, {"http502", p},    {"http503", p},      {"http504", p},      {"http429", p},
              {"retryAfterS", retry_after_s},    {"reset", p},        {"slow", p},         {"slowMs", slow_ms},
              {"invalidJson", p},                {"truncate", p},     {"graphqlError", p}, {"expireToken", p}};
  json ct = api;
  ct["concurrentWriter"] = p_conflict;
  ct["duplicateRace"] = p_conflict;
  return {{"seed", seed}, {"fluent", api}, {"ct", ct}};
}

json parse_summary(const std::string& out) {
  auto j = json::parse(out, nullptr, false);
  return j.is_discarded() || !j.is_object() ? json() : j;
}

// ---------------------------------------------------------------- state helpers

std::optional<int64_t> parse_time_ns(const std::string& s) {
  auto t = fct::parse_timestamp(s);
  if (!t.ok()) return std::nullopt;
  return t->time_since_epoch().count();
}

json setting_value(const json& state) { return itest::batch_setting(state); }

std::optional<std::string> previous_end(const json& state) {
  auto v = setting_value(state);
  if (v.is_object() && v.contains("previousEndDate") && v["previousEndDate"].is_string())
    return v["previousEndDate"].get<std::string>();
  return std::nullopt;
}

std::map<std::string, int64_t> expected_from_fluent(const json& state) {
  std::map<std::string, int64_t> out;
  for (const auto& p : state["fluent"]["positions"]) {
    out[p["productRef"].get<std::string>()] = p["status"] == "ACTIVE" ? p["quantity"].get<int64_t>() : 0;
  }
  return out;
}

EntriesIndex index_entries(const json& state) {
  std::map<std::string, std::string> key_of;
  for (const auto& c : state["ct"]["channels"]) key_of[c["id"]] = c["key"];
  EntriesIndex idx;
  for (const auto& e : state["ct"]["entries"]) {
    EntryView v;
    v.channel_key = e.contains("supplyChannel") && e["supplyChannel"].is_string()
                        ? key_of[e["supplyChannel"].get<std::string>()]
                        : "-";
    v.sku = e["sku"].get<std::string>();
    v.id = e["id"].get<std::string>();
    v.quantity = e["quantityOnStock"].get<int64_t>();
    v.version = e["version"].get<int64_t>();
    auto key = v.channel_key + "/" + v.sku;
    if (idx.by_key.count(key)) idx.duplicates.push_back(key);
    idx.by_key[key] = v;
    ++idx.total;
  }
  return idx;
}

std::vector<std::string> diff_channel(const json& state, const std::set<std::string>& skip,
                                      std::optional<int64_t> only_up_to_ns, size_t limit) {
  std::vector<std::string> out;
  size_t count = 0;
  auto add = [&](std::string line) {
    if (out.size() < limit) out.push_back(std::move(line));
    ++count;
  };
  auto idx = index_entries(state);
  for (const auto& d : idx.duplicates) add("duplicate entry " + d);
  std::set<std::string> fluent_skus;
  for (const auto& p : state["fluent"]["positions"]) {
    const std::string sku = p["productRef"];
    fluent_skus.insert(sku);
    if (skip.count(sku)) continue;
    if (only_up_to_ns) {
      auto t = parse_time_ns(p["updatedOn"].get<std::string>());
      if (!t || *t > *only_up_to_ns) continue;
    }
    const int64_t want = p["status"] == "ACTIVE" ? p["quantity"].get<int64_t>() : 0;
    auto it = idx.by_key.find(std::string(kChannel) + "/" + sku);
    if (it == idx.by_key.end()) {
      add(sku + ": no entry (Fluent " + std::to_string(want) + ", " + p["status"].get<std::string>() + ", updatedOn " +
          p["updatedOn"].get<std::string>() + ")");
    } else if (it->second.quantity != want) {
      add(sku + ": ct " + std::to_string(it->second.quantity) + " (v" + std::to_string(it->second.version) +
          ") != Fluent " + std::to_string(want) + " (" + p["status"].get<std::string>() + ", updatedOn " +
          p["updatedOn"].get<std::string>() + ")");
    }
  }
  if (!only_up_to_ns) {
    for (const auto& [key, e] : idx.by_key) {
      if (e.channel_key == kChannel && !fluent_skus.count(e.sku)) add("entry without a position: " + key);
    }
  }
  if (count > out.size()) out.push_back("… " + std::to_string(count - out.size()) + " more");
  return out;
}

std::map<std::string, int64_t> fault_counts(const json& stats) {
  std::map<std::string, int64_t> out;
  for (const auto& [k, v] : stats.items()) {
    if (k.rfind("faults.", 0) == 0 && v.is_number_integer()) out[k.substr(7)] = v.get<int64_t>();
  }
  return out;
}

std::string format_counts(const std::map<std::string, int64_t>& m) {
  std::string s;
  int64_t total = 0;
  for (const auto& [k, v] : m) {
    s += (s.empty() ? "" : " ") + k + "=" + std::to_string(v);
    total += v;
  }
  return "total=" + std::to_string(total) + (s.empty() ? "" : " " + s);
}

std::vector<std::string> recorded_run_statuses(const std::string& data_dir) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  const std::string path = data_dir + "/fluent-ct.db";
  if (!std::filesystem::exists(path)) return out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 2000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT status FROM runs ORDER BY id", -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  } else {
    ADD_FAILURE() << "runs table: " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// ---------------------------------------------------------------- CtWriter

CtWriter::CtWriter(const Simulator& sim, std::string channel_id, uint64_t seed, std::vector<std::string> all_skus)
    : sim_(sim), channel_id_(std::move(channel_id)), seed_(seed), all_skus_(std::move(all_skus)) {}

CtWriter::~CtWriter() { stop(); }

void CtWriter::start() { thread_ = std::thread([this] { loop(); }); }

void CtWriter::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void CtWriter::set_hot(std::vector<std::string> skus) {
  std::lock_guard lock(mu_);
  hot_ = std::move(skus);
}

std::set<std::string> CtWriter::touched() const {
  std::lock_guard lock(mu_);
  return touched_;
}

bool CtWriter::refresh_token() {
  httplib::Client c("127.0.0.1", sim_.port());
  c.set_connection_timeout(2, 0);
  c.set_read_timeout(5, 0);
  c.set_basic_auth("sim-ct-client", "sim-ct-secret");
  ++requests_;
  auto res = c.Post("/ct-auth/oauth/token?grant_type=client_credentials", "", "application/x-www-form-urlencoded");
  if (!res || res->status != 200) return false;
  auto j = json::parse(res->body, nullptr, false);
  if (j.is_discarded() || !j.contains("access_token")) return false;
  token_ = j["access_token"];
  return true;
}

std::optional<json> CtWriter::graphql(const std::string& body) {
  if (token_.empty() && !refresh_token()) return std::nullopt;
  httplib::Client c("127.0.0.1", sim_.port());
  c.set_connection_timeout(2, 0);
  c.set_read_timeout(5, 0);
  httplib::Headers h = {{"Authorization", "Bearer " + token_}};
  ++requests_;
  auto res = c.Post("/ct/sim-project/graphql", h, body, "application/json");
  if (!res) return std::nullopt;
  if (res->status == 401) {
    token_.clear();
    return std::nullopt;
  }
  if (res->status != 200) return std::nullopt;
  auto j = json::parse(res->body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

void CtWriter::loop() {
  std::mt19937_64 rng(seed_);
  // Bounded: at most this many iterations whatever happens.
  for (int iter = 0; iter < 20000 && !stop_; ++iter) {
    std::vector<std::string> pick;
    {
      std::lock_guard lock(mu_);
      for (int i = 0; i < 5 && !hot_.empty(); ++i) pick.push_back(hot_[rng() % hot_.size()]);
    }
    for (int i = 0; i < 5 && !all_skus_.empty(); ++i) pick.push_back(all_skus_[rng() % all_skus_.size()]);
    std::string where = "sku in (";
    for (size_t i = 0; i < pick.size(); ++i) where += (i ? ", \"" : "\"") + pick[i] + "\"";
    where += ") and supplyChannel(id = \"" + channel_id_ + "\")";
    json q = {{"query", "query($w: String) { inventoryEntries(where: $w, limit: 50) { results { id version sku } } }"},
              {"variables", {{"w", where}}}};
    auto found = graphql(q.dump());
    if (found && (*found)["data"].is_object() && (*found)["data"]["inventoryEntries"].is_object()) {
      const auto& results = (*found)["data"]["inventoryEntries"]["results"];
      if (!results.empty()) {
        std::string m = "mutation {";
        int n = 0;
        {
          std::lock_guard lock(mu_);
          for (const auto& r : results) touched_.insert(r["sku"].get<std::string>());  // before the write lands
        }
        for (const auto& r : results) {
          m += " u" + std::to_string(n++) + ": updateInventoryEntry(id: " + r["id"].dump() +
               ", version: " + std::to_string(r["version"].get<int64_t>()) +
               ", actions: [{changeQuantity: {quantity: " + std::to_string(1000 + rng() % 1000) + "}}]) { id }";
        }
        m += " }";
        auto done = graphql(json{{"query", m}}.dump());
        if (done && (*done)["data"].is_object()) {
          for (const auto& [k, v] : (*done)["data"].items()) {
            if (!v.is_null()) ++applied_;
          }
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace fct::chaos
