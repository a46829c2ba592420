// SerialQueue and ManualScheduler used from several threads at once, as the server uses them
// (requests on N io threads, clock advances from an admin request). Meant to be run under
// ThreadSanitizer too (scripts/sanitize.sh tsan): plain, unsynchronised state touched only by
// queue tasks is a race report there if the queue ever lets two tasks overlap.

#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include "engine/core/scheduler.hpp"
#include "engine/core/serial_queue.hpp"

using scl::core::ManualClock;
using scl::core::ManualScheduler;
using scl::core::SerialQueue;
using scl::core::TimerId;

// Why: an execution's state is owned by its SerialQueue and has no lock of its own; posts come
// from request threads and timer callbacks at the same time.
TEST_CASE("serial queue posted from several threads runs every task once, one at a time") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  SerialQueue q;
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  long total = 0;                                              // guarded by the queue only
  std::vector<std::vector<int>> order(kThreads);               // guarded by the queue only
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        q.post([&, t, i] {
          if (inside.fetch_add(1) != 0) overlapped = true;
          total += i;
          order[static_cast<std::size_t>(t)].push_back(i);
          inside.fetch_sub(1);
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  q.post([] {});  // every post has returned; this drains anything still queued
  CHECK_FALSE(overlapped.load());
  CHECK(total == static_cast<long>(kThreads) * kPerThread * (kPerThread - 1) / 2);
  for (const auto& seen : order) {
    REQUIRE(seen.size() == static_cast<std::size_t>(kPerThread));
    bool in_order = true;
    for (int i = 0; i < kPerThread; ++i) in_order = in_order && seen[static_cast<std::size_t>(i)] == i;
    CHECK(in_order);  // one thread's posts run in posting order
  }
}

// Why: requests schedule and cancel timers while another request advances the manual clock;
// each timer must run at most once, a successfully cancelled one never.
TEST_CASE("manual scheduler: schedule and cancel from threads while the clock advances") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 300;
  ManualClock clock(0);
  ManualScheduler s(clock);
  std::vector<std::atomic<int>> runs(kThreads * kPerThread);
  std::vector<char> cancelled(kThreads * kPerThread, 0);  // each slot written by one thread
  std::atomic<bool> done{false};
  std::thread advancer([&] {
    while (!done.load()) s.advance_by(7);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto slot = static_cast<std::size_t>(t * kPerThread + i);
        const TimerId id = s.schedule_at(clock.now_ms() + i % 50, [&runs, slot] { ++runs[slot]; });
        if (i % 3 == 0 && s.cancel(id)) cancelled[slot] = 1;
      }
    });
  }
  for (auto& th : threads) th.join();
  done = true;
  advancer.join();
  s.advance_by(1000);  // everything still pending is due now
  CHECK(s.pending() == 0);
  int wrong = 0;
  for (std::size_t slot = 0; slot < runs.size(); ++slot) {
    if (runs[slot].load() != (cancelled[slot] != 0 ? 0 : 1)) ++wrong;
  }
  CHECK(wrong == 0);
}
