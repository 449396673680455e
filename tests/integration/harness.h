// Runs the real binaries for integration tests: the simulator as a child
// process (its port read from its first stdout line, no polling) and
// fluent-ct runs with a controlled environment and captured output.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fct::itest {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` with exactly `env` as its environment and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);

class Simulator {
 public:
  // Starts fluent-ct-sim with `args` (plus --port 0) and waits for it to listen.
  explicit Simulator(std::vector<std::string> args = {});
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Control endpoints (/_sim/…). Fail the test on a non-2xx reply.
  nlohmann::json get(const std::string& path) const;
  nlohmann::json post(const std::string& path, const nlohmann::json& body) const;
  nlohmann::json state() const { return get("/_sim/state"); }
  nlohmann::json stats() const { return get("/_sim/stats"); }

  // Environment for fluent-ct pointing at this simulator with its default credentials.
  std::map<std::string, std::string> connector_env(const std::string& data_dir) const;

 private:
  int pid_ = -1;
  int port_ = 0;
};

// fluent-ct run <args…> against the simulator.
ProcessResult run_connector(const Simulator& sim, const std::vector<std::string>& args, const std::string& data_dir);

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Helpers over /_sim/state.
std::string channel_id(const nlohmann::json& state, const std::string& key);
// Entries keyed "channelKey/sku" -> quantityOnStock; count of entries per (sku, channel) checked unique.
std::map<std::string, int64_t> entries_by_channel(const nlohmann::json& state);
nlohmann::json batch_setting(const nlohmann::json& state);

}  // namespace fct::itest

namespace fct::itest {

// `fluent-ct serve` as a child process on an ephemeral port.
class Service {
 public:
  Service(const Simulator& sim, const std::string& data_dir, std::vector<std::string> args = {},
          std::map<std::string, std::string> extra_env = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  int port() const { return port_; }
  int pid() const { return pid_; }
  // SIGTERM and wait; returns the exit code (or 128+signal).
  int terminate();
  // kill -9, no cleanup.
  void kill9();
  // Where the service's stderr (its log) goes.
  const std::string& log_path() const { return log_; }
  std::string log() const;

  struct Reply {
    int status = 0;
    nlohmann::json body;
  };
  Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                std::map<std::string, std::string> headers = {}, bool with_api_key = true) const;

  static constexpr const char* kApiKey = "itest-api-key";

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string log_;
};

}  // namespace fct::itest
