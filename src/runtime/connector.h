// The long-running connector: intake onto durable queues, a job router and an
// event router that hand each message to a registered handler, worker threads,
// and the built-in scheduler.
//
//   trigger()/accept_event() → MessageQueue ("batch"/"event") → worker → route → handler
//
// Thread-safe: the HTTP server calls trigger()/accept_event() from its threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/config.h"
#include "runtime/handler.h"
#include "store/queue.h"

namespace fct {

struct ConnectorOptions {
  std::vector<std::string> accounts;   // accepted accounts (FLUENT_ACCOUNT)
  std::vector<std::string> retailers;  // accepted retailers (FLUENT_RETAILER_ID, comma-separated)
};

class Connector {
 public:
  Connector(const ConnectorConfig& config, Services& services, MessageQueue& queue, ConnectorOptions options);
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;
  ~Connector();

  // Every route's handler is registered, the default event route exists and
  // every schedule parses and names a route. Errors name file:line.
  Status check() const;

  // Queues a job run. kNotFound names what is unknown: the job, the account
  // or the retailer. Triggers while a run is queued coalesce into it.
  Result<EnqueueResult> trigger(const std::string& account, const std::string& retailer, const std::string& job);
  // Queues a Fluent event (already authenticated) for the event router.
  Result<EnqueueResult> accept_event(const nlohmann::json& event);

  // Routes one message to its handler and runs it.
  JobSummary dispatch(const QueueMessage& message);
  // The route a message goes to: the job's route, or for events the route named
  // like the event, else the default event route.
  const Route* route_for(const QueueMessage& message) const;

  // Blocks until a message's state changes (a worker finished one) or `timeout`.
  void wait_for_change(std::chrono::milliseconds timeout);

  // Starts one worker per queue and the scheduler.
  void start();
  // Stops the scheduler and the workers' intake; waits up to `timeout` for the
  // messages being handled. Returns false if some were still running (they
  // stay leased and are redelivered after a restart).
  bool stop(std::chrono::milliseconds timeout);

 private:
  void worker(const std::string& queue);
  void scheduler();
  bool known(const std::vector<std::string>& list, const std::string& value) const;

  const ConnectorConfig& config_;
  Services& services_;
  MessageQueue& queue_;
  ConnectorOptions options_;

  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  int busy_ = 0;  // messages being handled
  uint64_t finished_ = 0;  // messages handled since start
};

}  // namespace fct
