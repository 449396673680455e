// GraphQL over HTTP with a bearer token, for both Fluent and commercetools.
//
// request() + interpret() are the two halves the concurrent writers use with
// HttpTransport::start(); query() is the blocking whole for one-off calls.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/token_source.h"
#include "common/result.h"
#include "net/http.h"

namespace fct {

// Logical requests by kind ("fluent.virtualPositions", "ct.inventoryEntries"…). Thread-safe.
class RequestCounts {
 public:
  void add(const std::string& kind, uint64_t n = 1);
  std::map<std::string, uint64_t> snapshot() const;
  uint64_t total() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counts_;
};

struct GraphQLReply {
  nlohmann::json data;                                // null when absent
  nlohmann::json errors = nlohmann::json::array();    // GraphQL errors, possibly empty
};

// Classifies one GraphQL error object: ct's extensions.code
// (ConcurrentModification → kConflict, DuplicateField → kDuplicate,
// OverCapacity/PendingOperation/… → kUnavailable) and Fluent's codes
// ("T…" temporary → kUnavailable; others kGraphQL).
Error classify_graphql_error(const nlohmann::json& error, const std::string& api);

class GraphQLClient {
 public:
  GraphQLClient(net::HttpTransport& transport, TokenSource& tokens, std::string url, std::string api,
                RequestCounts& counts);

  // The HTTP request for a document; *token_used receives the bearer token so a
  // 401 can invalidate exactly it. Blocks while a token is fetched.
  Result<net::HttpRequest> request(std::string_view document, const nlohmann::json& variables,
                                   std::string* token_used);
  // The same with the variables already serialised as a JSON object.
  Result<net::HttpRequest> request_serialized(std::string_view document, std::string_view variables_json,
                                              std::string* token_used);
  // Transport errors and non-200 statuses become Errors; a 200 with GraphQL
  // errors is a reply (the caller decides, e.g. per alias).
  Result<GraphQLReply> interpret(const net::HttpResponse& response) const;
  // The HTTP half of interpret(): transport errors, 401, 403, 429 and 5xx
  // become Errors; anything else (the body still unread) is OK.
  Status check_http(const net::HttpResponse& response) const;
  // Whole-reply retries in query(), on top of the transport's HTTP retries:
  // for replies the transport cannot judge (invalid or truncated JSON,
  // GraphQL errors marked temporary, 5xx that outlived the transport's
  // attempts). Waits go through `clock`. Off (1 attempt) unless set.
  void set_reply_retries(net::Clock* clock, int max_attempts, std::chrono::milliseconds initial_backoff);

  // request → send → interpret, refreshing the token once on 401; any GraphQL
  // error becomes an Error. Counts one request of `kind` per attempt.
  Result<nlohmann::json> query(const std::string& kind, std::string_view document, const nlohmann::json& variables);
  // query() with a fast path: a 200 reply's body is first offered to
  // `decode` (see api/reply_decoders.h). When it returns true it has taken
  // the reply and the result is null; otherwise the reply goes the general way.
  using BodyDecoder = std::function<bool(std::string& body)>;
  Result<nlohmann::json> query(const std::string& kind, std::string_view document, const nlohmann::json& variables,
                               const BodyDecoder& decode);

  net::HttpTransport& transport() { return transport_; }
  TokenSource& tokens() { return tokens_; }
  RequestCounts& counts() { return counts_; }
  const std::string& api() const { return api_; }

 private:
  net::HttpTransport& transport_;
  TokenSource& tokens_;
  std::string url_;
  std::string api_;
  RequestCounts& counts_;
  static constexpr size_t kMaxQuoted = 256;
  std::mutex quoted_mu_;
  std::map<std::string, std::string, std::less<>> quoted_;  // document -> its JSON string form
  net::Clock* retry_clock_ = nullptr;
  int reply_attempts_ = 1;
  std::chrono::milliseconds reply_backoff_{200};
};

}  // namespace fct
