#pragma once
// A strand without threads: tasks posted to one SerialQueue run one at a time, in posting order,
// on whichever thread posted while the queue was idle (later posts made meanwhile are drained by
// that same thread). State owned by a queue needs no lock. Re-entrant posts (a task posting to
// its own queue) run after the current task, never inside it.

#include <deque>
#include <functional>
#include <mutex>

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
      next();
    }
  }

 private:
  std::mutex mu_;
  std::deque<std::function<void()>> tasks_;
  bool draining_ = false;
};

}  // namespace scl::core
