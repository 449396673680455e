// Durable message queue of the embedded store, for `fluent-ct serve`.
//
// Two queues live in one table: "batch" (job requests from the HTTP scheduler
// endpoint) and "event" (Fluent events from the webhook endpoint); any other
// non-empty queue name works the same way. Worker threads lease a message,
// run its handler, then complete() or fail() it.
//
// Storage: table `queue_messages` in the embedded store's SQLite file
// <data-dir>/fluent-ct.db, through the queue's own connection (WAL,
// synchronous=FULL): every call that returned OK is on disk, so kill -9 loses
// nothing that was acknowledged.
//
// Message states:
//   queued ──lease()──> running ──complete()──> SUCCESSFUL | FAILED
//      ^                  │  │
//      │   fail(retryable, attempts < max) / release() / lease expiry / reopen
//      └──────────────────┘  └──fail(non-retryable or attempts >= max)──> dead
//   dead ──replay()──> queued (attempts = 0)
//
// Thread-safe: all methods may be called concurrently (one connection guarded
// by a mutex). No method throws.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace fct {

// Message states, as stored and returned in QueueMessage::state.
inline constexpr const char* kMsgQueued = "queued";
inline constexpr const char* kMsgRunning = "running";
inline constexpr const char* kMsgSuccessful = "SUCCESSFUL";
inline constexpr const char* kMsgFailed = "FAILED";
inline constexpr const char* kMsgDead = "dead";

// Queue names used by the service.
inline constexpr const char* kBatchQueueName = "batch";
inline constexpr const char* kEventQueueName = "event";

struct QueueMessage {
  int64_t id = 0;
  std::string queue;        // "batch" or "event"
  std::string kind;         // job name (batch-inventory-sync) or event name
  std::string account, retailer;
  std::string payload;      // JSON text
  std::string state;        // queued, running, SUCCESSFUL, FAILED, dead
  int attempts = 0;         // deliveries so far (lease() counts one)
  std::string last_error;   // "" if none
  std::string summary;      // JSON text of the last run summary, "" if none
  std::string created_at, updated_at;  // ISO-8601 UTC ("2024-01-02T03:04:05.000000000Z")
  std::string available_at;  // ISO-8601 UTC: a queued message is not leased before this
  std::string lease_until;   // ISO-8601 UTC while running, "" otherwise
};

struct QueueOptions {
  // A message that has been delivered max_attempts times and fails retryably
  // (or whose owner dies while running it) goes to `dead`.
  int max_attempts = 5;
  // Retry delay after the n-th delivery failed: initial_backoff * 2^(n-1), at most max_backoff.
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{300000};
  // How long a lease lasts unless extended; expire_leases() requeues after it.
  std::chrono::milliseconds lease{600000};
  // Time source for available_at / lease_until / created_at / updated_at.
  // Tests inject a fake; empty means std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> now;
};

struct EnqueueResult {
  int64_t id = 0;
  bool coalesced = false;  // true: an equal queued message existed; id is that message
};

// The single-owner lock of a data directory: an exclusive flock() on
// <data_dir>/fluent-ct.lock (which holds the owner's pid), held for the
// object's life. MessageQueue takes one; other commands that must not run
// alongside `serve` (e.g. a one-shot `run` on the same data dir) can take it too.
class DataDirLock {
 public:
  // Creates data_dir if needed. kUnavailable "data dir D is in use by pid P"
  // when another open file description holds the lock (another process, or
  // this process through a second acquire()); kInternal on I/O errors.
  static Result<std::unique_ptr<DataDirLock>> acquire(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

class MessageQueue {
 public:
  // Opens (creating) the queue in `data_dir` and takes the data dir's
  // single-owner lock (DataDirLock) for the object's life; a second owner gets
  // kUnavailable "data dir D is in use by pid P". Because only one process can
  // own the store, open() at once returns every message a dead owner left
  // `running` to `queued` (attempts stay counted; a message whose attempts
  // already reached max_attempts goes to `dead` instead, so a message that
  // kills the process cannot crash-loop the service).
  // kInvalidArgument for bad options (max_attempts < 1, negative durations).
  static Result<std::unique_ptr<MessageQueue>> open(const std::string& data_dir, QueueOptions options = {});

  // Wakes waiters (shutdown()), closes the connection, releases the lock.
  // No call may be in progress or start during destruction.
  ~MessageQueue();
  MessageQueue(const MessageQueue&) = delete;
  MessageQueue& operator=(const MessageQueue&) = delete;

  // Adds a `queued` message available now. With `coalesce` (the batch queue's
  // triggers): if a message with the same (queue, kind, account, retailer) is
  // already `queued` (not yet running, possibly backing off), returns its id
  // and coalesced=true and adds nothing (its payload is kept). So N triggers
  // during a run give at most one follow-up. `payload` must be JSON text
  // ("" is stored as "{}"); queue and kind must be non-empty (kInvalidArgument).
  // Wakes waiters.
  Result<EnqueueResult> enqueue(const std::string& queue, const std::string& kind, const std::string& account,
                                const std::string& retailer, const std::string& payload, bool coalesce);

  // Leases the oldest (lowest id) `queued` message of `queue` whose
  // available_at has come, skipping any whose (kind, account, retailer)
  // already has a `running` message in that queue (two runs of one job never
  // overlap). Marks it running, attempts+1, lease_until = now + lease, and
  // returns it as stored after the change. nullopt if none is leasable.
  Result<std::optional<QueueMessage>> lease(const std::string& queue);

  // Finishes a running message: state must be SUCCESSFUL or FAILED
  // (kInvalidArgument otherwise); summary_json is JSON text or "".
  // kNotFound for an unknown id; kConflict if the message is not running
  // (e.g. its lease expired and it was requeued). Wakes waiters (the job key
  // is free again).
  Status complete(int64_t id, const std::string& state, const std::string& summary_json);

  // A failed delivery of a running message. Retryable and attempts <
  // max_attempts: back to `queued` with available_at = now + backoff(attempts).
  // Otherwise `dead` (the dead-letter store). Records `error` as last_error
  // and, if not "", summary_json (JSON text, else kInvalidArgument) as summary.
  // Returns the new state ("queued" or "dead"). kNotFound / kConflict as complete().
  Result<std::string> fail(int64_t id, const std::string& error, bool retryable,
                           const std::string& summary_json = "");

  // Puts a running message back to `queued`, available now, without counting
  // the attempt (graceful shutdown). kNotFound / kConflict as complete().
  Status release(int64_t id);

  // Running message: lease_until = now + lease. kNotFound / kConflict as complete().
  Status extend_lease(int64_t id);

  // Running messages whose lease_until has passed go back to `queued` (or to
  // `dead` if attempts >= max_attempts), with last_error "lease expired".
  // Returns how many were moved. Wakes waiters if any.
  Result<int> expire_leases();

  // The message, or nullopt for an unknown id.
  Result<std::optional<QueueMessage>> get(int64_t id);

  // Dead letters (all queues), oldest (lowest id) first, at most `limit`.
  Result<std::vector<QueueMessage>> dead(int limit);

  // dead -> queued, attempts = 0, available now (last_error is kept).
  // nullopt: all dead messages. With an id: kNotFound if there is no such
  // message, 0 if it is not dead. Returns how many were requeued; wakes waiters.
  Result<int> replay(std::optional<int64_t> id);

  // For the worker's wait: 0 if a message of `queue` is leasable now, else the
  // time until the earliest queued message becomes available; nullopt if no
  // queued message could become leasable by time alone (none queued, or all
  // blocked behind a running message of their job key: complete()/fail()/
  // release() notify then).
  Result<std::optional<std::chrono::milliseconds>> next_available_in(const std::string& queue);

  // Number of messages of `queue` per state (states with none are absent).
  Result<std::map<std::string, int64_t>> counts(const std::string& queue);

  // Deletes SUCCESSFUL / FAILED messages last updated more than `older_than`
  // ago. Returns how many were deleted.
  Result<int> purge_finished(std::chrono::milliseconds older_than);

  // ---- Waiting. enqueue(), replay(), complete(), fail(), release() and
  // expire_leases() bump a generation counter and notify every waiter.
  //
  // Race-free worker loop:
  //   auto gen = q.work_generation();
  //   auto m = q.lease("batch");           // nothing?
  //   auto next = q.next_available_in("batch");
  //   q.wait_for_work(std::min(next.value_or(idle), idle), gen);
  // A notify between work_generation() and wait_for_work() makes the wait
  // return at once, so no wakeup is lost.
  uint64_t work_generation() const;
  // Returns true as soon as the generation differs from `seen_generation` or
  // shutdown() has been called (immediately if either already holds); false
  // when max_wait passes first. Real (steady) time, not the injected clock.
  bool wait_for_work(std::chrono::milliseconds max_wait, uint64_t seen_generation);
  // Same, waiting for a notify that happens after the call begins.
  bool wait_for_work(std::chrono::milliseconds max_wait);
  // Wakes all waiters; later waits return true immediately.
  void shutdown();
  bool is_shutdown() const;

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  MessageQueue(std::unique_ptr<Impl> impl, std::unique_ptr<DataDirLock> lock, std::string path);
  void notify();

  std::unique_ptr<Impl> impl_;
  std::unique_ptr<DataDirLock> lock_;
  std::string path_;

  mutable std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  uint64_t generation_ = 0;
  bool shutdown_ = false;
};

// One-line summary for `fluent-ct dlq list`, e.g.
//   #12 batch batch-inventory-sync account=ACME retailer=1 dead attempts=5 updated=2024-…Z error="HTTP 503 …"
// (error shortened to 160 characters, control characters replaced by spaces).
std::string describe(const QueueMessage& message);

}  // namespace fct
