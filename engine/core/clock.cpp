#include "clock.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace scl::core {

TimeMs real_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ScaledClock::ScaledClock(double scale, TimeMs origin_ms)
    : scale_(scale > 0 ? scale : 1.0),
      origin_ms_(std::min(origin_ms, kMaxTimeMs)),
      real_start_(std::chrono::steady_clock::now()) {}

TimeMs ScaledClock::now_ms() const {
  const auto real_elapsed = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - real_start_)
                                .count();
  // In double: elapsed * scale may not fit an int64 after a long run at a large --time-scale.
  const double simulated = std::floor(real_elapsed * scale_);
  const double room = static_cast<double>(kMaxTimeMs - origin_ms_);
  if (simulated >= room) return kMaxTimeMs;
  return origin_ms_ + static_cast<TimeMs>(simulated);
}

std::int64_t ScaledClock::real_delay_ms(TimeMs when) const {
  if (when > kMaxTimeMs) return std::numeric_limits<std::int64_t>::max();
  const TimeMs now = now_ms();
  if (when <= now) return 0;
  return static_cast<std::int64_t>(std::ceil(static_cast<double>(when - now) / scale_));
}

void ManualClock::set(TimeMs t) {
  t = std::min(t, kMaxTimeMs);
  TimeMs cur = now_.load(std::memory_order_acquire);
  while (t > cur && !now_.compare_exchange_weak(cur, t, std::memory_order_acq_rel)) {
  }
}

}  // namespace scl::core
