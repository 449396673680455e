#include "sync/synced_tail.h"

namespace fct {

SyncedTail::SyncedTail(Timestamp tail_from, size_t limit) : tail_from_(tail_from), limit_(limit) {}

void SyncedTail::use_previous(std::vector<SyncedPosition> previous) {
  if (!enabled()) return;
  previous_ = std::move(previous);
  index_ = ViewIndex(previous_.size());
  for (uint32_t i = 0; i < previous_.size(); ++i) {
    // A productRef met twice: the newest is what the run wrote last.
    auto [slot, fresh] = index_.try_emplace(previous_[i].sku, i);
    if (!fresh && previous_[*slot].updated_on <= previous_[i].updated_on) *slot = i;
  }
}

bool SyncedTail::confirmed(std::string_view sku, Timestamp updated_on, int64_t quantity) {
  if (previous_.empty()) return false;
  const uint32_t* i = index_.find(sku);
  if (!i) return false;
  const SyncedPosition& p = previous_[*i];
  return p.updated_on == updated_on && p.quantity == quantity;
}

void SyncedTail::remember(std::string_view sku, Timestamp updated_on, int64_t quantity) {
  if (!complete() || updated_on < tail_from_) return;
  if (next_.size() == limit_) {
    overflowed_ = true;
    next_ = {};
    return;
  }
  next_.push_back(SyncedPosition{std::string(sku), updated_on, quantity});
}

}  // namespace fct
