// The tail of the previous window, remembered between delta runs.
//
// A delta window starts `overlap` before the previous run's end, so it reads
// again every position updated in that run's last `overlap` seconds. The
// overlap is there for positions that became visible late; the others were
// confirmed in commercetools by the previous run (written, or found equal)
// and nothing has changed them since. The tail is what lets a run tell the
// two apart: for each position of a successful run updated within `overlap`
// of its end, the productRef, updatedOn and quantity it confirmed. A position
// read again with the same three needs no lookup, so a delta run with
// nothing new makes no commercetools call even with the default overlap.
//
// Bounded: a tail that would hold more than `limit` positions is dropped as
// a whole, and the next run looks its positions up, as it would without one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "store/store.h"
#include "sync/view_index.h"

namespace fct {

class SyncedTail {
 public:
  // This run remembers positions updated at or after `tail_from` (its
  // window's end minus the overlap), at most `limit` of them; 0 turns the
  // tail off.
  SyncedTail(Timestamp tail_from, size_t limit);
  SyncedTail(const SyncedTail&) = delete;
  SyncedTail& operator=(const SyncedTail&) = delete;

  // The previous run's tail, to match this run's positions against.
  // Ignored when the tail is off.
  void use_previous(std::vector<SyncedPosition> previous);
  size_t previous_size() const { return previous_.size(); }

  // True when the previous run confirmed exactly this position.
  bool confirmed(std::string_view sku, Timestamp updated_on, int64_t quantity);

  // Remembers a position this run is about to confirm, if it is in the tail.
  void remember(std::string_view sku, Timestamp updated_on, int64_t quantity);

  bool enabled() const { return limit_ > 0; }
  // False when this run's tail outgrew the limit (or the tail is off).
  bool complete() const { return enabled() && !overflowed_; }
  // This run's tail; call once, and only when complete().
  std::vector<SyncedPosition> take() { return std::move(next_); }

 private:
  Timestamp tail_from_;
  size_t limit_;
  std::vector<SyncedPosition> previous_;
  ViewIndex index_{0};  // previous_[i].sku -> i
  std::vector<SyncedPosition> next_;
  bool overflowed_ = false;
};

}  // namespace fct
