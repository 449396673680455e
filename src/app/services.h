// Builds the live services (transport, tokens, GraphQL clients, store) from
// the environment, for the CLI commands.
#pragma once

#include <memory>
#include <string>

#include "api/credentials.h"
#include "api/graphql_client.h"
#include "api/token_source.h"
#include "runtime/config.h"
#include "runtime/handler.h"

namespace fct {

struct LiveServicesOptions {
  std::string data_dir;       // empty: no store
  bool verify_tls = true;
  size_t max_connections = 16;
  net::RetryPolicy retry;
};

class LiveServices {
 public:
  static Result<std::unique_ptr<LiveServices>> create(const ConnectorConfig& config, const LiveServicesOptions& options);
  Services& services() { return *services_; }
  const FluentCredentials& fluent_credentials() const { return fluent_credentials_; }

 private:
  LiveServices() = default;
  FluentCredentials fluent_credentials_;
  CtCredentials ct_credentials_;
  std::shared_ptr<net::HttpTransport> curl_;
  std::unique_ptr<net::HttpTransport> transport_;
  std::unique_ptr<TokenSource> fluent_tokens_;
  std::unique_ptr<TokenSource> ct_tokens_;
  RequestCounts counts_;
  std::unique_ptr<GraphQLClient> fluent_;
  std::unique_ptr<GraphQLClient> ct_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Services> services_;
};

}  // namespace fct
