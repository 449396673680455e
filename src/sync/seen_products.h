// Which productRefs this run has already read, in constant memory: a Bloom
// filter of 2^25 bits (4 MiB) with 4 probes in one 512-bit block. A "maybe
// seen" answer (a true repeat, or a false positive: 51 in 1M distinct
// products, see model_test) makes the batch handler re-read that
// product from Fluent, so the newest updatedOn wins (DOMAIN.md) without
// keeping a record per product.
#pragma once

#include <cstdint>
#include <string_view>

namespace fct {

class SeenProducts {
 public:
  // The 4 MiB come as zero pages from the kernel (mmap), so a run pays only
  // for the blocks its products touch. They are asked for as transparent huge
  // pages: the probes land all over the filter, and with 4 KiB pages nearly
  // every one would also miss the TLB.
  SeenProducts();
  ~SeenProducts();
  SeenProducts(const SeenProducts&) = delete;
  SeenProducts& operator=(const SeenProducts&) = delete;

  // The hash add() and prefetch() take: compute it once per product.
  static uint64_t key(std::string_view product_ref) { return mix(std::hash<std::string_view>{}(product_ref)); }

  // Starts loading the product's block into the cache. Prefetching a whole
  // page's keys before add()ing them overlaps the cache misses.
  void prefetch(uint64_t key) const { __builtin_prefetch(block(key), 1); }

  // Records the product; true when it may have been recorded before.
  // Blocked: all probes fall in one 512-bit block (one cache line), so a
  // lookup costs one cache miss instead of one per probe.
  bool add(std::string_view product_ref) { return add_key(key(product_ref)); }
  bool add_key(uint64_t h) {
    uint64_t* block = this->block(h);
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
  uint64_t* block(uint64_t h) const { return &bits_[(h >> 40) % (kBits / kBlockBits) * (kBlockBits / 64)]; }
  void* mapping_ = nullptr;
  uint64_t* bits_ = nullptr;
};

}  // namespace fct
