#include "engine/core/executor.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "engine/core/crash_guard.hpp"
#include "engine/core/serial_queue.hpp"

using namespace scl::core;

// Why: execution steps run on a pool; wait_idle() is how the manual clock knows the work a clock
// move triggered has settled, including work that work posted.
TEST_CASE("thread pool runs everything and wait_idle sees cascades settle") {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) {
    pool.post([&] {
      ++ran;
      pool.post([&] { ++ran; });
    });
  }
  CHECK(pool.wait_idle(10000));
  CHECK(ran.load() == 200);
}

// Why: issue 11 finding 4: one execution busy for a long time must not starve the others; a
// queue on a pool gives its worker back every few tasks.
TEST_CASE("a busy serial queue on a one-thread pool lets another queue run in between") {
  ThreadPool pool(1);
  auto busy = std::make_shared<SerialQueue>(&pool);
  auto other = std::make_shared<SerialQueue>(&pool);
  std::atomic<int> busy_done{0};
  std::atomic<int> busy_at_other{-1};
  // Hold the only worker while posting: 1,000 tasks on one queue, then the other's single task.
  std::atomic<bool> open{false};
  pool.post([&] {
    while (!open.load()) std::this_thread::yield();
  });
  for (int i = 0; i < 1000; ++i) busy->post([&] { ++busy_done; });
  other->post([&] { busy_at_other = busy_done.load(); });
  open = true;
  CHECK(pool.wait_idle(10000));
  CHECK(busy_done.load() == 1000);
  CHECK(busy_at_other.load() >= 0);
  CHECK(busy_at_other.load() < 100);  // it did not wait for the 1,000
}

// Why: a queue keeps tasks in order and one at a time on a pool too.
TEST_CASE("serial queue on a pool keeps order and never overlaps") {
  ThreadPool pool(4);
  auto q = std::make_shared<SerialQueue>(&pool);
  std::vector<int> seen;  // guarded by the queue only
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  for (int i = 0; i < 2000; ++i) {
    q->post([&, i] {
      if (inside.fetch_add(1) != 0) overlapped = true;
      seen.push_back(i);
      inside.fetch_sub(1);
    });
  }
  CHECK(pool.wait_idle(10000));
  CHECK_FALSE(overlapped.load());
  REQUIRE(seen.size() == 2000);
  bool ordered = true;
  for (int i = 0; i < 2000; ++i) ordered = ordered && seen[static_cast<std::size_t>(i)] == i;
  CHECK(ordered);
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// Why: issue 11 finding 2: the next start must know which execution the process crashed on, and
// a kill -9 must not count as a crash of the emulator.
TEST_CASE("crash guard records the execution a thread crashed in, and nothing for SIGKILL") {
  const auto marker = std::filesystem::temp_directory_path() /
                      ("scl-crash-marker-" + std::to_string(getpid()));
  std::filesystem::remove(marker);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    CrashGuard::install(marker.string());
    std::thread t([] {
      CrashGuard::prepare_thread();
      CrashGuard::Running running(42);
      std::raise(SIGSEGV);
    });
    t.join();
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGSEGV);
  CHECK(CrashGuard::read_and_clear(marker.string()) == std::vector<std::int64_t>{42});
  CHECK(CrashGuard::read_and_clear(marker.string()).empty());

  const pid_t killed = fork();
  REQUIRE(killed >= 0);
  if (killed == 0) {
    CrashGuard::install(marker.string());
    CrashGuard::Running running(7);
    std::raise(SIGKILL);
    _exit(0);
  }
  waitpid(killed, &status, 0);
  CHECK(CrashGuard::read_and_clear(marker.string()).empty());
  std::filesystem::remove(marker);
}
#endif
