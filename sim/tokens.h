// Issued OAuth access tokens of one simulated API, with their expiry.
//
// Thread safety: all methods are safe to call concurrently.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "sim/util.h"

namespace fct::sim {

class TokenStore {
 public:
  enum class Check { kValid, kUnknown, kExpired };

  explicit TokenStore(uint64_t seed) : seed_(seed) {}

  // Issues a new random-looking token valid until now + ttl.
  std::string issue(Millis now, Millis ttl);
  Check check(const std::string& token, Millis now) const;
  // Forgets a token (the expireToken fault). False if it was unknown.
  bool revoke(const std::string& token);

 private:
  const uint64_t seed_;
  mutable std::mutex mu_;
  uint64_t counter_ = 0;
  std::unordered_map<std::string, Millis> expiry_;
};

}  // namespace fct::sim
