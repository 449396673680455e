// fluent-ct-sim: one HTTP/1.1 server that simulates the Fluent Commerce and
// commercetools APIs the connector uses, plus control endpoints for tests
// and demos. See docs/SIMULATOR.md for URLs, flags and the data-file format.
//
// URL layout (one port):
//   POST /fluent/oauth/token           Fluent OAuth (password / client_credentials)
//   POST /fluent/graphql               Fluent GraphQL
//   POST /ct-auth/oauth/token          commercetools OAuth (client_credentials, HTTP Basic)
//   POST /ct/{projectKey}/graphql      commercetools GraphQL
//   GET  /_sim/health | /_sim/stats | /_sim/state | /_sim/faults
//   POST /_sim/stats/reset | /_sim/load | /_sim/positions/touch | /_sim/faults
//
// Usage in-process (tests):
//   auto sim = Simulator::create(options);          // builds and fills the stores
//   FCT_RETURN_IF_ERROR((*sim)->start());          // listening when this returns
//   httplib::Client client("127.0.0.1", (*sim)->port());
//   ...
//   (*sim)->stop();                                // also done by the destructor
//
// Thread safety: start() and stop() must not race each other; everything
// else (stores, stats, faults) is safe to use while the server runs.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "sim/data.h"
#include "sim/faults.h"
#include "sim/stats.h"
#include "sim/util.h"

namespace fct::sim {

struct SimulatorOptions {
  std::string host = "127.0.0.1";
  int port = 0;             // 0 = ephemeral
  std::string port_file;    // when set, start() writes the port here (tmp + rename)
  size_t threads = 256;     // HTTP worker threads (each keep-alive connection holds one)

  // Data: generated, then the data file (if any) replaces the sections it has.
  size_t positions = 0;
  uint64_t seed = 1;
  std::string catalogue = "ATS:1";
  std::string channel_key = "ct-fluent-channel";
  int64_t retailer = 1;
  std::string account = "ACME";
  std::string data_file;

  int latency_ms = 0;         // added to every API request
  int latency_jitter_ms = 0;  // plus a uniform 0..jitter
  FaultConfig faults;

  std::string fluent_client_id = "sim-client";
  std::string fluent_client_secret = "sim-secret";
  std::string fluent_username = "sim-user";
  std::string fluent_password = "sim-password";
  std::string ct_client_id = "sim-ct-client";
  std::string ct_client_secret = "sim-ct-secret";
  std::string ct_project_key = "sim-project";
  int64_t token_ttl_s = 86400;      // Fluent tokens
  int64_t ct_token_ttl_s = 172800;  // commercetools tokens (48 h)

  size_t default_page_size = 100;   // Fluent `first` when omitted
  size_t max_page_size = 5000;      // Fluent `first` above this is an error
  size_t max_fluent_body = 2 * 1024 * 1024;  // larger Fluent GraphQL bodies get 413

  Clock clock;  // defaults to the system clock
};

class Simulator {
 public:
  // Builds the stores (generator, then data file). Does not listen yet.
  static Result<std::unique_ptr<Simulator>> create(SimulatorOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Binds, starts serving on a background thread and returns once the socket
  // accepts connections (and the port file, if any, is written).
  Status start();
  // Stops serving and joins the server thread. Idempotent.
  void stop();

  int port() const;
  std::string base_url() const;  // http://host:port

  SimState& state();
  Stats& stats();
  FaultInjector& faults();
  const SimulatorOptions& options() const;

 private:
  struct Impl;
  explicit Simulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fct::sim
