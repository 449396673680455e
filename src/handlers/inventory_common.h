// Pieces the inventory handlers share: route props, documents, the channel
// lookup, parking failures, and metering a run.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fluent/settings.h"
#include "runtime/handler.h"
#include "sync/batch_setting.h"
#include "sync/inventory_writer.h"

namespace fct {

struct InventoryOptions : WriterOptions {
  int64_t inactive_quantity = 0;
};

// Props: lookup-batch-size, write-batch-size, concurrency, inactive-quantity.
Result<InventoryOptions> inventory_options(const Route& route);

// A document named by a route prop, checked to parse; errors name the prop, file and line.
Result<std::string> load_document(const ConnectorConfig& config, const Route& route, const std::string& prop);

struct InventoryRouteDocuments {
  std::string channel;
  InventoryDocuments writer;
};
Result<InventoryRouteDocuments> load_inventory_documents(const ConnectorConfig& config, const Route& route);

// The channel's id; kNotFound naming the key when there is none.
Result<std::string> resolve_channel(GraphQLClient& ct, const std::string& document, const std::string& key);

constexpr const char* kBatchSettingName = "fc.connect.commercetools.batch.batch-inventory-sync";

// Reads the job setting named by the route's setting-name prop (default the
// batch setting) for the request's retailer, with the query-settings document.
struct JobSetting {
  SettingKey key;
  BatchSetting setting;
};
Result<JobSetting> read_job_setting(Services& svc, const Route& route, const JobRequest& request);

// Parks failed items in the dead-letter store (when there is one).
void park_failures(Services& svc, const JobRequest& request, const std::vector<ItemFailure>& failures);

// Changes the quantity a position publishes (e.g. a partner's safety stock).
using QuantityAdjuster = std::function<int64_t(const VirtualPosition& position, int64_t quantity, const Route& route)>;

// The event path: re-reads from Fluent the positions a stock event names
// (never trusting the event's quantities) and writes them to commercetools at
// once. Events that are not about stock are skipped, with the reason in the
// summary. InventoryUpsertHandler is this with no adjuster; plugins may pass one.
void upsert_event_stock(const JobRequest& request, const Route& route, Services& svc, JobSummary& summary,
                        const QuantityAdjuster& adjust);

// A summary for `request`, filled by `body`, with duration and requests measured.
JobSummary metered_run(const JobRequest& request, Services& svc, const std::function<void(JobSummary&)>& body);

// Marks the summary FAILED with the error's message; retryable when the cause may pass.
void mark_failed(JobSummary& summary, const Error& error);

// Measures duration and requests of one run.
class RunMeter {
 public:
  explicit RunMeter(Services& svc);
  void finish(JobSummary& summary) const;

 private:
  Services& svc_;
  std::chrono::steady_clock::time_point started_;
  uint64_t http_before_;
  uint64_t retries_before_;
  std::map<std::string, uint64_t> kinds_before_;
};

}  // namespace fct
