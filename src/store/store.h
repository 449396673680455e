// Durable state of the connector: run history and the dead-letter store of
// items that could not be written. The embedded default is one SQLite file
// (WAL, synchronous=FULL), so a crash cannot corrupt it; a PostgreSQL store
// can implement the same interface to scale out.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace fct {

struct RunRecord {
  int64_t id = 0;
  std::string job;
  std::string account;
  std::string retailer;
  std::string started_at;  // ISO-8601 UTC
  std::string ended_at;
  std::string status;      // RUNNING, SUCCESSFUL, FAILED
  std::string summary;     // JSON
};

struct DeadLetter {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string job;
  std::string key;       // e.g. the SKU
  std::string payload;   // JSON: what to retry
  std::string reason;
  std::string parked_at;
};

// Where a batch run got to: every item of the pages up to `cursor` is done.
// A run that restarts with the same window resumes after `cursor`.
struct Checkpoint {
  std::string job;
  std::string account;
  std::string retailer;
  std::string window_from;  // ISO-8601 UTC, "" for a full sync
  std::string window_to;
  std::string cursor;       // Fluent cursor after the last completed page
  int64_t pages = 0;        // pages completed
  int64_t positions = 0;    // positions read in those pages
  int64_t failed = 0;       // items that failed (parked) in those pages
};

// A position a successful batch run confirmed in commercetools (written, or
// found equal), kept for the positions in the last `overlap` of its window
// so the next window need not look them up again (sync/synced_tail.h).
struct SyncedPosition {
  std::string sku;
  Timestamp updated_on{};
  int64_t quantity = 0;
};

// The synced tail of the window that ended at `window_to` (ISO-8601 UTC).
struct SyncedTailRecord {
  std::string window_to;
  std::vector<SyncedPosition> positions;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Result<int64_t> begin_run(const RunRecord& run) = 0;
  virtual Status finish_run(int64_t run_id, const std::string& status, const std::string& summary_json) = 0;
  virtual Result<std::vector<RunRecord>> recent_runs(int limit) = 0;
  virtual Status park(const std::vector<DeadLetter>& items) = 0;
  virtual Result<std::vector<DeadLetter>> dead_letters(int limit) = 0;
  virtual Status remove_dead_letter(int64_t id) = 0;
  virtual Result<std::optional<Checkpoint>> load_checkpoint(const std::string& job, const std::string& account,
                                                            const std::string& retailer) = 0;
  virtual Status save_checkpoint(const Checkpoint& checkpoint) = 0;
  virtual Status clear_checkpoint(const std::string& job, const std::string& account, const std::string& retailer) = 0;
  // The last saved tail of the job's runs for this retailer, if any.
  virtual Result<std::optional<SyncedTailRecord>> load_synced_tail(const std::string& job, const std::string& account,
                                                                   const std::string& retailer) = 0;
  // Replaces it, in one transaction.
  virtual Status save_synced_tail(const std::string& job, const std::string& account, const std::string& retailer,
                                  const SyncedTailRecord& tail) = 0;
};

// Opens (creating if needed) <dir>/fluent-ct.db.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& dir);

}  // namespace fct
