#pragma once
// A strand without threads: tasks posted to one SerialQueue run one at a time, in posting order,
// on whichever thread posted while the queue was idle (later posts made meanwhile are drained by
// that same thread). State owned by a queue needs no lock. Re-entrant posts (a task posting to
// its own queue) run after the current task, never inside it. A task that throws is logged and
// the queue goes on with the next one (a failed step must not wedge its execution forever).

#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>

#include "engine/core/log.hpp"

namespace scl::core {

class SerialQueue {
 public:
  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
      if (draining_) return;
      draining_ = true;
    }
    for (;;) {
      std::function<void()> next;
      {
        std::lock_guard lock(mu_);
        if (tasks_.empty()) {
          draining_ = false;
          return;
        }
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
  }

 private:
  std::mutex mu_;
  std::deque<std::function<void()>> tasks_;
  bool draining_ = false;
};

}  // namespace scl::core
