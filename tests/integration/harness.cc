#include "harness.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace fct::itest {
namespace {

std::vector<char*> cstrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv_in, const std::map<std::string, std::string>& env_in) {
  TempDir dir;
  std::string out_path = dir.path() + "/out", err_path = dir.path() + "/err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv = argv_in;
  std::vector<std::string> env;
  for (const auto& [k, v] : env_in) env.push_back(k + "=" + v);
  auto a = cstrings(argv);
  auto e = cstrings(env);
  pid_t pid = -1;
  ProcessResult result;
  if (posix_spawn(&pid, a[0], &actions, nullptr, a.data(), e.data()) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    ADD_FAILURE() << "cannot start " << argv_in[0];
    return result;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

Simulator::Simulator(std::vector<std::string> args) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe");
  std::vector<std::string> argv = {FCT_SIM_BIN, "--host", "127.0.0.1", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto a = cstrings(argv);
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    // The simulator dies with the test process, even when the test crashes,
    // and never holds ctest's output pipes open.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    dup2(fds[1], 1);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 2);
    close(fds[0]);
    execv(a[0], a.data());
    _exit(127);
  }
  close(fds[1]);
  // The first line is "fluent-ct-sim listening on http://127.0.0.1:PORT".
  std::string line;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(fds[0]);  // later output goes nowhere; the simulator must tolerate EPIPE
  auto colon = line.rfind(':');
  if (line.find("listening on") == std::string::npos || colon == std::string::npos) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    throw std::runtime_error("simulator did not start: \"" + line + "\"");
  }
  port_ = std::stoi(line.substr(colon + 1));
}

Simulator::~Simulator() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);  // it holds nothing worth a graceful stop
    waitpid(pid_, nullptr, 0);
  }
}

// The control calls wait as long as the simulator needs: dumping the state
// of 20,000 positions takes seconds in a sanitizer build, under a parallel ctest.
constexpr time_t kControlTimeoutSeconds = 90;

nlohmann::json Simulator::get(const std::string& path) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(kControlTimeoutSeconds, 0);
  auto res = client.Get(path.c_str());
  if (!res || res->status / 100 != 2) {
    ADD_FAILURE() << "GET " << path << " failed: " << (res ? std::to_string(res->status) + " " + res->body : "no reply");
    return nullptr;
  }
  return nlohmann::json::parse(res->body);
}

nlohmann::json Simulator::post(const std::string& path, const nlohmann::json& body) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(kControlTimeoutSeconds, 0);
  auto res = client.Post(path.c_str(), body.dump(), "application/json");
  if (!res || res->status / 100 != 2) {
    ADD_FAILURE() << "POST " << path << " failed: " << (res ? std::to_string(res->status) + " " + res->body : "no reply");
    return nullptr;
  }
  return res->body.empty() ? nlohmann::json() : nlohmann::json::parse(res->body);
}

std::map<std::string, std::string> Simulator::connector_env(const std::string& data_dir) const {
  return {{"PATH", "/usr/bin:/bin"},
          {"FLUENT_BASE_URL", url() + "/fluent"},
          {"FLUENT_ACCOUNT", "ACME"},
          {"FLUENT_RETAILER_ID", "1"},
          {"FLUENT_CLIENT_ID", "sim-client"},
          {"FLUENT_CLIENT_SECRET", "sim-secret"},
          {"FLUENT_USERNAME", "sim-user"},
          {"FLUENT_PASSWORD", "sim-password"},
          {"CTP_PROJECT_KEY", "sim-project"},
          {"CTP_CLIENT_ID", "sim-ct-client"},
          {"CTP_CLIENT_SECRET", "sim-ct-secret"},
          {"CTP_AUTH_URL", url() + "/ct-auth"},
          {"CTP_API_URL", url() + "/ct"},
          {"CTP_SCOPES", "manage_project:sim-project"},
          {"FLUENT_CT_DATA_DIR", data_dir}};
}

ProcessResult run_connector(const Simulator& sim, const std::vector<std::string>& args, const std::string& data_dir) {
  std::vector<std::string> argv = {FCT_BIN, "run"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, sim.connector_env(data_dir));
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/fct-itest-XXXXXX";
  path_ = mkdtemp(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string channel_id(const nlohmann::json& state, const std::string& key) {
  for (const auto& c : state["ct"]["channels"]) {
    if (c["key"] == key) return c["id"];
  }
  return "";
}

std::map<std::string, int64_t> entries_by_channel(const nlohmann::json& state) {
  std::map<std::string, std::string> key_of;
  for (const auto& c : state["ct"]["channels"]) key_of[c["id"]] = c["key"];
  std::map<std::string, int64_t> out;
  for (const auto& e : state["ct"]["entries"]) {
    std::string channel = e.contains("supplyChannel") && e["supplyChannel"].is_string()
                              ? key_of[e["supplyChannel"].get<std::string>()]
                              : "-";
    auto key = channel + "/" + e["sku"].get<std::string>();
    EXPECT_EQ(out.count(key), 0u) << "duplicate entry " << key;
    out[key] = e["quantityOnStock"].get<int64_t>();
  }
  return out;
}

nlohmann::json batch_setting(const nlohmann::json& state) {
  for (const auto& s : state["fluent"]["settings"]) {
    if (s["name"] == "fc.connect.commercetools.batch.batch-inventory-sync") {
      if (!s["lobValue"].is_null()) return s["lobValue"];
      auto parsed = nlohmann::json::parse(s["value"].get<std::string>(), nullptr, /*allow_exceptions=*/false);
      return parsed.is_discarded() ? s["value"] : parsed;
    }
  }
  return nullptr;
}

}  // namespace fct::itest

namespace fct::itest {

Service::Service(const Simulator& sim, const std::string& data_dir, std::vector<std::string> args,
                 std::map<std::string, std::string> extra_env) {
  auto env_map = sim.connector_env(data_dir);
  env_map["FLUENT_CT_API_KEY"] = kApiKey;
  for (auto& [k, v] : extra_env) env_map[k] = v;
  std::vector<std::string> env;
  for (const auto& [k, v] : env_map) env.push_back(k + "=" + v);
  std::vector<std::string> argv = {FCT_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  auto a = cstrings(argv);
  auto e = cstrings(env);
  log_ = data_dir + ".serve.log";
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe");
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    dup2(fds[1], 1);
    int log_fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log_fd, 2);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    close(fds[0]);
    execve(a[0], a.data(), e.data());
    _exit(127);
  }
  close(fds[1]);
  std::string line;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(fds[0]);
  auto colon = line.rfind(':');
  if (line.find("listening on") == std::string::npos || colon == std::string::npos) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("fluent-ct serve did not start: \"" + line + "\"\n" + slurp(log_));
  }
  port_ = std::stoi(line.substr(colon + 1));
}

Service::~Service() {
  if (pid_ > 0) kill9();
}

int Service::terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void Service::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string Service::log() const { return slurp(log_); }

Service::Reply Service::request(const std::string& method, const std::string& path, const std::string& body,
                                std::map<std::string, std::string> headers, bool with_api_key) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(kControlTimeoutSeconds, 0);
  httplib::Headers h;
  for (auto& [k, v] : headers) h.emplace(k, v);
  if (with_api_key) h.emplace("Authorization", std::string("Bearer ") + kApiKey);
  httplib::Result res = method == "PUT"    ? client.Put(path.c_str(), h, body, "application/json")
                        : method == "POST" ? client.Post(path.c_str(), h, body, "application/json")
                                           : client.Get(path.c_str(), h);
  Reply reply;
  if (!res) return reply;
  reply.status = res->status;
  reply.body = nlohmann::json::parse(res->body, nullptr, false);
  return reply;
}

}  // namespace fct::itest
