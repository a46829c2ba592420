#include "scheduler.hpp"

#include <utility>

namespace scl::core {

TimerId ManualScheduler::schedule_at(TimeMs when, Callback cb) {
  std::lock_guard lock(mu_);
  const TimerId id = next_id_++;
  queue_.emplace(std::make_pair(when, id), std::move(cb));
  index_.emplace(id, when);
  return id;
}

bool ManualScheduler::cancel(TimerId id) {
  std::lock_guard lock(mu_);
  auto it = index_.find(id);
  if (it == index_.end()) return false;
  queue_.erase(std::make_pair(it->second, id));
  index_.erase(it);
  return true;
}

std::size_t ManualScheduler::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

TimeMs ManualScheduler::next_deadline() const {
  std::lock_guard lock(mu_);
  return queue_.empty() ? -1 : queue_.begin()->first.first;
}

std::size_t ManualScheduler::advance_to(TimeMs t) {
  std::lock_guard advancing(advance_mu_);
  std::size_t ran = 0;
  for (;;) {
    Callback cb;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty() || queue_.begin()->first.first > t) break;
      auto it = queue_.begin();
      clock_.set(it->first.first);
      cb = std::move(it->second);
      index_.erase(it->first.second);
      queue_.erase(it);
    }
    cb();
    ++ran;
  }
  clock_.set(t);
  return ran;
}

}  // namespace scl::core
