#include "engine/core/scheduler.hpp"

#include <doctest/doctest.h>

#include <vector>

using scl::core::ManualClock;
using scl::core::ManualScheduler;

// Why: every simulated timeline (builds, waits, retries) relies on callbacks running in deadline
// order with the clock set to each deadline.
TEST_CASE("manual scheduler runs callbacks in deadline order with the clock at each deadline") {
  ManualClock clock(1000);
  ManualScheduler s(clock);
  std::vector<std::pair<int, long>> seen;
  s.schedule_at(3000, [&] { seen.emplace_back(3, clock.now_ms()); });
  s.schedule_at(2000, [&] { seen.emplace_back(2, clock.now_ms()); });
  s.schedule_at(2000, [&] { seen.emplace_back(22, clock.now_ms()); });
  CHECK(s.advance_to(2500) == 2);
  CHECK(clock.now_ms() == 2500);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == std::pair<int, long>{2, 2000});
  CHECK(seen[1] == std::pair<int, long>{22, 2000});
  CHECK(s.advance_by(10'000) == 1);
  CHECK(seen.back() == std::pair<int, long>{3, 3000});
  CHECK(s.pending() == 0);
}

// Why: a timer scheduled by a callback for a time inside the same advance must also run.
TEST_CASE("callbacks scheduled during advance run within the same advance") {
  ManualClock clock(0);
  ManualScheduler s(clock);
  int count = 0;
  s.schedule_at(10, [&] {
    ++count;
    s.schedule_at(20, [&] { ++count; });
  });
  CHECK(s.advance_to(25) == 2);
  CHECK(count == 2);
}

// Why: StopBuild and task timeouts cancel timers; a cancelled callback must never run.
TEST_CASE("cancelled timers do not run") {
  ManualClock clock(0);
  ManualScheduler s(clock);
  bool ran = false;
  auto id = s.schedule_at(5, [&] { ran = true; });
  CHECK(s.cancel(id));
  CHECK_FALSE(s.cancel(id));
  s.advance_to(100);
  CHECK_FALSE(ran);
}

// Why: manual time never goes backwards, even if asked.
TEST_CASE("manual clock is monotonic") {
  ManualClock clock(500);
  clock.set(100);
  CHECK(clock.now_ms() == 500);
  clock.advance(25);
  CHECK(clock.now_ms() == 525);
}

#include "engine/core/log.hpp"
#include "engine/core/serial_queue.hpp"

// Why: executions rely on SerialQueue for ordering; a re-entrant post must run after, not inside.
TEST_CASE("serial queue runs re-entrant posts after the current task") {
  scl::core::SerialQueue q;
  std::vector<int> order;
  q.post([&] {
    order.push_back(1);
    q.post([&] { order.push_back(3); });
    order.push_back(2);
  });
  CHECK(order == std::vector<int>{1, 2, 3});
}

// Why: a task that throws (e.g. a database error while persisting a step) must not stop the
// queue: later tasks of the same execution still run.
TEST_CASE("serial queue survives a throwing task") {
  scl::core::set_log_level(scl::core::LogLevel::kError);
  scl::core::SerialQueue q;
  int ran = 0;
  q.post([] { throw std::runtime_error("boom"); });
  q.post([&] { ++ran; });
  CHECK(ran == 1);
}
