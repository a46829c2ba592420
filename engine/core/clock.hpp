#pragma once
// Time source for everything that is not the network layer. Nothing outside engine/core calls
// std::chrono::system_clock directly: services get a Clock, tests get a ManualClock.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace scl::core {

/// Simulated wall-clock time, epoch milliseconds.
using TimeMs = std::int64_t;

/// Reads the current (simulated) time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimeMs now_ms() const = 0;
};

/// Real epoch time of the host, in milliseconds.
TimeMs real_epoch_ms();

/// Wall clock that runs `scale` times faster than real time from `origin_ms`:
/// now = origin + (real_now - real_at_construction) * scale. `origin_ms` lets the server keep
/// simulated time monotonic across restarts (it starts at the latest time already stored).
class ScaledClock final : public Clock {
 public:
  ScaledClock(double scale, TimeMs origin_ms);
  [[nodiscard]] TimeMs now_ms() const override;
  [[nodiscard]] double scale() const { return scale_; }
  /// Real milliseconds until simulated time `when` (0 if already reached).
  [[nodiscard]] std::int64_t real_delay_ms(TimeMs when) const;

 private:
  double scale_;
  TimeMs origin_ms_;
  std::chrono::steady_clock::time_point real_start_;
};

/// Time that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start_ms) : now_(start_ms) {}
  [[nodiscard]] TimeMs now_ms() const override { return now_.load(std::memory_order_acquire); }
  /// Moves time to `t`; never backwards (a smaller value is ignored).
  void set(TimeMs t);
  void advance(TimeMs delta_ms) { set(now_ms() + delta_ms); }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace scl::core
