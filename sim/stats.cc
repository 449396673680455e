#include "sim/stats.h"

namespace fct::sim {

void Stats::add(std::string_view key, uint64_t n) {
  std::lock_guard lock(mu_);
  auto it = counts_.find(key);
  if (it == counts_.end()) {
    counts_.emplace(std::string(key), n);
  } else {
    it->second += n;
  }
}

uint64_t Stats::get(std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

nlohmann::json Stats::snapshot() const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, n] : counts_) out[key] = n;
  return out;
}

void Stats::reset() {
  std::lock_guard lock(mu_);
  counts_.clear();
}

}  // namespace fct::sim
