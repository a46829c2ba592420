#pragma once
// Where queued work runs. The execution runner posts Step Functions steps here, so they never
// compute on an HTTP I/O thread (issue 11, finding 4).
//
// - InlineExecutor runs each task on the posting thread before post() returns (unit tests, and
//   the deterministic behaviour the component tests rely on).
// - ThreadPool runs tasks on a fixed set of worker threads (one pool for the whole process, not a
//   thread per execution), in posting order, and can report when it is idle so that the manual
//   clock can wait for the work a clock move triggered.
//
// Threading: post() may be called from any thread, including from a task.
// Exceptions: a task that throws is logged and dropped; the executor goes on.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace scl::core {

class Executor {
 public:
  using Task = std::function<void()>;
  virtual ~Executor() = default;
  virtual void post(Task task) = 0;
  /// True when post() runs the task before returning.
  [[nodiscard]] virtual bool inline_execution() const { return false; }
};

class InlineExecutor final : public Executor {
 public:
  void post(Task task) override;
  [[nodiscard]] bool inline_execution() const override { return true; }
};

class ThreadPool final : public Executor {
 public:
  /// Starts `threads` workers (at least one).
  explicit ThreadPool(std::size_t threads);
  /// Stops accepting work, finishes what is queued, joins the workers.
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void post(Task task) override;
  /// Blocks until no task is queued or running, or `timeout_ms` passed. Returns true when idle.
  /// Tasks posted by running tasks count: idle means the whole cascade has settled.
  bool wait_idle(long timeout_ms);
  /// Stops the workers after the queued tasks ran (idempotent).
  void shutdown();
  [[nodiscard]] std::size_t size() const { return threads_.size(); }

 private:
  void work();

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Task> tasks_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace scl::core
