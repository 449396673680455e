// HTTP transport: the connector's seam for the network.
//
// An HttpTransport keeps many requests in flight: start() queues a request
// and returns at once; the callback runs exactly once, on a transport
// thread, when the request completed or failed. perform() is the blocking
// form. Implementations are safe to call from any thread.
//
// A transport error (connection refused, reset, timeout, TLS failure) is a
// response with status 0 and `error` set; it is never thrown.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "net/clock.h"

namespace fct::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // whole request, one attempt
};

struct HttpResponse {
  int status = 0;                // 0: transport error, see `error`
  Headers headers;               // names lower-cased
  std::string body;
  std::optional<Error> error;    // set when status == 0 (kUnavailable or kDeadlineExceeded)
  int attempts = 1;              // how many attempts a retrying transport made

  // The first header with this (lower-case) name, or empty.
  std::string_view header(std::string_view lower_name) const;
};

struct TransportStats {
  uint64_t requests = 0;   // attempts sent, retries included
  uint64_t retries = 0;
  uint64_t failures = 0;   // transport errors (status 0)
};

class HttpTransport {
 public:
  using Callback = std::function<void(HttpResponse)>;
  HttpTransport() = default;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;
  virtual ~HttpTransport() = default;

  // Queues the request; `done` runs exactly once. REQUIRES: done is non-empty.
  virtual void start(HttpRequest request, Callback done) = 0;
  virtual TransportStats stats() const = 0;

  // Blocking form of start().
  HttpResponse perform(HttpRequest request);
  std::future<HttpResponse> submit(HttpRequest request);
};

struct TransportOptions {
  size_t max_connections = 16;   // in flight at once, per host
  bool verify_tls = true;        // off only by explicit flag, for local simulators
  bool http2 = true;             // multiplex over one connection where the server offers it
  std::chrono::milliseconds connect_timeout{10000};
  std::string user_agent = "fluent-ct";
  // Send Accept-Encoding for every encoding libcurl decodes (gzip, br,
  // zstd) and decode replies transparently. Off by default: on loopback to the
  // simulators compression only costs CPU.
  bool accept_compressed = false;
};

// libcurl multi, one I/O thread, connection reuse. At most max_connections
// requests per scheme://host:port are handed to libcurl at once; the rest wait
// in FIFO order and their timeout starts when they are sent. Callbacks run on
// the I/O thread and must not block (so no perform() inside a callback). The
// destructor completes every unfinished request with a kCancelled error
// (status 0) before it returns, except when it runs on the I/O thread itself
// (a callback dropped the last reference): then right after that callback.
std::unique_ptr<HttpTransport> make_curl_transport(const TransportOptions& options);

// Retry rules (DOMAIN.md): retry transport errors, 500, 502, 503, 504 and 429
// (honouring Retry-After, seconds or HTTP date) with exponential backoff and
// full jitter, bounded by max_attempts and a per-request deadline. Never retry
// other statuses; 401 is left to the caller (it refreshes its token).
struct RetryPolicy {
  int max_attempts = 6;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{10000};
  double multiplier = 2.0;
  std::chrono::milliseconds deadline{120000};  // from the first attempt

  static bool retryable(const HttpResponse& response);
  // Delay before attempt `attempt + 1` (attempt counts from 1), given the
  // reply to `attempt`. `random01` is uniform in [0,1): injected for tests.
  std::chrono::milliseconds backoff(int attempt, const HttpResponse& response, double random01) const;
  // The same with the wall-clock time an HTTP-date Retry-After is
  // measured from (the 3-argument form uses std::chrono::system_clock::now()).
  std::chrono::milliseconds backoff(int attempt, const HttpResponse& response, double random01,
                                    std::chrono::system_clock::time_point now) const;
};

// A Retry-After value (delta-seconds or HTTP-date) as a wait from
// `now`; a date in the past is 0; nullopt when unparseable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// `url` fit for messages and logs: without userinfo, query string and
// fragment (they may carry credentials).
std::string redact_url(std::string_view url);

// Wraps a transport with RetryPolicy. Waits between attempts through
// Clock::schedule_after, never by blocking a transport thread.
// The delivered response is the last attempt's, with `attempts` set. stats():
// requests = attempts sent, retries = attempts beyond each request's first,
// failures = attempts that ended in a transport error. Destroying the wrapper
// stops further retries: a request waiting for its next attempt gets its last
// response when the wait ends. `clock` must outlive every request.
std::unique_ptr<HttpTransport> make_retrying_transport(std::shared_ptr<HttpTransport> inner, RetryPolicy policy,
                                                       Clock& clock, uint64_t seed);

}  // namespace fct::net
