// Test doubles for the net seam: a fake clock and a scripted transport.
// Link `fct_net_testing`. Both are thread-safe; neither sleeps.
//
//   fct::net::FakeClock clock;                       // immediate mode
//   auto fake = std::make_shared<fct::net::ScriptedTransport>();
//   fake->push(fct::net::make_response(503));
//   fake->push(fct::net::make_response(200, R"({"data":{}})"));
//   auto t = fct::net::make_retrying_transport(fake, {}, clock, /*seed=*/1);
//   fct::net::HttpRequest req;
//   req.url = "http://x/graphql";
//   auto r = t->perform(req);                         // 200, attempts == 2
//   // clock.delays() holds the one backoff; fake->requests() both requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "net/clock.h"
#include "net/http.h"

namespace fct::net {

// A response with `status`, `body` and `headers` (names are lower-cased).
HttpResponse make_response(int status, std::string body = {}, Headers headers = {});
// A transport error: status 0 with `error` = {code, message}.
HttpResponse make_transport_error(ErrorCode code = ErrorCode::kUnavailable,
                                  std::string message = "scripted transport error");

// A Clock whose time moves only when told to.
//
// kImmediate (the default): schedule_after(d, fn) advances both clocks by d
// and runs fn before returning, on the calling thread. Code that waits through
// the clock then runs to completion synchronously, and time reflects the waits.
// kQueued: schedule_after queues fn at now + d; advance() or run_due() run
// what has come due (on the calling thread, in due order, FIFO among equals).
// Either way every requested delay is recorded in delays().
class FakeClock : public Clock {
 public:
  enum class Mode { kImmediate, kQueued };

  // Starts at 2024-01-01T00:00:00Z (wall) and an arbitrary steady epoch.
  explicit FakeClock(Mode mode = Mode::kImmediate);

  std::chrono::system_clock::time_point now() override;
  std::chrono::steady_clock::time_point steady_now() override;
  void schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override;

  void set_mode(Mode mode);
  // Sets the wall clock (the steady clock is unaffected).
  void set_now(std::chrono::system_clock::time_point t);
  // Moves both clocks forward by d; in kQueued mode then runs what is due.
  void advance(std::chrono::milliseconds d);
  // kQueued: runs every task whose time has come, including tasks they
  // schedule that are already due. Returns how many ran.
  size_t run_due();
  // kQueued: advances to the earliest queued task and runs it; false if none.
  bool run_next();
  // Number of queued tasks not yet run.
  size_t pending() const;

  // Every delay passed to schedule_after, in call order.
  std::vector<std::chrono::milliseconds> delays() const;
  // Sum of delays(): how long the code under test "waited".
  std::chrono::milliseconds total_delay() const;

 private:
  struct Task {
    std::chrono::steady_clock::time_point due;
    uint64_t seq;
    std::function<void()> fn;
  };
  bool pop_due(Task& out);

  mutable std::mutex mu_;
  Mode mode_;
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point steady_;
  std::vector<std::chrono::milliseconds> delays_;
  std::vector<Task> tasks_;  // unsorted; small in tests
  uint64_t next_seq_ = 0;
};

// An HttpTransport that answers from a script, synchronously inside start().
//
// The answer comes from the handler if one is set, else from the queue of
// canned responses (FIFO); with neither, the reply is a kInternal transport
// error "no scripted response" (not retryable, so a test fails loudly). Every
// request is recorded. With hold(true), start() parks the call instead; the
// test completes parked calls with release_one()/release_all() (the handler or
// queue answers at release time), which models requests in flight.
class ScriptedTransport : public HttpTransport {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  ScriptedTransport() = default;
  explicit ScriptedTransport(Handler handler);

  void set_handler(Handler handler);
  void push(HttpResponse response);
  void push(int status, std::string body = {}, Headers headers = {});

  void hold(bool on);
  bool release_one();   // completes the oldest parked call; false if none
  size_t release_all(); // completes every parked call (and ones parked meanwhile); returns count
  size_t held() const;

  void start(HttpRequest request, Callback done) override;
  TransportStats stats() const override;

  std::vector<HttpRequest> requests() const;  // every request, in start() order
  size_t request_count() const;
  HttpRequest last_request() const;  // REQUIRES: request_count() > 0

 private:
  HttpResponse answer(const HttpRequest& request);

  mutable std::mutex mu_;
  Handler handler_;
  std::deque<HttpResponse> canned_;
  bool hold_ = false;
  std::deque<std::pair<HttpRequest, Callback>> parked_;
  std::vector<HttpRequest> requests_;
  TransportStats stats_;
};

}  // namespace fct::net
