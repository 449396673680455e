// Tests of the durable message queue (src/store/queue.h). Time is injected;
// nothing sleeps.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "common/time.h"
#include "store/queue.h"

namespace fct {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

struct FakeClock {
  std::atomic<int64_t> ms{1'700'000'000'000};
  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::time_point(milliseconds(ms.load()));
  }
  void advance(milliseconds d) { ms += d.count(); }
};

int64_t parse_ms(const std::string& iso) {
  auto t = parse_timestamp(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return std::chrono::duration_cast<milliseconds>(t->time_since_epoch()).count();
}

class QueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fct-queue-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    q_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  QueueOptions options() {
    QueueOptions o;
    o.max_attempts = 3;
    o.initial_backoff = 1000ms;
    o.max_backoff = 10000ms;
    o.lease = 60000ms;
    o.now = [this] { return clock_.now(); };
    return o;
  }

  MessageQueue& open() { return open(options()); }
  MessageQueue& open(QueueOptions o) {
    q_.reset();
    auto q = MessageQueue::open(dir_, std::move(o));
    EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().to_string());
    if (!q.ok()) std::abort();
    q_ = std::move(q).value();
    return *q_;
  }

  int64_t enqueue(const std::string& kind, const std::string& account = "ACME", bool coalesce = false,
                  const std::string& queue = kBatchQueueName) {
    auto r = q_->enqueue(queue, kind, account, "1", R"({"k":1})", coalesce);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? r->id : 0;
  }

  QueueMessage leased(const std::string& queue = kBatchQueueName) {
    auto r = q_->lease(queue);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    EXPECT_TRUE(r.ok() && r->has_value()) << "nothing to lease";
    return r.ok() && r->has_value() ? **r : QueueMessage{};
  }

  bool nothing_to_lease(const std::string& queue = kBatchQueueName) {
    auto r = q_->lease(queue);
    EXPECT_TRUE(r.ok());
    return r.ok() && !r->has_value();
  }

  QueueMessage get(int64_t id) {
    auto r = q_->get(id);
    EXPECT_TRUE(r.ok() && r->has_value()) << "no message " << id;
    return r.ok() && r->has_value() ? **r : QueueMessage{};
  }

  std::map<std::string, int64_t> counts(const std::string& queue = kBatchQueueName) {
    auto r = q_->counts(queue);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::map<std::string, int64_t>{};
  }

  std::string dir_;
  FakeClock clock_;
  std::unique_ptr<MessageQueue> q_;
};

TEST_F(QueueTest, EnqueueLeaseCompleteRoundTrip) {
  open();
  auto r = q_->enqueue(kBatchQueueName, "batch-inventory-sync", "ACME", "7", R"({"full":true})", true);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->coalesced);
  auto m = get(r->id);
  EXPECT_EQ(m.queue, "batch");
  EXPECT_EQ(m.kind, "batch-inventory-sync");
  EXPECT_EQ(m.account, "ACME");
  EXPECT_EQ(m.retailer, "7");
  EXPECT_EQ(m.payload, R"({"full":true})");
  EXPECT_EQ(m.state, "queued");
  EXPECT_EQ(m.attempts, 0);
  EXPECT_EQ(m.summary, "");
  EXPECT_EQ(m.lease_until, "");
  EXPECT_EQ(parse_ms(m.created_at), clock_.ms.load());
  EXPECT_EQ(m.created_at.back(), 'Z');

  clock_.advance(5ms);
  auto l = leased();
  EXPECT_EQ(l.id, r->id);
  EXPECT_EQ(l.state, "running");
  EXPECT_EQ(l.attempts, 1);
  EXPECT_EQ(parse_ms(l.lease_until), clock_.ms.load() + 60000);
  EXPECT_EQ(parse_ms(l.updated_at), clock_.ms.load());
  EXPECT_TRUE(nothing_to_lease());

  ASSERT_TRUE(q_->complete(l.id, "SUCCESSFUL", R"({"written":10})").ok());
  m = get(l.id);
  EXPECT_EQ(m.state, "SUCCESSFUL");
  EXPECT_EQ(m.summary, R"({"written":10})");
  EXPECT_EQ(m.lease_until, "");
  EXPECT_TRUE(nothing_to_lease());

  auto missing = q_->get(999);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(QueueTest, CompleteAndFailValidateState) {
  open();
  auto id = enqueue("job");
  auto s = q_->complete(id, "SUCCESSFUL", "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  EXPECT_EQ(q_->complete(12345, "FAILED", "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(q_->fail(id, "x", true).error().code, ErrorCode::kConflict);
  EXPECT_EQ(q_->release(id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(q_->extend_lease(12345).error().code, ErrorCode::kNotFound);
  leased();
  EXPECT_EQ(q_->complete(id, "done", "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(q_->complete(id, "FAILED", "{not json").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(q_->complete(id, "FAILED", R"({"error":"x"})").ok());
  EXPECT_EQ(get(id).state, "FAILED");
}

TEST_F(QueueTest, EnqueueValidatesInput) {
  open();
  EXPECT_EQ(q_->enqueue("", "k", "a", "r", "{}", false).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(q_->enqueue("batch", "", "a", "r", "{}", false).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(q_->enqueue("batch", "k", "a", "r", "{oops", false).error().code, ErrorCode::kInvalidArgument);
  auto r = q_->enqueue("batch", "k", "a", "r", "", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get(r->id).payload, "{}");
}

TEST_F(QueueTest, FifoOrderAndQueuesAreSeparate) {
  open();
  auto a = enqueue("job", "A");
  auto e = enqueue("order-created", "A", false, kEventQueueName);
  auto b = enqueue("job", "B");
  auto c = enqueue("job", "C");
  EXPECT_EQ(leased().id, a);
  EXPECT_EQ(leased().id, b);
  EXPECT_EQ(leased().id, c);
  EXPECT_TRUE(nothing_to_lease());
  EXPECT_EQ(leased(kEventQueueName).id, e);
}

TEST_F(QueueTest, CoalescesWhileRunningIntoOneFollowUp) {
  open();
  auto first = enqueue("batch-inventory-sync", "ACME", true);
  EXPECT_EQ(leased().id, first);
  std::set<int64_t> ids;
  int coalesced = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = q_->enqueue(kBatchQueueName, "batch-inventory-sync", "ACME", "1", "{}", true);
    ASSERT_TRUE(r.ok());
    ids.insert(r->id);
    coalesced += r->coalesced;
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(coalesced, 9);
  EXPECT_NE(*ids.begin(), first);
  auto c = counts();
  EXPECT_EQ(c["running"], 1);
  EXPECT_EQ(c["queued"], 1);
  // Another retailer is another job key: not coalesced.
  auto other = q_->enqueue(kBatchQueueName, "batch-inventory-sync", "ACME", "2", "{}", true);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->coalesced);
}

TEST_F(QueueTest, CoalescesWhileIdleIntoOneMessage) {
  open();
  std::set<int64_t> ids;
  for (int i = 0; i < 10; ++i) ids.insert(enqueue("batch-inventory-sync", "ACME", true));
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(counts()["queued"], 1);
  // Without coalescing (events) every enqueue adds a message.
  for (int i = 0; i < 3; ++i) enqueue("batch-inventory-sync", "ACME", false);
  EXPECT_EQ(counts()["queued"], 4);
}

TEST_F(QueueTest, LeaseSkipsRunningJobKeyButTakesOthers) {
  open();
  auto a1 = enqueue("job", "A");
  EXPECT_EQ(leased().id, a1);
  auto a2 = enqueue("job", "A");
  auto b = enqueue("job", "B");
  auto a_other_kind = enqueue("other-job", "A");
  EXPECT_EQ(leased().id, b);
  EXPECT_EQ(leased().id, a_other_kind);
  EXPECT_TRUE(nothing_to_lease());
  auto next = q_->next_available_in(kBatchQueueName);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value()) << "a blocked message must not make workers spin";
  ASSERT_TRUE(q_->complete(a1, "SUCCESSFUL", "").ok());
  next = q_->next_available_in(kBatchQueueName);
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(**next, 0ms);
  EXPECT_EQ(leased().id, a2);
}

TEST_F(QueueTest, RetryableFailureBacksOffThenDies) {
  open();  // max_attempts 3, backoff 1s, 2s, ...
  auto id = enqueue("job");
  auto m = leased();
  auto st = q_->fail(id, "HTTP 503", true);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, "queued");
  m = get(id);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.last_error, "HTTP 503");
  EXPECT_EQ(m.summary, "") << "no summary given: none recorded";
  EXPECT_EQ(parse_ms(m.available_at), clock_.ms.load() + 1000);
  EXPECT_TRUE(nothing_to_lease());
  auto next = q_->next_available_in(kBatchQueueName);
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(**next, 1000ms);
  clock_.advance(999ms);
  EXPECT_TRUE(nothing_to_lease());
  clock_.advance(1ms);
  m = leased();
  EXPECT_EQ(m.id, id);
  EXPECT_EQ(m.attempts, 2);

  st = q_->fail(id, "HTTP 503 again", true);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, "queued");
  EXPECT_EQ(parse_ms(get(id).available_at), clock_.ms.load() + 2000);
  clock_.advance(1999ms);
  EXPECT_TRUE(nothing_to_lease());
  clock_.advance(1ms);
  EXPECT_EQ(leased().attempts, 3);

  st = q_->fail(id, "HTTP 503 third", true);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, "dead");
  clock_.advance(1h);
  EXPECT_TRUE(nothing_to_lease());
  auto dead = q_->dead(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].id, id);
  EXPECT_EQ((*dead)[0].attempts, 3);
  EXPECT_EQ((*dead)[0].last_error, "HTTP 503 third");
}

TEST_F(QueueTest, BackoffIsCapped) {
  auto o = options();
  o.max_attempts = 10;
  o.initial_backoff = 1000ms;
  o.max_backoff = 3000ms;
  open(std::move(o));
  auto id = enqueue("job");
  std::vector<int64_t> delays;
  for (int i = 0; i < 4; ++i) {
    leased();
    ASSERT_TRUE(q_->fail(id, "e", true).ok());
    int64_t delay = parse_ms(get(id).available_at) - clock_.ms.load();
    delays.push_back(delay);
    clock_.advance(milliseconds(delay));
  }
  EXPECT_EQ(delays, (std::vector<int64_t>{1000, 2000, 3000, 3000}));
}

TEST_F(QueueTest, NonRetryableFailureIsDeadAtOnce) {
  open();
  auto id = enqueue("job");
  leased();
  EXPECT_EQ(q_->fail(id, "x", false, "{bad").error().code, ErrorCode::kInvalidArgument);
  auto st = q_->fail(id, "invalid setting", false, R"({"reason":"invalid setting"})");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, "dead");
  auto m = get(id);
  EXPECT_EQ(m.state, "dead");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.summary, R"({"reason":"invalid setting"})");
  EXPECT_TRUE(nothing_to_lease());
}

TEST_F(QueueTest, ReplayOneAndAll) {
  open();
  std::vector<int64_t> ids;
  for (const char* acct : {"A", "B", "C"}) {
    ids.push_back(enqueue("job", acct));
    leased();
    ASSERT_TRUE(q_->fail(ids.back(), std::string("broken ") + acct, false).ok());
  }
  auto dead = q_->dead(2);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 2u);
  EXPECT_EQ((*dead)[0].id, ids[0]);
  EXPECT_EQ((*dead)[1].id, ids[1]);

  auto n = q_->replay(ids[1]);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  auto m = get(ids[1]);
  EXPECT_EQ(m.state, "queued");
  EXPECT_EQ(m.attempts, 0);
  EXPECT_EQ(m.last_error, "broken B");
  n = q_->replay(ids[1]);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0) << "not dead any more";
  EXPECT_EQ(q_->replay(int64_t{999}).error().code, ErrorCode::kNotFound);

  EXPECT_EQ(leased().id, ids[1]);
  n = q_->replay(std::nullopt);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  dead = q_->dead(10);
  ASSERT_TRUE(dead.ok());
  EXPECT_TRUE(dead->empty());
  EXPECT_EQ(leased().id, ids[0]);
  EXPECT_EQ(leased().id, ids[2]);
}

TEST_F(QueueTest, ReleaseDoesNotCountAnAttempt) {
  open();
  auto id = enqueue("job");
  leased();
  ASSERT_TRUE(q_->release(id).ok());
  auto m = get(id);
  EXPECT_EQ(m.state, "queued");
  EXPECT_EQ(m.attempts, 0);
  EXPECT_EQ(m.lease_until, "");
  auto again = leased();
  EXPECT_EQ(again.id, id);
  EXPECT_EQ(again.attempts, 1);
}

TEST_F(QueueTest, ExtendAndExpireLeases) {
  open();  // lease 60s
  auto a = enqueue("job", "A");
  auto b = enqueue("job", "B");
  leased();
  leased();
  clock_.advance(30s);
  ASSERT_TRUE(q_->extend_lease(b).ok());
  EXPECT_EQ(parse_ms(get(b).lease_until), clock_.ms.load() + 60000);
  clock_.advance(30s);  // a's lease ends exactly now: not yet passed
  auto n = q_->expire_leases();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  clock_.advance(1ms);
  n = q_->expire_leases();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  auto m = get(a);
  EXPECT_EQ(m.state, "queued");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.last_error, "lease expired");
  EXPECT_EQ(get(b).state, "running");
  EXPECT_EQ(leased().id, a);
  EXPECT_EQ(q_->complete(a, "SUCCESSFUL", "").ok(), true);
}

TEST_F(QueueTest, ExpiredLeaseAtMaxAttemptsGoesDead) {
  auto o = options();
  o.max_attempts = 1;
  open(std::move(o));
  auto id = enqueue("job");
  leased();
  clock_.advance(61s);
  auto n = q_->expire_leases();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(get(id).state, "dead");
}

TEST_F(QueueTest, PersistsAcrossReopenAndRequeuesRunning) {
  open();
  auto done = enqueue("job", "A");
  auto running = enqueue("job", "B");
  auto waiting = enqueue("job", "C");
  EXPECT_EQ(leased().id, done);
  ASSERT_TRUE(q_->complete(done, "SUCCESSFUL", R"({"n":1})").ok());
  EXPECT_EQ(leased().id, running);
  q_.reset();

  open();
  auto m = get(done);
  EXPECT_EQ(m.state, "SUCCESSFUL");
  EXPECT_EQ(m.summary, R"({"n":1})");
  m = get(running);
  EXPECT_EQ(m.state, "queued");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.lease_until, "");
  EXPECT_FALSE(m.last_error.empty());
  EXPECT_EQ(get(waiting).state, "queued");
  EXPECT_EQ(leased().id, running);  // at once, not after the lease would have expired
  EXPECT_EQ(leased().id, waiting);
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir_) / "fluent-ct.db"));
}

TEST_F(QueueTest, ReopenSendsExhaustedRunningMessageToDead) {
  auto o = options();
  o.max_attempts = 2;
  open(o);
  auto id = enqueue("job");
  leased();
  ASSERT_TRUE(q_->fail(id, "e", true).ok());
  clock_.advance(1s);
  leased();  // second delivery; the process "dies" during it
  q_.reset();
  open(o);
  EXPECT_EQ(get(id).state, "dead");
}

TEST_F(QueueTest, SecondOpenInSameProcessIsRefused) {
  open();
  auto second = MessageQueue::open(dir_, options());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(second.error().message.find("data dir " + dir_ + " is in use by pid " + std::to_string(getpid())),
            std::string::npos)
      << second.error().message;
  auto lock = DataDirLock::acquire(dir_);
  EXPECT_FALSE(lock.ok());
  q_.reset();
  auto third = MessageQueue::open(dir_, options());
  EXPECT_TRUE(third.ok()) << "the lock is released when the queue is destroyed";
}

TEST_F(QueueTest, SecondOwnerProcessIsRefused) {
  open();
  enqueue("job");
  pid_t parent = getpid();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto q = MessageQueue::open(dir_, QueueOptions{});
    int code = 0;
    if (q.ok()) {
      code = 1;
    } else if (q.error().code != ErrorCode::kUnavailable) {
      code = 2;
    } else if (q.error().message.find("in use by pid " + std::to_string(parent)) == std::string::npos) {
      code = 3;
    }
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: opened, 2: wrong code, 3: wrong message";

  // Once the owner is gone another process can take over.
  q_.reset();
  child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto q = MessageQueue::open(dir_, QueueOptions{});
    _exit(q.ok() ? 0 : 1);
  }
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A child process enqueues 100 messages, leases 10 and dies without closing
// anything; the next owner finds all 100, the 10 leased ones queued again.
class QueueCrashTest : public QueueTest, public ::testing::WithParamInterface<bool> {};

TEST_P(QueueCrashTest, NothingAcknowledgedIsLost) {
  bool kill9 = GetParam();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto q = MessageQueue::open(dir_, QueueOptions{});
    if (!q.ok()) _exit(10);
    for (int i = 0; i < 100; ++i) {
      if (!(*q)->enqueue(kEventQueueName, "order-created", "acct-" + std::to_string(i), "1", "{}", false).ok()) _exit(11);
    }
    for (int i = 0; i < 10; ++i) {
      auto m = (*q)->lease(kEventQueueName);
      if (!m.ok() || !m->has_value()) _exit(12);
    }
    if (kill9) raise(SIGKILL);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  if (kill9) {
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
  } else {
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
  }

  open();
  auto c = counts(kEventQueueName);
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(c["queued"], 100);
  int redelivered = 0;
  for (int64_t id = 1; id <= 100; ++id) {
    auto m = get(id);
    EXPECT_EQ(m.state, "queued");
    redelivered += m.attempts == 1;
  }
  EXPECT_EQ(redelivered, 10);
  EXPECT_EQ(leased(kEventQueueName).id, 1);  // the oldest first, at once
}

INSTANTIATE_TEST_SUITE_P(Exit, QueueCrashTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Kill9" : "ExitWithoutClose"; });

TEST_F(QueueTest, ConcurrentLeasesNeverShareAMessage) {
  open();
  constexpr int kMessages = 200;
  for (int i = 0; i < kMessages; ++i) enqueue("job", "acct-" + std::to_string(i));
  // Same job key for a second batch: at most one of them may run at a time.
  for (int i = 0; i < 20; ++i) enqueue("shared-job", "SAME");
  std::vector<std::vector<int64_t>> got(4);
  std::atomic<int> shared_running{0};
  std::atomic<bool> overlap{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (;;) {
        auto m = q_->lease(kBatchQueueName);
        if (!m.ok()) {
          ++errors;
          return;
        }
        if (!m->has_value()) {
          // Blocked shared-job messages remain while another thread runs one.
          auto c = q_->counts(kBatchQueueName);
          if (!c.ok()) {
            ++errors;
            return;
          }
          if (c->count("queued") == 0) return;
          std::this_thread::yield();
          continue;
        }
        got[t].push_back((*m)->id);
        bool shared = (*m)->kind == "shared-job";
        if (shared && shared_running.fetch_add(1) != 0) overlap = true;
        if (shared) shared_running.fetch_sub(1);
        if (!q_->complete((*m)->id, "SUCCESSFUL", "").ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_FALSE(overlap.load());
  std::vector<int64_t> all;
  for (auto& v : got) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kMessages + 20));
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a message was leased twice";
  EXPECT_EQ(counts()["SUCCESSFUL"], kMessages + 20);
}

TEST_F(QueueTest, WaitForWorkWakesOnEnqueueWithGeneration) {
  open();
  auto gen = q_->work_generation();
  std::atomic<bool> woke{false};
  std::thread waiter([&] { woke = q_->wait_for_work(600s, gen); });
  enqueue("job");  // before or after the waiter blocks: no lost wakeup
  waiter.join();
  EXPECT_TRUE(woke.load());
}

TEST_F(QueueTest, WaitForWorkWakesOnEnqueue) {
  open();
  std::atomic<bool> done{false};
  std::atomic<bool> woke{false};
  std::thread waiter([&] {
    woke = q_->wait_for_work(600s);
    done = true;
  });
  // The one-argument wait only sees notifies after it starts: keep notifying
  // until it returns (a failure shows as a 10-minute test, not a flaky one).
  int n = 0;
  while (!done.load()) {
    enqueue("job-" + std::to_string(n++ % 4), "A", true);
    std::this_thread::yield();
  }
  waiter.join();
  EXPECT_TRUE(woke.load());
}

TEST_F(QueueTest, WaitForWorkTimesOutAndShutdownWakes) {
  open();
  EXPECT_FALSE(q_->wait_for_work(5ms));
  EXPECT_TRUE(q_->wait_for_work(0ms, q_->work_generation() - 1));
  std::atomic<bool> woke{false};
  auto gen = q_->work_generation();
  std::thread waiter([&] { woke = q_->wait_for_work(600s, gen); });
  q_->shutdown();
  waiter.join();
  EXPECT_TRUE(woke.load());
  EXPECT_TRUE(q_->is_shutdown());
  EXPECT_TRUE(q_->wait_for_work(600s));  // returns at once after shutdown
}

TEST_F(QueueTest, CompleteAndReplayNotify) {
  open();
  auto id = enqueue("job");
  leased();
  auto gen = q_->work_generation();
  ASSERT_TRUE(q_->complete(id, "SUCCESSFUL", "").ok());
  EXPECT_NE(q_->work_generation(), gen);
  id = enqueue("job");
  leased();
  ASSERT_TRUE(q_->fail(id, "x", false).ok());
  gen = q_->work_generation();
  ASSERT_TRUE(q_->replay(std::nullopt).ok());
  EXPECT_NE(q_->work_generation(), gen);
}

TEST_F(QueueTest, NextAvailableIn) {
  open();
  auto next = q_->next_available_in(kBatchQueueName);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  enqueue("job");
  next = q_->next_available_in(kBatchQueueName);
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(**next, 0ms);
  next = q_->next_available_in(kEventQueueName);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
}

TEST_F(QueueTest, PurgeFinished) {
  open();
  auto a = enqueue("job", "A");
  auto b = enqueue("job", "B");
  leased();
  ASSERT_TRUE(q_->complete(a, "SUCCESSFUL", "").ok());
  clock_.advance(2h);
  auto n = q_->purge_finished(1h);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  auto gone = q_->get(a);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(get(b).state, "queued");
  // Ids are never reused.
  EXPECT_GT(enqueue("job", "C"), b);
}

TEST_F(QueueTest, RejectsBadOptions) {
  auto o = options();
  o.max_attempts = 0;
  auto q = MessageQueue::open(dir_, o);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, ErrorCode::kInvalidArgument);
}

TEST(DescribeTest, OneLineSummary) {
  QueueMessage m;
  m.id = 12;
  m.queue = "batch";
  m.kind = "batch-inventory-sync";
  m.account = "ACME";
  m.retailer = "1";
  m.state = "dead";
  m.attempts = 5;
  m.updated_at = "2024-01-02T03:04:05.000000000Z";
  m.last_error = "HTTP 503\nretry later";
  EXPECT_EQ(describe(m),
            "#12 batch batch-inventory-sync account=ACME retailer=1 dead attempts=5 "
            "updated=2024-01-02T03:04:05.000000000Z error=\"HTTP 503 retry later\"");
  m.last_error = std::string(300, 'x');
  auto line = describe(m);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_LT(line.size(), 300u);
}

}  // namespace
}  // namespace fct
