// Request counters by kind ("fluent.token", "ct.graphql.updateInventoryEntry",
// "faults.ct.http503", …), served by GET /_sim/stats.
//
// Thread safety: all methods are safe to call concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fct::sim {

class Stats {
 public:
  void add(std::string_view key, uint64_t n = 1);
  uint64_t get(std::string_view key) const;
  nlohmann::json snapshot() const;  // {"key": count, …}
  void reset();

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t, std::less<>> counts_;
};

}  // namespace fct::sim
