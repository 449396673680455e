#include "sync/seen_products.h"

#include <sys/mman.h>

#include <memory>
#include <new>

namespace fct {

namespace {
constexpr size_t kBytes = size_t{1} << 22;      // the filter: 2^25 bits
constexpr size_t kHugePage = size_t{1} << 21;  // x86-64's 2 MiB pages
}  // namespace

SeenProducts::SeenProducts() {
  static_assert(kBits / 8 == kBytes);
  // One huge page more than needed, so the filter can start on a huge-page
  // boundary; nothing is touched (or backed) until a probe lands on it.
  void* p = mmap(nullptr, kBytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  mapping_ = p;
  size_t space = kBytes + kHugePage;
  bits_ = static_cast<uint64_t*>(std::align(kHugePage, kBytes, p, space));
  // Advice only: where transparent huge pages are off this fails, and the
  // filter works the same on small pages.
  (void)madvise(bits_, kBytes, MADV_HUGEPAGE);
}

SeenProducts::~SeenProducts() { munmap(mapping_, kBytes + kHugePage); }

}  // namespace fct
