// RetryPolicy and the retrying transport (see net/http.h).
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <mutex>
#include <random>

#include "net/http.h"

namespace fct::net {

using std::chrono::milliseconds;

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // delta-seconds; saturate absurd values instead of overflowing.
    if (value.size() > 9) return milliseconds(999999999LL * 1000);
    long long seconds = 0;
    for (char c : value) seconds = seconds * 10 + (c - '0');
    return milliseconds(seconds * 1000);
  }
  // HTTP-date: IMF-fixdate, RFC 850 or asctime; curl_getdate parses all three.
  // It only reads the string, never touches global state.
  if (value.size() > 64) return std::nullopt;
  std::string text(value);
  time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(when);
  if (at <= now) return milliseconds(0);
  return std::chrono::ceil<milliseconds>(at - now);
}

bool RetryPolicy::retryable(const HttpResponse& response) {
  switch (response.status) {
    case 0:
      return response.error.has_value() && (response.error->code == ErrorCode::kUnavailable ||
                                            response.error->code == ErrorCode::kDeadlineExceeded);
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

milliseconds RetryPolicy::backoff(int attempt, const HttpResponse& response, double random01) const {
  return backoff(attempt, response, random01, std::chrono::system_clock::now());
}

milliseconds RetryPolicy::backoff(int attempt, const HttpResponse& response, double random01,
                                  std::chrono::system_clock::time_point now) const {
  if (attempt < 1) attempt = 1;
  random01 = std::clamp(random01, 0.0, 1.0);
  double cap = static_cast<double>(std::max<int64_t>(0, max_backoff.count()));
  double base = static_cast<double>(std::max<int64_t>(0, initial_backoff.count())) *
                std::pow(std::max(multiplier, 0.0), attempt - 1);
  if (!(base < cap)) base = cap;  // also catches inf / NaN
  auto delay = milliseconds(static_cast<int64_t>(std::floor(random01 * base)));
  if (response.status == 429 || response.status == 503) {
    if (auto after = parse_retry_after(response.header("retry-after"), now)) {
      delay = std::max(delay, std::min(*after, deadline));
    }
  }
  return delay;
}

namespace {

struct RetryShared {
  std::shared_ptr<HttpTransport> inner;
  RetryPolicy policy;
  Clock* clock;
  std::mutex rng_mu;
  std::mt19937_64 rng;
  std::atomic<bool> closed{false};
  std::atomic<uint64_t> requests{0}, retries{0}, failures{0};

  double random01() {
    std::lock_guard lock(rng_mu);
    // 53 random bits -> [0, 1).
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
  }
};

struct RetryCall {
  HttpRequest request;
  HttpTransport::Callback done;
  int attempt = 0;
  std::chrono::steady_clock::time_point first;
  HttpResponse last;  // kept while waiting, delivered if the transport closes
};

void attempt_once(const std::shared_ptr<RetryShared>& s, const std::shared_ptr<RetryCall>& c);

void deliver(const std::shared_ptr<RetryCall>& c, HttpResponse response) {
  auto done = std::move(c->done);
  c->request = HttpRequest{};
  done(std::move(response));
}

void on_reply(const std::shared_ptr<RetryShared>& s, const std::shared_ptr<RetryCall>& c, HttpResponse response) {
  if (response.status == 0) s->failures.fetch_add(1, std::memory_order_relaxed);
  response.attempts = c->attempt;
  const RetryPolicy& p = s->policy;
  if (!RetryPolicy::retryable(response) || c->attempt >= p.max_attempts || s->closed.load()) {
    deliver(c, std::move(response));
    return;
  }
  auto delay = p.backoff(c->attempt, response, s->random01(), s->clock->now());
  if (s->clock->steady_now() + delay > c->first + p.deadline) {
    deliver(c, std::move(response));
    return;
  }
  c->last = std::move(response);
  s->clock->schedule_after(delay, [s, c] {
    if (s->closed.load()) {
      deliver(c, std::move(c->last));
      return;
    }
    c->last = HttpResponse{};
    attempt_once(s, c);
  });
}

void attempt_once(const std::shared_ptr<RetryShared>& s, const std::shared_ptr<RetryCall>& c) {
  ++c->attempt;
  s->requests.fetch_add(1, std::memory_order_relaxed);
  if (c->attempt > 1) s->retries.fetch_add(1, std::memory_order_relaxed);
  // The last permitted attempt may take the request; earlier ones copy it.
  HttpRequest request = c->attempt >= s->policy.max_attempts ? std::move(c->request) : c->request;
  s->inner->start(std::move(request), [s, c](HttpResponse response) { on_reply(s, c, std::move(response)); });
}

class RetryingTransport final : public HttpTransport {
 public:
  explicit RetryingTransport(std::shared_ptr<RetryShared> shared) : s_(std::move(shared)) {}
  ~RetryingTransport() override { s_->closed.store(true); }

  void start(HttpRequest request, Callback done) override {
    auto call = std::make_shared<RetryCall>();
    call->request = std::move(request);
    call->done = std::move(done);
    call->first = s_->clock->steady_now();
    attempt_once(s_, call);
  }

  TransportStats stats() const override {
    TransportStats st;
    st.requests = s_->requests.load(std::memory_order_relaxed);
    st.retries = s_->retries.load(std::memory_order_relaxed);
    st.failures = s_->failures.load(std::memory_order_relaxed);
    return st;
  }

 private:
  std::shared_ptr<RetryShared> s_;
};

}  // namespace

std::unique_ptr<HttpTransport> make_retrying_transport(std::shared_ptr<HttpTransport> inner, RetryPolicy policy,
                                                       Clock& clock, uint64_t seed) {
  auto shared = std::make_shared<RetryShared>();
  shared->inner = std::move(inner);
  if (policy.max_attempts < 1) policy.max_attempts = 1;
  shared->policy = policy;
  shared->clock = &clock;
  shared->rng.seed(seed);
  return std::make_unique<RetryingTransport>(std::move(shared));
}

}  // namespace fct::net
