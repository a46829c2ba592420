#pragma once
// Deferred work on (simulated) time. Build phases, waits, retries and timeouts are scheduled
// callbacks, never sleeps or polling loops.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>

#include "clock.hpp"

namespace scl::core {

using TimerId = std::uint64_t;

/// Runs callbacks at simulated times. Implementations are thread-safe; a callback may run on any
/// thread of the owner (the io_context threads, or the thread calling ManualScheduler::advance)
/// and may itself schedule or cancel timers.
class Scheduler {
 public:
  using Callback = std::function<void()>;
  virtual ~Scheduler() = default;
  /// Schedules `cb` to run once at simulated time `when` (immediately-ish if already due).
  virtual TimerId schedule_at(TimeMs when, Callback cb) = 0;
  /// Cancels a pending timer. Returns false if it already ran or never existed.
  virtual bool cancel(TimerId id) = 0;
  [[nodiscard]] virtual const Clock& clock() const = 0;
  [[nodiscard]] virtual std::size_t pending() const = 0;
};

/// Scheduler over a ManualClock: nothing runs until advance() moves time. Callbacks run in
/// deadline order (ties in scheduling order) on the caller's thread, with the clock set to each
/// deadline before its callback runs.
class ManualScheduler final : public Scheduler {
 public:
  explicit ManualScheduler(ManualClock& clock) : clock_(clock) {}
  TimerId schedule_at(TimeMs when, Callback cb) override;
  bool cancel(TimerId id) override;
  [[nodiscard]] const Clock& clock() const override { return clock_; }
  [[nodiscard]] std::size_t pending() const override;

  /// Runs every callback due at or before `t` (including ones scheduled meanwhile), then sets
  /// the clock to `t`. Returns the number of callbacks run.
  std::size_t advance_to(TimeMs t);
  std::size_t advance_by(TimeMs delta_ms) { return advance_to(clock_.now_ms() + delta_ms); }
  /// Runs callbacks already due at the current time.
  std::size_t run_due() { return advance_to(clock_.now_ms()); }
  /// Deadline of the earliest pending timer, or -1.
  [[nodiscard]] TimeMs next_deadline() const;

 private:
  ManualClock& clock_;
  mutable std::mutex mu_;
  std::mutex advance_mu_;  // one advance at a time keeps callbacks in deadline order
  TimerId next_id_ = 1;
  std::multimap<std::pair<TimeMs, TimerId>, Callback> queue_;
  std::unordered_map<TimerId, TimeMs> index_;
};

}  // namespace scl::core
