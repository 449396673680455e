// Which productRefs this run has already read, in constant memory: a Bloom
// filter of 2^25 bits (4 MiB) with 4 probes in one 512-bit block. A "maybe
// seen" answer (a true repeat, or a false positive: 51 in 1M distinct
// products, see model_test) makes the batch handler re-read that
// product from Fluent, so the newest updatedOn wins (DOMAIN.md) without
// keeping a record per product.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string_view>

namespace fct {

class SeenProducts {
 public:
  // calloc: the 4 MiB come as zero pages from the kernel, so a run pays
  // (memset, page faults) only for the blocks its products touch.
  SeenProducts() : bits_(static_cast<uint64_t*>(std::calloc(kBits / 64, sizeof(uint64_t)))) {
    if (!bits_) throw std::bad_alloc();
  }

  // Records the product; true when it may have been recorded before.
  // Blocked: all probes fall in one 512-bit block (one cache line), so a
  // lookup costs one cache miss instead of one per probe.
  bool add(std::string_view product_ref) {
    uint64_t h = mix(std::hash<std::string_view>{}(product_ref));
    uint64_t* block = &bits_[(h >> 40) % (kBits / kBlockBits) * (kBlockBits / 64)];
    uint64_t h2 = mix(h ^ 0x9e3779b97f4a7c15ULL);
    bool all_set = true;
    for (int i = 0; i < kProbes; ++i) {
      uint64_t bit = (h2 >> (i * 9)) & (kBlockBits - 1);
      uint64_t& word = block[bit >> 6];
      uint64_t mask = uint64_t{1} << (bit & 63);
      if (!(word & mask)) {
        all_set = false;
        word |= mask;
      }
    }
    return all_set;
  }

 private:
  static constexpr uint64_t kBits = uint64_t{1} << 25;
  static constexpr uint64_t kBlockBits = 512;
  static constexpr int kProbes = 4;
  static uint64_t mix(uint64_t x) {  // splitmix64 finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  struct Free {
    void operator()(uint64_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint64_t[], Free> bits_;
};

}  // namespace fct
