// Fault injection for the simulated APIs, configured per API with a
// probability per request (or per mutation field) and drawn deterministically
// from a seed: the n-th request to an API always gets the same decision for
// the same configuration (request numbering restarts when the config is set).
//
// JSON form (flag --faults and POST /_sim/faults):
//   {"seed": 1,
//    "fluent": {"http500": 0.02, "http502": 0, "http503": 0.02, "http504": 0, "http429": 0.01,
//               "retryAfterS": 1, "reset": 0.01, "slow": 0.0, "slowMs": 0,
//               "invalidJson": 0.0, "truncate": 0.0, "graphqlError": 0.0, "expireToken": 0.0},
//    "ct": {…the same…, "concurrentWriter": 0.0, "duplicateRace": 0.0}}
//
// Thread safety: all methods are safe to call concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace fct::sim {

struct ApiFaults {
  double http500 = 0, http502 = 0, http503 = 0, http504 = 0, http429 = 0;
  int retry_after_s = 1;
  double reset = 0;         // close the connection without a response (after processing)
  double slow = 0;          // add slow_ms to the request
  int slow_ms = 0;
  double invalid_json = 0;  // 200 with a body that is not JSON (after processing)
  double truncate = 0;      // the response body cut in half (after processing)
  double graphql_error = 0; // 200 with a temporary GraphQL error (nothing processed)
  double expire_token = 0;  // the bearer token expires now: 401 invalid_token
  double concurrent_writer = 0;  // ct: another writer updates the entry first
  double duplicate_race = 0;     // ct: another writer creates the entry first
};

struct FaultConfig {
  uint64_t seed = 1;
  ApiFaults fluent;
  ApiFaults ct;
};

// Parses the JSON form; unknown keys and probabilities outside [0, 1] are errors.
Result<FaultConfig> parse_fault_config(const nlohmann::json& json);
nlohmann::json fault_config_to_json(const FaultConfig& config);

enum class Api { kFluent, kCt };

// What happens to one request. At most one of the exclusive faults applies.
struct FaultDecision {
  enum class Kind { kNone, kHttp500, kHttp502, kHttp503, kHttp504, kHttp429, kReset, kInvalidJson, kTruncate,
                    kGraphqlError, kExpireToken };
  Kind kind = Kind::kNone;
  int slow_ms = 0;
  int retry_after_s = 0;
};

const char* fault_name(FaultDecision::Kind kind);

class FaultInjector {
 public:
  void configure(const FaultConfig& config);
  FaultConfig config() const;
  // The decision for the next request to `api`.
  FaultDecision next_request(Api api);
  // Per mutation field (ct only): should a concurrent writer / racing creator act now?
  bool next_concurrent_writer();
  bool next_duplicate_race();

 private:
  mutable std::mutex mu_;
  FaultConfig config_;
  bool any_fluent_ = false, any_ct_ = false;
  std::atomic<uint64_t> fluent_n_{0}, ct_n_{0}, writer_n_{0}, race_n_{0};
};

}  // namespace fct::sim
