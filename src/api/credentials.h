// Credentials and endpoints from the environment (names are a contract:
// see docs/CONFIGURATION.md). Secrets are held here and in token requests
// only; nothing prints them.
#pragma once

#include <string>

#include "common/result.h"

namespace fct {

struct FluentCredentials {
  std::string base_url;  // FLUENT_BASE_URL: GraphQL at /graphql, token at /oauth/token
  std::string account;   // FLUENT_ACCOUNT
  std::string retailer_id;  // FLUENT_RETAILER_ID
  std::string client_id;
  std::string client_secret;
  std::string username;  // password grant when set, else client_credentials
  std::string password;
};

struct CtCredentials {
  std::string project_key;  // CTP_PROJECT_KEY
  std::string client_id;
  std::string client_secret;
  std::string auth_url;     // CTP_AUTH_URL: token at /oauth/token
  std::string api_url;      // CTP_API_URL: GraphQL at /{projectKey}/graphql
  std::string scopes;       // CTP_SCOPES, optional
};

// Read from the environment. A missing variable is an error that names it.
Result<FluentCredentials> fluent_credentials_from_env();
Result<CtCredentials> ct_credentials_from_env();

}  // namespace fct
