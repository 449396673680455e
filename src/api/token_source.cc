#include "api/token_source.h"

#include <nlohmann/json.hpp>

#include "common/encoding.h"

namespace fct {
namespace {

class OAuthTokenSource : public TokenSource {
 public:
  OAuthTokenSource(net::HttpTransport& transport, net::Clock& clock, net::HttpRequest request, std::string api)
      : transport_(transport), clock_(clock), request_(std::move(request)), api_(std::move(api)) {}

  Result<std::string> token() override {
    std::lock_guard lock(mu_);
    if (!token_.empty() && clock_.steady_now() < refresh_at_) return token_;
    // The transport retries 5xx and timeouts; a garbled reply is retried here.
    Result<std::string> result = fetch();
    for (int attempt = 1; attempt < 3 && !result.ok() && result.error().code == ErrorCode::kProtocol; ++attempt) {
      result = fetch();
    }
    return result;
  }

  void invalidate(const std::string& stale) override {
    std::lock_guard lock(mu_);
    if (token_ == stale) token_.clear();
  }

 private:
  // REQUIRES: mu_ held.
  Result<std::string> fetch() {
    auto response = transport_.perform(request_);
    if (response.status == 0) return response.error->context(api_ + " token request");
    if (response.status != 200) {
      // The body may echo parameters; report only the status and the error code.
      std::string code;
      try {
        auto body = nlohmann::json::parse(response.body);
        if (body.contains("error") && body["error"].is_string()) code = " (" + body["error"].get<std::string>() + ")";
      } catch (const nlohmann::json::exception&) {
      }
      auto ec = response.status == 401 || response.status == 400 ? ErrorCode::kUnauthenticated
                : response.status >= 500 || response.status == 429 ? ErrorCode::kUnavailable
                                                                   : ErrorCode::kProtocol;
      return make_error(ec, api_ + " token request answered HTTP " + std::to_string(response.status) + code +
                                (ec == ErrorCode::kUnauthenticated ? ": check the client id and secret" : ""));
    }
    try {
      auto body = nlohmann::json::parse(response.body);
      token_ = body.at("access_token").get<std::string>();
      int64_t expires_in = body.value("expires_in", int64_t{3600});
      // Refresh a minute early (or at half-life for very short tokens).
      int64_t margin = expires_in > 120 ? 60 : expires_in / 2;
      refresh_at_ = clock_.steady_now() + std::chrono::seconds(expires_in - margin);
    } catch (const nlohmann::json::exception&) {
      return make_error(ErrorCode::kProtocol, api_ + " token reply is not the expected JSON");
    }
    return token_;
  }

  net::HttpTransport& transport_;
  net::Clock& clock_;
  net::HttpRequest request_;
  std::string api_;
  std::mutex mu_;
  std::string token_;
  std::chrono::steady_clock::time_point refresh_at_;
};

}  // namespace

std::unique_ptr<TokenSource> make_fluent_token_source(net::HttpTransport& transport, net::Clock& clock,
                                                      FluentCredentials c) {
  net::HttpRequest req;
  req.url = c.base_url + "/oauth/token";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  if (!c.username.empty()) {
    req.body = "grant_type=password&username=" + form_encode(c.username) + "&password=" + form_encode(c.password);
  } else {
    req.body = "grant_type=client_credentials";
  }
  req.body += "&client_id=" + form_encode(c.client_id) + "&client_secret=" + form_encode(c.client_secret) + "&scope=api";
  return std::make_unique<OAuthTokenSource>(transport, clock, std::move(req), "Fluent");
}

std::unique_ptr<TokenSource> make_ct_token_source(net::HttpTransport& transport, net::Clock& clock, CtCredentials c) {
  net::HttpRequest req;
  req.url = c.auth_url + "/oauth/token";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"},
                 {"Authorization", "Basic " + base64_encode(c.client_id + ":" + c.client_secret)}};
  req.body = "grant_type=client_credentials";
  if (!c.scopes.empty()) req.body += "&scope=" + form_encode(c.scopes);
  return std::make_unique<OAuthTokenSource>(transport, clock, std::move(req), "commercetools");
}

}  // namespace fct
