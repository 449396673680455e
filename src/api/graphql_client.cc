#include "api/graphql_client.h"

#include <algorithm>
#include <future>

namespace fct {

void RequestCounts::add(const std::string& kind, uint64_t n) {
  std::lock_guard lock(mu_);
  counts_[kind] += n;
}

std::map<std::string, uint64_t> RequestCounts::snapshot() const {
  std::lock_guard lock(mu_);
  return counts_;
}

uint64_t RequestCounts::total() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (const auto& [k, v] : counts_) n += v;
  return n;
}

Error classify_graphql_error(const nlohmann::json& error, const std::string& api) {
  std::string message = error.is_object() ? error.value("message", std::string("(no message)")) : error.dump();
  std::string code;
  if (error.is_object() && error.contains("extensions") && error["extensions"].is_object()) {
    const auto& ext = error["extensions"];
    if (ext.contains("code") && ext["code"].is_string()) code = ext["code"].get<std::string>();
  }
  ErrorCode ec = ErrorCode::kGraphQL;
  if (code == "ConcurrentModification") {
    ec = ErrorCode::kConflict;
  } else if (code == "DuplicateField") {
    ec = ErrorCode::kDuplicate;
  } else if (code == "OverCapacity" || code == "PendingOperation" || code == "InternalServerError" ||
             code == "ServiceUnavailable" || code == "General") {
    ec = ErrorCode::kUnavailable;
  } else if (code == "ResourceNotFound") {
    ec = ErrorCode::kNotFound;
  } else if ((!code.empty() && code[0] == 'T' && code.size() == 6) || message.rfind("[T", 0) == 0) {
    ec = ErrorCode::kUnavailable;  // Fluent: T = temporary
  }
  return make_error(ec, api + " GraphQL error" + (code.empty() ? "" : " " + code) + ": " + message);
}

GraphQLClient::GraphQLClient(net::HttpTransport& transport, TokenSource& tokens, std::string url, std::string api,
                             RequestCounts& counts)
    : transport_(transport), tokens_(tokens), url_(std::move(url)), api_(std::move(api)), counts_(counts) {}

Result<net::HttpRequest> GraphQLClient::request(std::string_view document, const nlohmann::json& variables,
                                                std::string* token_used) {
  return request_serialized(document, variables.dump(), token_used);
}

Result<net::HttpRequest> GraphQLClient::request_serialized(std::string_view document, std::string_view variables_json,
                                                           std::string* token_used) {
  FCT_ASSIGN_OR_RETURN(std::string token, tokens_.token());
  net::HttpRequest req;
  req.url = url_;
  req.headers = {{"Content-Type", "application/json"},
                 {"Accept", "application/json"},
                 {"Authorization", "Bearer " + token}};
  // {"query": <document>, "variables": <variables>}, with the document's JSON
  // form cached: batch documents are large and sent again and again.
  req.body = "{\"query\":";
  {
    std::lock_guard lock(quoted_mu_);
    auto it = quoted_.find(document);
    if (it == quoted_.end()) {
      if (quoted_.size() >= kMaxQuoted) quoted_.clear();
      it = quoted_.emplace(std::string(document), nlohmann::json(document).dump()).first;
    }
    req.body += it->second;
  }
  req.body += ",\"variables\":";
  req.body += variables_json;
  req.body += '}';
  if (token_used) *token_used = std::move(token);
  return req;
}

Status GraphQLClient::check_http(const net::HttpResponse& response) const {
  if (response.status == 0) {
    return response.error ? response.error->context(api_ + " GraphQL")
                          : make_error(ErrorCode::kUnavailable, api_ + " GraphQL: no response");
  }
  if (response.status == 401) return make_error(ErrorCode::kUnauthenticated, api_ + " GraphQL answered HTTP 401");
  if (response.status == 403) {
    return make_error(ErrorCode::kPermissionDenied, api_ + " GraphQL answered HTTP 403: the client lacks a scope");
  }
  if (response.status == 429 || response.status >= 500) {
    return make_error(ErrorCode::kUnavailable, api_ + " GraphQL answered HTTP " + std::to_string(response.status) +
                                                   " after " + std::to_string(response.attempts) + " attempt(s)");
  }
  return Status();
}

Result<GraphQLReply> GraphQLClient::interpret(const net::HttpResponse& response) const {
  FCT_RETURN_IF_ERROR(check_http(response));
  auto status = std::to_string(response.status);
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(response.body);
  } catch (const nlohmann::json::exception&) {
    return make_error(ErrorCode::kProtocol, api_ + " GraphQL answered HTTP " + status + " with invalid JSON (" +
                                                std::to_string(response.body.size()) + " bytes)");
  }
  if (!body.is_object()) return make_error(ErrorCode::kProtocol, api_ + " GraphQL reply is not a JSON object");
  GraphQLReply reply;
  if (body.contains("errors") && body["errors"].is_array()) reply.errors = std::move(body["errors"]);
  if (body.contains("data")) reply.data = std::move(body["data"]);
  if (response.status != 200) {
    std::string detail = reply.errors.empty() ? "" : ": " + classify_graphql_error(reply.errors[0], api_).message;
    return make_error(ErrorCode::kInvalidArgument, api_ + " GraphQL answered HTTP " + status + detail);
  }
  if (reply.data.is_null() && reply.errors.empty()) {
    return make_error(ErrorCode::kProtocol, api_ + " GraphQL reply has neither data nor errors");
  }
  return reply;
}

void GraphQLClient::set_reply_retries(net::Clock* clock, int max_attempts, std::chrono::milliseconds initial_backoff) {
  retry_clock_ = clock;
  reply_attempts_ = std::max(1, max_attempts);
  reply_backoff_ = initial_backoff;
}

Result<nlohmann::json> GraphQLClient::query(const std::string& kind, std::string_view document,
                                            const nlohmann::json& variables) {
  return query(kind, document, variables, BodyDecoder());
}

Result<nlohmann::json> GraphQLClient::query(const std::string& kind, std::string_view document,
                                            const nlohmann::json& variables, const BodyDecoder& decode) {
  bool refreshed = false;
  for (int attempt = 1;; ++attempt) {
    std::string token;
    FCT_ASSIGN_OR_RETURN(auto req, request(document, variables, &token));
    counts_.add(kind);
    auto response = transport_.perform(std::move(req));
    if (response.status == 401 && !refreshed) {
      refreshed = true;  // one refresh per call: a second 401 is an answer
      tokens_.invalidate(token);
      --attempt;
      continue;
    }
    if (decode && response.status == 200 && decode(response.body)) return nlohmann::json();
    Result<nlohmann::json> result = [&]() -> Result<nlohmann::json> {
      FCT_ASSIGN_OR_RETURN(auto reply, interpret(response));
      if (!reply.errors.empty()) return classify_graphql_error(reply.errors[0], api_).context(kind);
      return std::move(reply.data);
    }();
    bool transient = !result.ok() && (result.error().retryable() || result.error().code == ErrorCode::kProtocol);
    if (!transient || attempt >= reply_attempts_ || !retry_clock_) return result;
    auto delay = reply_backoff_ * (1 << std::min(attempt - 1, 6));
    std::promise<void> waited;
    retry_clock_->schedule_after(delay, [&waited] { waited.set_value(); });
    waited.get_future().wait();
  }
}

}  // namespace fct
