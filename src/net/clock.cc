// SystemClock: real clocks plus one lazily started timer thread.
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "net/clock.h"

namespace fct::net {
namespace {

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point steady_now() override { return std::chrono::steady_clock::now(); }

  void schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    if (delay.count() < 0) delay = std::chrono::milliseconds(0);
    {
      std::lock_guard lock(mu_);
      if (!started_) {
        started_ = true;
        // Never joined: the clock is a leaky singleton, so the thread may run
        // until the process exits without touching destroyed state.
        std::thread([this] { run(); }).detach();
      }
      tasks_.push(Task{std::chrono::steady_clock::now() + delay, next_seq_++, std::move(fn)});
    }
    cv_.notify_one();
  }

 private:
  struct Task {
    std::chrono::steady_clock::time_point due;
    uint64_t seq;  // FIFO among equal due times
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Task& a, const Task& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };

  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (tasks_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto due = tasks_.top().due;
      if (std::chrono::steady_clock::now() < due) {
        cv_.wait_until(lock, due);
        continue;
      }
      // priority_queue::top() is const; the function is moved out through a
      // const_cast, which is safe because the element is popped right away.
      auto fn = std::move(const_cast<Task&>(tasks_.top()).fn);
      tasks_.pop();
      lock.unlock();
      try {
        fn();
      } catch (...) {
        // A scheduled function must not throw; keep the timer thread alive.
      }
      fn = nullptr;  // destroy captures outside the lock
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Task, std::vector<Task>, Later> tasks_;
  uint64_t next_seq_ = 0;
  bool started_ = false;
};

}  // namespace

Clock& system_clock() {
  static SystemClock* const clock = new SystemClock();  // leaky on purpose: outlives all statics
  return *clock;
}

}  // namespace fct::net
