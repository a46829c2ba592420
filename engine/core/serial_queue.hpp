#pragma once
// A strand: tasks posted to one SerialQueue run one at a time, in posting order. State owned by a
// queue needs no lock. Re-entrant posts (a task posting to its own queue) run after the current
// task, never inside it. A task that throws is logged and the queue goes on with the next one (a
// failed step must not wedge its execution forever).
//
// Where the tasks run:
// - without an executor (or with an inline one): on whichever thread posted while the queue was
//   idle (later posts made meanwhile are drained by that same thread);
// - with a ThreadPool: on the pool's workers. A queue drains a few tasks per turn and then gives
//   the worker back (re-posting itself), so one busy execution cannot starve the others. Such a
//   queue must be owned by a std::shared_ptr (a pending turn keeps it alive).

#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "engine/core/executor.hpp"
#include "engine/core/log.hpp"

namespace scl::core {

class SerialQueue : public std::enable_shared_from_this<SerialQueue> {
 public:
  /// Tasks per turn on a pool worker before the queue yields the thread.
  static constexpr int kTasksPerTurn = 4;

  explicit SerialQueue(Executor* executor = nullptr)
      : executor_(executor != nullptr && !executor->inline_execution() ? executor : nullptr) {}

  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
      if (draining_) return;
      draining_ = true;
    }
    if (executor_ != nullptr) {
      executor_->post([self = shared_from_this()] { self->drain(kTasksPerTurn); });
    } else {
      drain(-1);
    }
  }

  /// True when no task is queued or running (a snapshot: other threads may post meanwhile).
  [[nodiscard]] bool idle() {
    std::lock_guard lock(mu_);
    return !draining_ && tasks_.empty();
  }

 private:
  // Runs up to `budget` tasks (-1: until empty); re-posts itself when tasks remain.
  void drain(int budget) {
    for (int done = 0;; ++done) {
      std::function<void()> next;
      {
        std::lock_guard lock(mu_);
        if (tasks_.empty()) {
          draining_ = false;
          return;
        }
        if (budget >= 0 && done == budget) break;
        next = std::move(tasks_.front());
        tasks_.pop_front();
      }
      try {
        next();
      } catch (const std::exception& e) {
        log_error(std::string("serial queue task failed: ") + e.what());
      } catch (...) {
        log_error("serial queue task failed with an unknown exception");
      }
    }
    executor_->post([self = shared_from_this()] { self->drain(kTasksPerTurn); });
  }

  Executor* executor_;
  std::mutex mu_;
  std::deque<std::function<void()>> tasks_;
  bool draining_ = false;
};

}  // namespace scl::core
