// Writes desired quantities into one commercetools channel, many requests in
// flight, never one request per SKU:
//
//   add(items) → lookup queue → inventoryEntries(sku in (…) and supplyChannel(id=…))
//             → diff → create / update queues → aliased batch mutations
//
// All decisions run on the caller's thread; transport threads only hand
// replies back through a completion queue. Per-item outcomes:
//   - ConcurrentModification: re-apply the absolute changeQuantity at the
//     reported currentVersion (or re-read when it is absent);
//   - DuplicateField on create: re-read, then update;
//   - retryable errors: requeued, up to max_item_attempts;
//   - anything else: reported in failures() with the SKU and the reason.
// Not thread-safe: one job thread drives it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/graphql_client.h"
#include "graphql/graphql.h"
#include "sync/model.h"
#include "sync/view_index.h"

namespace fct {

struct DesiredQuantity {
  std::string sku;
  int64_t quantity = 0;
};

struct ItemFailure {
  std::string sku;
  int64_t quantity = 0;
  std::string reason;
};

struct WriterOptions {
  size_t lookup_batch = 250;   // SKUs per lookup (≤ 500, commercetools' limit)
  size_t write_batch = 50;     // aliased mutations per request; 1 = one per request
  size_t concurrency = 8;      // requests in flight
  int max_item_attempts = 8;    // transient faults (5xx, timeouts, garbled replies, 401) per item
  int max_item_conflicts = 25;  // lost races (409, DuplicateField) per item, each resolved by a re-read
  bool dry_run = false;        // look up and diff, write nothing
};

struct WriterStats {
  uint64_t created = 0;
  uint64_t updated = 0;
  uint64_t unchanged = 0;
  uint64_t failed = 0;
  uint64_t conflicts_resolved = 0;  // 409s and duplicate creates that were retried
};

// The four commercetools documents, parsed.
struct InventoryDocuments {
  std::string lookup;
  graphql::Document create;
  graphql::Document update;
};

class InventoryWriter {
 public:
  InventoryWriter(GraphQLClient& ct, InventoryDocuments documents, std::string channel_id, const WriterOptions& options);
  InventoryWriter(const InventoryWriter&) = delete;
  InventoryWriter& operator=(const InventoryWriter&) = delete;
  ~InventoryWriter();

  // Queues items read from page `page` (1, 2, … in order); returns once the
  // backlog is within bounds (backpressure).
  void add(std::vector<DesiredQuantity> items, int page = 0);
  // The highest page p ≤ last_added such that every item of pages ≤ p is done
  // (written, unchanged, or failed and reported): a safe resume point.
  int completed_through(int last_added) const;
  // Completes every queued item. Call once, before reading the results.
  void finish();
  // Keeps requests flowing (handles replies, fills free connection slots)
  // until `ready()` is true, e.g. while the next Fluent page is on its way.
  // `ready` is re-checked after every reply and after every wake().
  void work_until(const std::function<bool()>& ready);
  // Wakes work_until() from another thread (e.g. when a page arrived).
  void wake();

  const WriterStats& stats() const { return stats_; }
  const std::vector<ItemFailure>& failures() const { return failures_; }
  // Dry run: what would be written (capped at kMaxPlanned).
  const std::vector<PlannedWrite>& planned() const { return planned_; }
  static constexpr size_t kMaxPlanned = 1000;

 private:
  struct Item {
    std::string sku;
    int64_t quantity = 0;
    int attempts = 0;   // transient faults met
    int conflicts = 0;  // races lost to other writers
    std::string entry_id;
    int64_t version = 0;
    int page = 0;
  };
  enum class CallKind { kLookup, kCreate, kUpdate };
  struct Call {
    CallKind kind;
    std::vector<Item> items;
    std::string token;
  };

  void pump(bool finishing);
  bool submit_one(bool finishing);
  void submit(CallKind kind, std::vector<Item> items);
  void handle(uint64_t id, net::HttpResponse& response);
  void handle_lookup(std::vector<Item>& items, const GraphQLReply& reply);
  // Matches a lookup's entries to its items by SKU: found() decides each
  // matched item's write, route_all() then routes every item (unmatched ones
  // are created). Items stay in place until route_all().
  class Matcher {
   public:
    explicit Matcher(std::vector<Item>& items);
    void found(const InventoryEntryRef& entry);
    void route_all(InventoryWriter& writer);

   private:
    std::vector<Item>& items_;
    std::vector<WriteKind> kinds_;
    std::vector<bool> matched_;
    ViewIndex index_;  // items_[i].sku -> i
  };
  void handle_writes(CallKind kind, std::vector<Item>& items, const GraphQLReply& reply);
  void retry_or_fail(Item item, CallKind queue, const Error& error);
  void fail(const Item& item, const std::string& reason);
  // `item` is done: start the waiting newer quantity for its SKU, if any.
  void complete(const Item& item);
  void done_with_page(int page);
  void route(Item item, WriteKind kind);
  const std::string& batch_document(CallKind kind, size_t count);
  size_t backlog() const { return lookups_.size() + creates_.size() + updates_.size(); }

  GraphQLClient& ct_;
  InventoryDocuments docs_;
  std::string channel_id_;
  WriterOptions options_;

  std::deque<Item> lookups_;
  std::deque<Item> creates_;
  std::deque<Item> updates_;
  std::unordered_map<uint64_t, Call> calls_;
  // SKUs in the pipeline -> a newer (quantity, page) that arrived meanwhile.
  // Every item passes through it once: its nodes come from a pool (a free
  // list; only the writer's thread touches it) instead of malloc and free.
  std::pmr::unsynchronized_pool_resource active_nodes_;
  std::pmr::unordered_map<std::string, std::optional<std::pair<int64_t, int>>> active_{&active_nodes_};
  std::map<int, size_t> outstanding_;  // page -> items not yet done
  uint64_t next_call_id_ = 1;
  std::map<std::pair<int, size_t>, std::string> batch_documents_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<uint64_t, net::HttpResponse>> done_;
  bool woken_ = false;

  WriterStats stats_;
  std::vector<ItemFailure> failures_;
  std::vector<PlannedWrite> planned_;
};

}  // namespace fct
