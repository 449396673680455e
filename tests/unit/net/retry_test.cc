#include <gtest/gtest.h>

#include <ctime>

#include "net/http.h"
#include "net/testing.h"

namespace fct::net {
namespace {

using std::chrono::milliseconds;

HttpResponse with_retry_after(int status, std::string value) {
  return make_response(status, "", {{"retry-after", std::move(value)}});
}

std::string http_date(std::chrono::system_clock::time_point t, const char* format) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// ---- RetryPolicy::retryable ----

TEST(RetryPolicyTest, RetryableStatuses) {
  for (int status : {429, 500, 502, 503, 504}) {
    EXPECT_TRUE(RetryPolicy::retryable(make_response(status))) << status;
  }
  for (int status : {200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 422, 501, 505, 599}) {
    EXPECT_FALSE(RetryPolicy::retryable(make_response(status))) << status;
  }
}

TEST(RetryPolicyTest, RetryableTransportErrors) {
  EXPECT_TRUE(RetryPolicy::retryable(make_transport_error(ErrorCode::kUnavailable)));
  EXPECT_TRUE(RetryPolicy::retryable(make_transport_error(ErrorCode::kDeadlineExceeded)));
  for (ErrorCode code : {ErrorCode::kCancelled, ErrorCode::kInternal, ErrorCode::kInvalidArgument,
                         ErrorCode::kUnauthenticated, ErrorCode::kProtocol}) {
    EXPECT_FALSE(RetryPolicy::retryable(make_transport_error(code))) << to_string(code);
  }
  EXPECT_FALSE(RetryPolicy::retryable(HttpResponse{}));  // status 0 without an error
}

// ---- RetryPolicy::backoff ----

TEST(RetryPolicyTest, BackoffGrowsExponentiallyAndCaps) {
  RetryPolicy p;  // 100 ms, x2, cap 10 s
  HttpResponse r = make_response(503);
  EXPECT_EQ(p.backoff(1, r, 0.5), milliseconds(50));
  EXPECT_EQ(p.backoff(2, r, 0.5), milliseconds(100));
  EXPECT_EQ(p.backoff(3, r, 0.5), milliseconds(200));
  EXPECT_EQ(p.backoff(4, r, 0.5), milliseconds(400));
  EXPECT_EQ(p.backoff(8, r, 0.5), milliseconds(5000));   // 12.8 s capped to 10 s
  EXPECT_EQ(p.backoff(9, r, 0.5), milliseconds(5000));
  EXPECT_EQ(p.backoff(2000, r, 0.5), milliseconds(5000));  // no overflow
  p.multiplier = 3.0;
  p.initial_backoff = milliseconds(10);
  EXPECT_EQ(p.backoff(3, r, 0.5), milliseconds(45));
}

TEST(RetryPolicyTest, BackoffFullJitterBounds) {
  RetryPolicy p;
  HttpResponse r = make_response(500);
  for (int attempt = 1; attempt <= 10; ++attempt) {
    long long base = std::min<long long>(10000, 100LL << (attempt - 1));
    EXPECT_EQ(p.backoff(attempt, r, 0.0), milliseconds(0));
    for (double u : {0.001, 0.25, 0.5, 0.75, 0.999999}) {
      auto d = p.backoff(attempt, r, u);
      EXPECT_GE(d.count(), 0);
      EXPECT_LT(d.count(), base) << attempt << " " << u;
      EXPECT_NEAR(static_cast<double>(d.count()), u * static_cast<double>(base), 1.0);
    }
  }
}

TEST(RetryPolicyTest, RetryAfterSecondsIsAFloor) {
  RetryPolicy p;
  EXPECT_EQ(p.backoff(1, with_retry_after(503, "3"), 0.5), milliseconds(3000));
  EXPECT_EQ(p.backoff(1, with_retry_after(429, " 2 "), 0.0), milliseconds(2000));
  // Jitter above the floor wins.
  EXPECT_EQ(p.backoff(8, with_retry_after(429, "1"), 0.5), milliseconds(5000));
  // Only 429 and 503 are honoured.
  EXPECT_EQ(p.backoff(1, with_retry_after(500, "3"), 0.5), milliseconds(50));
  // Capped at the deadline.
  p.deadline = milliseconds(5000);
  EXPECT_EQ(p.backoff(1, with_retry_after(503, "3600"), 0.5), milliseconds(5000));
  // Garbage is ignored.
  EXPECT_EQ(p.backoff(1, with_retry_after(503, "soon"), 0.5), milliseconds(50));
}

TEST(RetryPolicyTest, RetryAfterHttpDate) {
  RetryPolicy p;
  auto now = std::chrono::sys_days{std::chrono::year{2024} / 3 / 10} + std::chrono::hours(12);
  auto later = now + std::chrono::seconds(7);
  EXPECT_EQ(p.backoff(1, with_retry_after(503, http_date(later, "%a, %d %b %Y %H:%M:%S GMT")), 0.5, now),
            milliseconds(7000));
  EXPECT_EQ(p.backoff(1, with_retry_after(429, http_date(later, "%A, %d-%b-%y %H:%M:%S GMT")), 0.5, now),
            milliseconds(7000));  // RFC 850
  EXPECT_EQ(p.backoff(1, with_retry_after(429, http_date(later, "%a %b %e %H:%M:%S %Y")), 0.5, now),
            milliseconds(7000));  // asctime
  auto earlier = now - std::chrono::seconds(30);
  EXPECT_EQ(p.backoff(1, with_retry_after(503, http_date(earlier, "%a, %d %b %Y %H:%M:%S GMT")), 0.5, now),
            milliseconds(50));
}

TEST(RetryPolicyTest, ParseRetryAfter) {
  auto now = std::chrono::system_clock::now();
  EXPECT_EQ(parse_retry_after("0", now), milliseconds(0));
  EXPECT_EQ(parse_retry_after("120", now), milliseconds(120000));
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5", now), std::nullopt);
  EXPECT_TRUE(parse_retry_after("99999999999999999999", now).has_value());
}

// ---- Retrying transport ----

HttpRequest request(std::string body = "{}") {
  HttpRequest r;
  r.url = "http://fluent.test/graphql";
  r.body = std::move(body);
  r.headers = {{"content-type", "application/json"}};
  return r;
}

struct RetryFixture : ::testing::Test {
  FakeClock clock;
  std::shared_ptr<ScriptedTransport> inner = std::make_shared<ScriptedTransport>();
  RetryPolicy policy;
  std::unique_ptr<HttpTransport> make() { return make_retrying_transport(inner, policy, clock, 42); }
};

TEST_F(RetryFixture, Retries503ThenSucceeds) {
  inner->push(make_response(503));
  inner->push(make_response(503));
  inner->push(make_response(200, "ok"));
  auto t = make();
  HttpResponse r = t->perform(request("payload"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(r.attempts, 3);
  auto reqs = inner->requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (const auto& q : reqs) {
    EXPECT_EQ(q.body, "payload");
    EXPECT_EQ(q.url, "http://fluent.test/graphql");
    EXPECT_EQ(q.headers.size(), 1u);
  }
  auto delays = clock.delays();
  ASSERT_EQ(delays.size(), 2u);
  EXPECT_LT(delays[0], milliseconds(100));
  EXPECT_LT(delays[1], milliseconds(200));
  auto s = t->stats();
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.retries, 2u);
  EXPECT_EQ(s.failures, 0u);
}

TEST_F(RetryFixture, GivesUpAfterMaxAttempts) {
  policy.max_attempts = 4;
  inner->set_handler([](const HttpRequest&) { return make_response(502, "bad gateway"); });
  auto t = make();
  HttpResponse r = t->perform(request());
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body, "bad gateway");
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(inner->request_count(), 4u);
  EXPECT_EQ(clock.delays().size(), 3u);
  EXPECT_EQ(t->stats().retries, 3u);
}

TEST_F(RetryFixture, DoesNotRetryClientErrors) {
  auto t = make();
  for (int status : {400, 401, 403, 404, 409, 200}) {
    inner->push(make_response(status, "x"));
    HttpResponse r = t->perform(request());
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.attempts, 1);
  }
  EXPECT_EQ(inner->request_count(), 6u);
  EXPECT_TRUE(clock.delays().empty());
  EXPECT_EQ(t->stats().requests, 6u);
  EXPECT_EQ(t->stats().retries, 0u);
}

TEST_F(RetryFixture, RetriesTransportErrorsAndCountsFailures) {
  inner->push(make_transport_error(ErrorCode::kUnavailable, "connection reset"));
  inner->push(make_transport_error(ErrorCode::kDeadlineExceeded, "timeout"));
  inner->push(make_response(429));
  inner->push(make_response(204));
  auto t = make();
  HttpResponse r = t->perform(request());
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.attempts, 4);
  auto s = t->stats();
  EXPECT_EQ(s.requests, 4u);
  EXPECT_EQ(s.retries, 3u);
  EXPECT_EQ(s.failures, 2u);
}

TEST_F(RetryFixture, DoesNotRetryCancelled) {
  inner->push(make_transport_error(ErrorCode::kCancelled, "shut down"));
  auto t = make();
  HttpResponse r = t->perform(request());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error->code, ErrorCode::kCancelled);
  EXPECT_EQ(r.attempts, 1);
}

TEST_F(RetryFixture, DeliversLastTransportErrorAsIs) {
  policy.max_attempts = 2;
  inner->push(make_transport_error(ErrorCode::kUnavailable, "first"));
  inner->push(make_transport_error(ErrorCode::kDeadlineExceeded, "second"));
  auto t = make();
  HttpResponse r = t->perform(request());
  EXPECT_EQ(r.status, 0);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(r.error->message, "second");
  EXPECT_EQ(r.attempts, 2);
}

TEST_F(RetryFixture, DeadlineStopsRetries) {
  policy.max_attempts = 10;
  policy.initial_backoff = milliseconds(1);
  policy.deadline = milliseconds(2500);
  inner->set_handler([](const HttpRequest&) { return with_retry_after(503, "1"); });
  auto t = make();
  auto start = clock.steady_now();
  HttpResponse r = t->perform(request());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.attempts, 3);  // at 0 s, 1 s, 2 s; the next would start at 3 s > 2.5 s
  EXPECT_EQ(clock.steady_now() - start, milliseconds(2000));
  EXPECT_EQ(clock.delays(), (std::vector<milliseconds>{milliseconds(1000), milliseconds(1000)}));
}

TEST_F(RetryFixture, DeadlineCountsTimeSpentInAttempts) {
  policy.max_attempts = 10;
  policy.deadline = milliseconds(10000);
  // Each attempt takes 4 s of (fake) time.
  inner->set_handler([this](const HttpRequest&) {
    clock.advance(milliseconds(4000));
    return make_response(504);
  });
  auto t = make();
  HttpResponse r = t->perform(request());
  EXPECT_EQ(r.status, 504);
  // Attempt 1 runs 0-4 s, attempt 2 starts before 4.1 s and ends before
  // 8.1 s, attempt 3 starts before 8.3 s and ends past 12 s: a fourth would
  // start past the 10 s deadline.
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(inner->request_count(), 3u);
}

TEST_F(RetryFixture, WaitsGoThroughTheClock) {
  clock.set_mode(FakeClock::Mode::kQueued);
  inner->push(make_response(503));
  inner->push(make_response(200));
  auto t = make();
  std::optional<HttpResponse> got;
  t->start(request(), [&](HttpResponse r) { got = std::move(r); });
  EXPECT_FALSE(got);
  EXPECT_EQ(inner->request_count(), 1u);
  EXPECT_EQ(clock.pending(), 1u);
  EXPECT_TRUE(clock.run_next());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->attempts, 2);
}

TEST_F(RetryFixture, DestroyedWrapperDeliversLastResponseInsteadOfRetrying) {
  clock.set_mode(FakeClock::Mode::kQueued);
  inner->push(make_response(503, "busy"));
  auto t = make();
  std::optional<HttpResponse> got;
  t->start(request(), [&](HttpResponse r) { got = std::move(r); });
  t.reset();
  EXPECT_FALSE(got);
  EXPECT_TRUE(clock.run_next());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 503);
  EXPECT_EQ(got->body, "busy");
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(inner->request_count(), 1u);
}

TEST_F(RetryFixture, SameSeedSameDelays) {
  inner->set_handler([](const HttpRequest&) { return make_response(500); });
  auto a = make_retrying_transport(inner, policy, clock, 7);
  a->perform(request());
  auto first = clock.delays();
  FakeClock other;
  auto b = make_retrying_transport(inner, policy, other, 7);
  b->perform(request());
  EXPECT_EQ(first, other.delays());
  EXPECT_EQ(first.size(), 5u);
}

}  // namespace
}  // namespace fct::net
