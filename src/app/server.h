// The connector's HTTP API (cpp-httplib):
//   PUT  /api/v1/fluent-connect/scheduler/add/{account}/{retailer}/{job}  → 202 {id}   (API key)
//   POST /api/v1/fluent-connect/webhook                                   → 202 {id}   (Fluent signature)
//   GET  /api/v1/fluent-connect/jobs/{id}                                 → job state  (API key)
//   GET  /healthz, GET /readyz
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "runtime/connector.h"
#include "runtime/signature.h"
#include "store/queue.h"

namespace fct {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                      // 0: any free port
  std::string api_key;                  // FLUENT_CT_API_KEY; empty only with insecure_no_auth
  bool insecure_no_auth = false;        // accept unauthenticated triggers and unsigned webhooks
  std::optional<WebhookVerifier> verifier;
  size_t max_webhook_bytes = 1 << 20;
};

class ApiServer {
 public:
  ApiServer(Connector& connector, MessageQueue& queue, ServerOptions options, std::function<Status()> ready);
  ~ApiServer();
  // Binds; returns the bound port. Then serve() blocks until stop().
  Result<int> bind();
  void serve();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fct
