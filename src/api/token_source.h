// OAuth access tokens for Fluent and commercetools, cached until a minute
// before expiry and refreshed once when an API answers 401.
// Thread-safe. token() blocks while it fetches: call it from a job thread,
// never from a transport callback.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "api/credentials.h"
#include "common/result.h"
#include "net/http.h"

namespace fct {

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual Result<std::string> token() = 0;
  // Drops `stale` if it is still the cached token, so the next token() fetches anew.
  virtual void invalidate(const std::string& stale) = 0;
};

std::unique_ptr<TokenSource> make_fluent_token_source(net::HttpTransport& transport, net::Clock& clock,
                                                      FluentCredentials credentials);
std::unique_ptr<TokenSource> make_ct_token_source(net::HttpTransport& transport, net::Clock& clock,
                                                  CtCredentials credentials);

}  // namespace fct
