// Remembers, for each productRef already sent in this run, the updatedOn it
// was sent with, so that an older update of the same product met on a later
// page does not overwrite a newer one (DOMAIN.md: the newest updatedOn wins).
// Keys are 64-bit hashes of the productRef (16 bytes per product).
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "common/time.h"

namespace fct {

class SeenProducts {
 public:
  // True when this update is the newest seen for the product (and records it).
  bool offer(std::string_view product_ref, Timestamp updated_on) {
    auto key = std::hash<std::string_view>{}(product_ref);
    auto ns = updated_on.time_since_epoch().count();
    auto [it, inserted] = seen_.try_emplace(key, ns);
    if (inserted) return true;
    if (ns < it->second) return false;
    it->second = ns;
    return true;
  }
  size_t size() const { return seen_.size(); }

 private:
  std::unordered_map<uint64_t, int64_t> seen_;
};

}  // namespace fct
