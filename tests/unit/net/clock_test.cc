#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "net/clock.h"
#include "net/testing.h"

namespace fct::net {
namespace {

using std::chrono::milliseconds;

TEST(FakeClockTest, ImmediateModeAdvancesAndRunsBeforeReturning) {
  FakeClock clock;
  auto wall0 = clock.now();
  auto steady0 = clock.steady_now();
  bool ran = false;
  clock.schedule_after(milliseconds(250), [&] {
    ran = true;
    EXPECT_EQ(clock.steady_now() - steady0, milliseconds(250));
  });
  EXPECT_TRUE(ran);
  EXPECT_EQ(clock.now() - wall0, milliseconds(250));
  clock.schedule_after(milliseconds(50), [] {});
  EXPECT_EQ(clock.delays(), (std::vector<milliseconds>{milliseconds(250), milliseconds(50)}));
  EXPECT_EQ(clock.total_delay(), milliseconds(300));
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(FakeClockTest, QueuedModeRunsInDueOrder) {
  FakeClock clock(FakeClock::Mode::kQueued);
  std::vector<int> order;
  clock.schedule_after(milliseconds(30), [&] { order.push_back(3); });
  clock.schedule_after(milliseconds(10), [&] { order.push_back(1); });
  clock.schedule_after(milliseconds(10), [&] { order.push_back(2); });
  EXPECT_EQ(clock.pending(), 3u);
  EXPECT_EQ(clock.run_due(), 0u);
  clock.advance(milliseconds(10));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  auto before = clock.steady_now();
  EXPECT_TRUE(clock.run_next());
  EXPECT_EQ(clock.steady_now() - before, milliseconds(20));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(clock.run_next());
}

TEST(FakeClockTest, SetNow) {
  FakeClock clock;
  auto t = std::chrono::sys_days{std::chrono::year{2030} / 6 / 1};
  clock.set_now(t);
  EXPECT_EQ(clock.now(), t);
}

TEST(SystemClockTest, RunsScheduledWorkInDueOrderNoEarlierThanAsked) {
  Clock& clock = system_clock();
  EXPECT_EQ(&clock, &system_clock());
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> order;
  std::vector<milliseconds> waited(2);
  auto t0 = clock.steady_now();
  clock.schedule_after(milliseconds(40), [&] {
    std::lock_guard lock(mu);
    waited[1] = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0);
    order.push_back(2);
    cv.notify_all();
  });
  clock.schedule_after(milliseconds(0), [&] {
    std::lock_guard lock(mu);
    waited[0] = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0);
    order.push_back(1);
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_GE(waited[1], milliseconds(40));
  auto wall = clock.now();
  EXPECT_LE(std::chrono::abs(wall - std::chrono::system_clock::now()), std::chrono::seconds(1));
}

}  // namespace
}  // namespace fct::net
