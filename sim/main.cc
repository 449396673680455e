// fluent-ct-sim: serves simulated Fluent Commerce and commercetools APIs on
// one port until SIGINT or SIGTERM. See docs/SIMULATOR.md.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "sim/simulator.h"

int main(int argc, char** argv) {
  using fct::sim::SimulatorOptions;
  SimulatorOptions o;
  std::string faults_json;

  CLI::App app{"fluent-ct-sim: simulated Fluent Commerce and commercetools APIs"};
  app.add_option("--host", o.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", o.port, "Port (0 = ephemeral)")->capture_default_str();
  app.add_option("--port-file", o.port_file, "Write the port number to this file once listening");
  app.add_option("--threads", o.threads, "HTTP worker threads")->capture_default_str();
  app.add_option("--positions", o.positions, "Generate N virtual positions")->capture_default_str();
  app.add_option("--seed", o.seed, "Seed for generated data and faults")->capture_default_str();
  app.add_option("--catalogue", o.catalogue, "Aggregate virtual catalogue ref")->capture_default_str();
  app.add_option("--channel-key", o.channel_key, "commercetools supply channel key")->capture_default_str();
  app.add_option("--retailer", o.retailer, "Fluent retailer id (setting contextId)")->capture_default_str();
  app.add_option("--account", o.account, "Fluent account id")->capture_default_str();
  app.add_option("--data", o.data_file, "JSON data file loaded after generation");
  app.add_option("--latency-ms", o.latency_ms, "Latency added to every API request")->capture_default_str();
  app.add_option("--latency-jitter-ms", o.latency_jitter_ms, "Extra uniform random latency 0..J")
      ->capture_default_str();
  app.add_option("--faults", faults_json, "Fault configuration as JSON (see docs/SIMULATOR.md)");
  app.add_option("--fluent-client-id", o.fluent_client_id)->capture_default_str();
  app.add_option("--fluent-client-secret", o.fluent_client_secret)->capture_default_str();
  app.add_option("--fluent-username", o.fluent_username)->capture_default_str();
  app.add_option("--fluent-password", o.fluent_password)->capture_default_str();
  app.add_option("--ct-client-id", o.ct_client_id)->capture_default_str();
  app.add_option("--ct-client-secret", o.ct_client_secret)->capture_default_str();
  app.add_option("--ct-project-key", o.ct_project_key)->capture_default_str();
  app.add_option("--token-ttl-s", o.token_ttl_s, "Fluent access token lifetime")->capture_default_str();
  app.add_option("--ct-token-ttl-s", o.ct_token_ttl_s, "commercetools access token lifetime")
      ->capture_default_str();
  app.add_option("--default-page-size", o.default_page_size, "Fluent page size when `first` is omitted")
      ->capture_default_str();
  app.add_option("--max-page-size", o.max_page_size, "Largest Fluent `first` accepted")->capture_default_str();
  app.add_option("--max-fluent-body", o.max_fluent_body, "Largest Fluent GraphQL body in bytes (413 beyond)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (!faults_json.empty()) {
    auto parsed = nlohmann::json::parse(faults_json, nullptr, false);
    if (parsed.is_discarded()) {
      std::cerr << "fluent-ct-sim: --faults is not valid JSON\n";
      return 2;
    }
    auto config = fct::sim::parse_fault_config(parsed);
    if (!config.ok()) {
      std::cerr << "fluent-ct-sim: " << config.error().message << "\n";
      return 2;
    }
    o.faults = config.value();
  }

  // Large GraphQL responses allocate and free many small blocks; keep freed
  // memory instead of trimming and re-faulting it on every request.
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
  mallopt(M_TOP_PAD, 64 * 1024 * 1024);

  // Block the stop signals before any thread starts, then wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto sim = fct::sim::Simulator::create(o);
  if (!sim.ok()) {
    std::cerr << "fluent-ct-sim: " << sim.error().to_string() << "\n";
    return 1;
  }
  auto started = sim.value()->start();
  if (!started.ok()) {
    std::cerr << "fluent-ct-sim: " << started.error().to_string() << "\n";
    return 1;
  }
  std::cout << "fluent-ct-sim listening on " << sim.value()->base_url() << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cerr << "fluent-ct-sim: stopping (signal " << signal << ")\n";
  sim.value()->stop();
  return 0;
}
