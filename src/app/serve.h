// `fluent-ct serve` and `fluent-ct dlq …`.
#pragma once

#include <string>

#include "runtime/config.h"

namespace fct {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string config;
  std::string data_dir;
  bool insecure_no_auth = false;
  bool insecure_tls = false;
  int shutdown_timeout_s = 30;
  int max_attempts = 5;           // deliveries of a message before it is dead-lettered
  int retry_backoff_ms = 1000;    // first queue redelivery delay; doubles per attempt
  int http_max_attempts = 6;      // attempts per HTTP request (retryable statuses only)
};

// Runs until SIGTERM/SIGINT; returns the process exit code.
int serve_main(const ConnectorConfig& config, const ServeArgs& args);
int dlq_list(const std::string& data_dir);
int dlq_replay(const std::string& data_dir, const std::string& id, bool all);

}  // namespace fct
