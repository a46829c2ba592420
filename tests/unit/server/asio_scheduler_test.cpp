// AsioScheduler under the real clock: timers scheduled and cancelled from several threads while
// N io threads run their callbacks, as in the server with --clock real. Meant to be run under
// ThreadSanitizer too (scripts/sanitize.sh tsan).

#include "server/net/asio_scheduler.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

using scl::core::ScaledClock;
using scl::core::TimerId;
using scl::server::AsioScheduler;

// Why: a timer must run at most once, never after a cancel() that returned true, and callbacks
// may schedule further timers from io threads.
TEST_CASE("asio scheduler: schedule and cancel from threads while io threads fire timers") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  constexpr std::size_t kSlots = kThreads * kPerThread;
  boost::asio::io_context ioc;
  auto work = boost::asio::make_work_guard(ioc);
  const ScaledClock clock(1000.0, 0);  // 1 simulated second per real millisecond
  std::vector<std::thread> io;
  for (int i = 0; i < 3; ++i) io.emplace_back([&ioc] { ioc.run(); });
  std::vector<std::atomic<int>> runs(kSlots);
  std::vector<char> cancelled(kSlots, 0);  // each slot written by one thread
  std::atomic<int> chained{0};
  std::atomic<std::size_t> finished{0};
  {
    AsioScheduler s(ioc, clock);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const auto slot = static_cast<std::size_t>(t * kPerThread + i);
          const TimerId id = s.schedule_at(clock.now_ms() + (i % 20) * 1000, [&, slot] {
            ++runs[slot];
            if (slot % 10 == 0) {  // a callback scheduling a timer, like a phase ending
              s.schedule_at(clock.now_ms(), [&] {
                ++chained;
                ++finished;
              });
            }
            ++finished;
          });
          if (i % 3 == 0 && s.cancel(id)) {
            cancelled[slot] = 1;
            ++finished;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    std::size_t expect_chained = 0;
    for (std::size_t slot = 0; slot < kSlots; slot += 10) expect_chained += cancelled[slot] ? 0 : 1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (finished.load() < kSlots + expect_chained && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(finished.load() == kSlots + expect_chained);
    CHECK(chained.load() == static_cast<int>(expect_chained));
    CHECK(s.pending() == 0);
  }  // destroyed while the io threads still run
  work.reset();
  ioc.stop();
  for (auto& th : io) th.join();
  int wrong = 0;
  for (std::size_t slot = 0; slot < kSlots; ++slot) {
    if (runs[slot].load() != (cancelled[slot] != 0 ? 0 : 1)) ++wrong;
  }
  CHECK(wrong == 0);
}
