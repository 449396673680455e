#include "app/services.h"

namespace fct {

Result<std::unique_ptr<LiveServices>> LiveServices::create(const ConnectorConfig& config,
                                                           const LiveServicesOptions& options) {
  std::unique_ptr<LiveServices> s(new LiveServices());
  FCT_ASSIGN_OR_RETURN(s->fluent_credentials_, fluent_credentials_from_env());
  FCT_ASSIGN_OR_RETURN(s->ct_credentials_, ct_credentials_from_env());
  net::TransportOptions topts;
  topts.verify_tls = options.verify_tls;
  topts.max_connections = options.max_connections;
  s->curl_ = net::make_curl_transport(topts);
  s->transport_ = net::make_retrying_transport(s->curl_, options.retry, net::system_clock(),
                                               static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  s->fluent_tokens_ = make_fluent_token_source(*s->transport_, net::system_clock(), s->fluent_credentials_);
  s->ct_tokens_ = make_ct_token_source(*s->transport_, net::system_clock(), s->ct_credentials_);
  s->fluent_ = std::make_unique<GraphQLClient>(*s->transport_, *s->fluent_tokens_,
                                               s->fluent_credentials_.base_url + "/graphql", "Fluent", s->counts_);
  s->ct_ = std::make_unique<GraphQLClient>(*s->transport_, *s->ct_tokens_,
                                           s->ct_credentials_.api_url + "/" + s->ct_credentials_.project_key + "/graphql",
                                           "commercetools", s->counts_);
  s->fluent_->set_reply_retries(&net::system_clock(), 4, std::chrono::milliseconds(200));
  s->ct_->set_reply_retries(&net::system_clock(), 4, std::chrono::milliseconds(200));
  if (!options.data_dir.empty()) {
    FCT_ASSIGN_OR_RETURN(s->store_, open_sqlite_store(options.data_dir));
  }
  s->services_.reset(new Services{net::system_clock(), *s->transport_, s->counts_, *s->fluent_, *s->ct_,
                                  s->store_.get(), config});
  return s;
}

}  // namespace fct
