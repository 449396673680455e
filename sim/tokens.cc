#include "sim/tokens.h"

#include <cstdio>

namespace fct::sim {

std::string TokenStore::issue(Millis now, Millis ttl) {
  std::lock_guard lock(mu_);
  const uint64_t n = ++counter_;
  const uint64_t a = hash_combine(seed_, hash_combine(static_cast<uint64_t>(now), n));
  const uint64_t b = mix64(a ^ n);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  // Drop expired tokens now and then so long runs do not grow without bound.
  if (expiry_.size() > 10000) {
    for (auto it = expiry_.begin(); it != expiry_.end();) {
      it = it->second <= now ? expiry_.erase(it) : std::next(it);
    }
  }
  expiry_[buf] = now + ttl;
  return buf;
}

TokenStore::Check TokenStore::check(const std::string& token, Millis now) const {
  std::lock_guard lock(mu_);
  auto it = expiry_.find(token);
  if (it == expiry_.end()) return Check::kUnknown;
  return now < it->second ? Check::kValid : Check::kExpired;
}

bool TokenStore::revoke(const std::string& token) {
  std::lock_guard lock(mu_);
  return expiry_.erase(token) > 0;
}

}  // namespace fct::sim
