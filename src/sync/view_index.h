// A map from strings owned elsewhere (viewed, not copied) to small integers,
// for the per-page and per-lookup matching that runs for every position:
// open addressing in one array, no allocation per key, no erase. The viewed
// strings must stay unchanged while the index is used.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace fct {

class ViewIndex {
 public:
  explicit ViewIndex(size_t expected) {
    size_t n = 16;
    while (n < expected * 2) n <<= 1;
    slots_.resize(n);
    mask_ = n - 1;
  }

  // The value stored for `key`, after storing `value` when `key` was absent;
  // .second is true when it was absent.
  std::pair<uint32_t*, bool> try_emplace(std::string_view key, uint32_t value) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    Slot& s = probe(key);
    if (s.used) return {&s.value, false};
    s = Slot{key, value, true};
    ++size_;
    return {&s.value, true};
  }

  // The value stored for `key`, or nullptr.
  uint32_t* find(std::string_view key) {
    Slot& s = probe(key);
    return s.used ? &s.value : nullptr;
  }

  size_t size() const { return size_; }

 private:
  struct Slot {
    std::string_view key;
    uint32_t value = 0;
    bool used = false;
  };

  // The slot holding `key`, or the empty slot where it would go.
  Slot& probe(std::string_view key) {
    for (size_t i = std::hash<std::string_view>{}(key) & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used || s.key == key) return s;
    }
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.used) probe(s.key) = s;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace fct
