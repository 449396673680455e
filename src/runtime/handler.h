// Handlers and their registry: the seed's @HandlerInfo(name = …).
//
// A handler registers itself under a name with a priority; connector.yml
// routes name the handler. Registering the same name with a higher priority
// replaces the default, so a partner's plugin can override a built-in
// handler without forking:
//
//   class MyUpsert : public fct::MessageHandler { … };
//   FCT_REGISTER_HANDLER(MyUpsert, "InventoryUpsertHandler", 100, "my upsert");
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/graphql_client.h"
#include "common/result.h"
#include "common/time.h"
#include "net/clock.h"
#include "net/http.h"
#include "runtime/config.h"
#include "store/store.h"
#include "sync/inventory_writer.h"

namespace fct {

struct JobRequest {
  std::string job;        // route name, e.g. batch-inventory-sync
  std::string account;
  std::string retailer;
  bool dry_run = false;
  nlohmann::json params = nlohmann::json::object();  // job parameters or the event
};

struct JobSummary {
  std::string job;
  std::string account;
  std::string retailer;
  std::string status = "SUCCESSFUL";  // SUCCESSFUL or FAILED
  std::string reason;
  bool retryable = false;  // FAILED for a reason that may pass on a later attempt (5xx, timeouts)
  bool dry_run = false;
  std::optional<Timestamp> window_from;
  std::optional<Timestamp> window_to;
  std::optional<Timestamp> previous_end_after;  // the watermark the run left
  int64_t resumed_after_page = 0;      // > 0: an interrupted run's checkpoint was resumed
  uint64_t positions_read = 0;
  uint64_t positions_superseded = 0;  // productRefs met again on a later page, re-read so the newest wins
  uint64_t positions_already_synced = 0;  // re-read in the overlap, unchanged since the previous run confirmed them
  WriterStats writes;
  uint64_t http_requests = 0;
  uint64_t http_retries = 0;  // attempts the transport repeated (5xx, 429, timeouts): a sign of overload
  std::map<std::string, uint64_t> requests_by_kind;
  double duration_s = 0;
  std::vector<PlannedWrite> planned;   // dry run
  std::vector<ItemFailure> failures;   // up to kMaxReportedFailures
  static constexpr size_t kMaxReportedFailures = 100;

  bool ok() const { return status == "SUCCESSFUL"; }
  nlohmann::json to_json() const;
  std::string to_text() const;
};

// What a handler may use. Owned by the caller; outlives the handler call.
struct Services {
  net::Clock& clock;
  net::HttpTransport& transport;
  RequestCounts& counts;
  GraphQLClient& fluent;
  GraphQLClient& ct;
  Store* store = nullptr;  // may be null (no data dir)
  const ConnectorConfig& config;
};

class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  // Runs one job or event. Never throws; a failure is a summary with status FAILED.
  virtual JobSummary handle(const JobRequest& request, const Route& route, Services& services) = 0;
};

using HandlerFactory = std::function<std::unique_ptr<MessageHandler>()>;

class HandlerRegistry {
 public:
  struct Entry {
    std::string name;
    int priority = 0;
    std::string description;
    HandlerFactory factory;
  };
  static HandlerRegistry& global();
  // Keeps the registration with the highest priority for each name (ties: the later one).
  void add(Entry entry);
  std::optional<Entry> find(const std::string& name) const;
  std::vector<Entry> entries() const;
  // Every route's handler is registered; else an error naming file:line.
  Status check_routes(const ConnectorConfig& config) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

struct HandlerRegistration {
  HandlerRegistration(const char* name, int priority, const char* description, HandlerFactory factory) {
    HandlerRegistry::global().add({name, priority, description, std::move(factory)});
  }
};

#define FCT_REGISTER_HANDLER(CLASS, NAME, PRIORITY, DESCRIPTION)                               \
  static const ::fct::HandlerRegistration fct_handler_registration_##CLASS(                    \
      NAME, PRIORITY, DESCRIPTION, [] { return std::unique_ptr<::fct::MessageHandler>(new CLASS()); })

}  // namespace fct
