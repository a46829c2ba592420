#include "clock.hpp"

#include <cmath>

namespace scl::core {

TimeMs real_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ScaledClock::ScaledClock(double scale, TimeMs origin_ms)
    : scale_(scale > 0 ? scale : 1.0), origin_ms_(origin_ms), real_start_(std::chrono::steady_clock::now()) {}

TimeMs ScaledClock::now_ms() const {
  const auto real_elapsed = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - real_start_)
                                .count();
  return origin_ms_ + static_cast<TimeMs>(std::floor(real_elapsed * scale_));
}

std::int64_t ScaledClock::real_delay_ms(TimeMs when) const {
  const TimeMs now = now_ms();
  if (when <= now) return 0;
  return static_cast<std::int64_t>(std::ceil(static_cast<double>(when - now) / scale_));
}

void ManualClock::set(TimeMs t) {
  TimeMs cur = now_.load(std::memory_order_acquire);
  while (t > cur && !now_.compare_exchange_weak(cur, t, std::memory_order_acq_rel)) {
  }
}

}  // namespace scl::core
