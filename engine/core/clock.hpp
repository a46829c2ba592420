#pragma once
// Time source for everything that is not the network layer. Nothing outside engine/core calls
// std::chrono::system_clock directly: services get a Clock, tests get a ManualClock.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace scl::core {

/// Simulated wall-clock time, epoch milliseconds.
using TimeMs = std::int64_t;

/// The latest time any clock here reads: 9999-12-31T23:59:59.999Z. ISO 8601 timestamps (and
/// with them `$$.Execution.StartTime` checked by TimestampPath, SDK timestamp parsers) have
/// four-digit years, so simulated time stops here: the clocks saturate and the admin routes
/// refuse to move past it (issue 11, finding 15).
inline constexpr TimeMs kMaxTimeMs = 253'402'300'799'999;

/// Reads the current (simulated) time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimeMs now_ms() const = 0;
};

/// Real epoch time of the host, in milliseconds.
TimeMs real_epoch_ms();

/// Wall clock that runs `scale` times faster than real time from `origin_ms`:
/// now = origin + (real_now - real_at_construction) * scale, saturating at kMaxTimeMs.
/// `origin_ms` lets the server keep simulated time monotonic across restarts (it starts at the
/// latest time already stored).
class ScaledClock final : public Clock {
 public:
  ScaledClock(double scale, TimeMs origin_ms);
  [[nodiscard]] TimeMs now_ms() const override;
  [[nodiscard]] double scale() const { return scale_; }
  /// Real milliseconds until simulated time `when` (0 if already reached; INT64_MAX for a time
  /// after kMaxTimeMs, which this clock never reaches).
  [[nodiscard]] std::int64_t real_delay_ms(TimeMs when) const;

 private:
  double scale_;
  TimeMs origin_ms_;
  std::chrono::steady_clock::time_point real_start_;
};

/// Time that moves only when told to, never past kMaxTimeMs. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start_ms) : now_(start_ms < kMaxTimeMs ? start_ms : kMaxTimeMs) {}
  [[nodiscard]] TimeMs now_ms() const override { return now_.load(std::memory_order_acquire); }
  /// Moves time to `t`; never backwards (a smaller value is ignored), never past kMaxTimeMs
  /// (a larger value moves it to kMaxTimeMs).
  void set(TimeMs t);
  void advance(TimeMs delta_ms) { set(now_ms() + delta_ms); }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace scl::core
