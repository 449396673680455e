#include "api/credentials.h"

#include <cstdlib>
#include <vector>

namespace fct {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Status require(const std::vector<std::pair<const char*, const std::string*>>& vars) {
  std::string missing;
  for (const auto& [name, value] : vars) {
    if (value->empty()) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (missing.empty()) return ok_status();
  return make_error(ErrorCode::kInvalidArgument, "missing environment variable(s): " + missing);
}

}  // namespace

Result<FluentCredentials> fluent_credentials_from_env() {
  FluentCredentials c{trim_slash(env("FLUENT_BASE_URL")), env("FLUENT_ACCOUNT"), env("FLUENT_RETAILER_ID"),
                      env("FLUENT_CLIENT_ID"), env("FLUENT_CLIENT_SECRET"), env("FLUENT_USERNAME"),
                      env("FLUENT_PASSWORD")};
  FCT_RETURN_IF_ERROR(require({{"FLUENT_BASE_URL", &c.base_url},
                               {"FLUENT_CLIENT_ID", &c.client_id},
                               {"FLUENT_CLIENT_SECRET", &c.client_secret}}));
  if (!c.username.empty()) FCT_RETURN_IF_ERROR(require({{"FLUENT_PASSWORD", &c.password}}));
  return c;
}

Result<CtCredentials> ct_credentials_from_env() {
  CtCredentials c{env("CTP_PROJECT_KEY"), env("CTP_CLIENT_ID"), env("CTP_CLIENT_SECRET"),
                  trim_slash(env("CTP_AUTH_URL")), trim_slash(env("CTP_API_URL")), env("CTP_SCOPES")};
  FCT_RETURN_IF_ERROR(require({{"CTP_PROJECT_KEY", &c.project_key},
                               {"CTP_CLIENT_ID", &c.client_id},
                               {"CTP_CLIENT_SECRET", &c.client_secret},
                               {"CTP_AUTH_URL", &c.auth_url},
                               {"CTP_API_URL", &c.api_url}}));
  return c;
}

}  // namespace fct
