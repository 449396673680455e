#include "net/testing.h"

#include <algorithm>

namespace fct::net {

HttpResponse make_response(int status, std::string body, Headers headers) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  for (auto& [name, value] : headers) {
    for (char& c : name) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  r.headers = std::move(headers);
  return r;
}

HttpResponse make_transport_error(ErrorCode code, std::string message) {
  HttpResponse r;
  r.status = 0;
  r.error = make_error(code, std::move(message));
  return r;
}

// ---- FakeClock ----

FakeClock::FakeClock(Mode mode)
    : mode_(mode),
      wall_(std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}),
      steady_(std::chrono::steady_clock::time_point{} + std::chrono::hours(1000)) {}

std::chrono::system_clock::time_point FakeClock::now() {
  std::lock_guard lock(mu_);
  return wall_;
}

std::chrono::steady_clock::time_point FakeClock::steady_now() {
  std::lock_guard lock(mu_);
  return steady_;
}

void FakeClock::schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    delays_.push_back(delay);
    if (delay.count() < 0) delay = std::chrono::milliseconds(0);
    if (mode_ == Mode::kQueued) {
      tasks_.push_back(Task{steady_ + delay, next_seq_++, std::move(fn)});
      return;
    }
    wall_ += delay;
    steady_ += delay;
  }
  fn();
}

void FakeClock::set_mode(Mode mode) {
  std::lock_guard lock(mu_);
  mode_ = mode;
}

void FakeClock::set_now(std::chrono::system_clock::time_point t) {
  std::lock_guard lock(mu_);
  wall_ = t;
}

void FakeClock::advance(std::chrono::milliseconds d) {
  {
    std::lock_guard lock(mu_);
    wall_ += d;
    steady_ += d;
  }
  run_due();
}

bool FakeClock::pop_due(Task& out) {
  // REQUIRES: mu_ held.
  auto best = tasks_.end();
  for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
    if (it->due > steady_) continue;
    if (best == tasks_.end() || it->due < best->due || (it->due == best->due && it->seq < best->seq)) best = it;
  }
  if (best == tasks_.end()) return false;
  out = std::move(*best);
  tasks_.erase(best);
  return true;
}

size_t FakeClock::run_due() {
  size_t ran = 0;
  for (;;) {
    Task task;
    {
      std::lock_guard lock(mu_);
      if (!pop_due(task)) return ran;
    }
    task.fn();
    ++ran;
  }
}

bool FakeClock::run_next() {
  Task task;
  {
    std::lock_guard lock(mu_);
    if (tasks_.empty()) return false;
    auto first = std::min_element(tasks_.begin(), tasks_.end(), [](const Task& a, const Task& b) {
      return a.due != b.due ? a.due < b.due : a.seq < b.seq;
    });
    if (first->due > steady_) {
      auto d = first->due - steady_;
      steady_ += d;
      wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    }
    task = std::move(*first);
    tasks_.erase(first);
  }
  task.fn();
  return true;
}

size_t FakeClock::pending() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

std::vector<std::chrono::milliseconds> FakeClock::delays() const {
  std::lock_guard lock(mu_);
  return delays_;
}

std::chrono::milliseconds FakeClock::total_delay() const {
  std::lock_guard lock(mu_);
  std::chrono::milliseconds total{0};
  for (auto d : delays_) total += d;
  return total;
}

// ---- ScriptedTransport ----

ScriptedTransport::ScriptedTransport(Handler handler) : handler_(std::move(handler)) {}

void ScriptedTransport::set_handler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

void ScriptedTransport::push(HttpResponse response) {
  std::lock_guard lock(mu_);
  canned_.push_back(std::move(response));
}

void ScriptedTransport::push(int status, std::string body, Headers headers) {
  push(make_response(status, std::move(body), std::move(headers)));
}

void ScriptedTransport::hold(bool on) {
  std::lock_guard lock(mu_);
  hold_ = on;
}

HttpResponse ScriptedTransport::answer(const HttpRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    if (!handler_) {
      if (canned_.empty()) {
        return make_transport_error(ErrorCode::kInternal,
                                    "ScriptedTransport: no scripted response for " + request.method + " " +
                                        redact_url(request.url));
      }
      HttpResponse r = std::move(canned_.front());
      canned_.pop_front();
      return r;
    }
    handler = handler_;  // call a copy outside the lock: it may use the transport
  }
  return handler(request);
}

void ScriptedTransport::start(HttpRequest request, Callback done) {
  {
    std::lock_guard lock(mu_);
    ++stats_.requests;
    requests_.push_back(request);
    if (hold_) {
      parked_.emplace_back(std::move(request), std::move(done));
      return;
    }
  }
  HttpResponse response = answer(request);
  if (response.status == 0) {
    std::lock_guard lock(mu_);
    ++stats_.failures;
  }
  done(std::move(response));
}

bool ScriptedTransport::release_one() {
  std::pair<HttpRequest, Callback> call;
  {
    std::lock_guard lock(mu_);
    if (parked_.empty()) return false;
    call = std::move(parked_.front());
    parked_.pop_front();
  }
  HttpResponse response = answer(call.first);
  if (response.status == 0) {
    std::lock_guard lock(mu_);
    ++stats_.failures;
  }
  call.second(std::move(response));
  return true;
}

size_t ScriptedTransport::release_all() {
  size_t n = 0;
  while (release_one()) ++n;
  return n;
}

size_t ScriptedTransport::held() const {
  std::lock_guard lock(mu_);
  return parked_.size();
}

TransportStats ScriptedTransport::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::vector<HttpRequest> ScriptedTransport::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t ScriptedTransport::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

HttpRequest ScriptedTransport::last_request() const {
  std::lock_guard lock(mu_);
  return requests_.back();
}

}  // namespace fct::net
