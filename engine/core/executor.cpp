#include "engine/core/executor.hpp"

#include <chrono>
#include <exception>
#include <string>

#include "engine/core/crash_guard.hpp"
#include "engine/core/log.hpp"

namespace scl::core {
namespace {
void run_logged(const Executor::Task& task) {
  try {
    task();
  } catch (const std::exception& e) {
    log_error(std::string("queued task failed: ") + e.what());
  } catch (...) {
    log_error("queued task failed with an unknown exception");
  }
}
}  // namespace

void InlineExecutor::post(Task task) { run_logged(task); }

ThreadPool::ThreadPool(std::size_t threads) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() { shutdown(); }

void ThreadPool::shutdown() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void ThreadPool::post(Task task) {
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

bool ThreadPool::wait_idle(long timeout_ms) {
  std::unique_lock lock(mu_);
  return idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [this] { return tasks_.empty() && running_ == 0; });
}

void ThreadPool::work() {
  CrashGuard::prepare_thread();
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and everything queued has run
    Task task = std::move(tasks_.front());
    tasks_.pop_front();
    ++running_;
    lock.unlock();
    run_logged(task);
    task = nullptr;  // release captures outside the lock
    lock.lock();
    --running_;
    if (tasks_.empty() && running_ == 0) idle_.notify_all();
  }
}

}  // namespace scl::core
