// The connector's seam for time: wall-clock reads, monotonic reads, and
// deferred work. Production uses SystemClock; tests use a fake that advances
// instantly, so backoff and window planning are tested without sleeping.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace fct::net {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC wall clock.
  virtual std::chrono::system_clock::time_point now() = 0;
  // Monotonic clock for deadlines and durations.
  virtual std::chrono::steady_clock::time_point steady_now() = 0;
  // Runs fn once, on some thread, no earlier than `delay` from now.
  // A fake clock may run it before returning.
  virtual void schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
};

// The process-wide real clock. Its timer thread starts on first use.
Clock& system_clock();

}  // namespace fct::net
