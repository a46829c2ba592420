// Why: past 9999-12-31T23:59:59.999Z ISO 8601 years have five digits and the engine rejected its
// own $$.Execution.StartTime (issue 11, finding 15); the clocks saturate there instead.
#include "engine/core/clock.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <thread>

using namespace scl::core;

TEST_CASE("kMaxTimeMs is 9999-12-31T23:59:59.999Z") {
  // 9999-12-31 is day 2,932,896 after 1970-01-01; then the day's last millisecond.
  CHECK(kMaxTimeMs == 2'932'896LL * 86'400'000 + 86'399'999);
}

TEST_CASE("a scaled clock saturates at kMaxTimeMs") {
  ScaledClock fast(1e9, kMaxTimeMs - 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(fast.now_ms() == kMaxTimeMs);
  CHECK(fast.real_delay_ms(kMaxTimeMs + 1) == std::numeric_limits<std::int64_t>::max());
  ScaledClock beyond(1.0, kMaxTimeMs + 5000);  // stored by an older version
  CHECK(beyond.now_ms() == kMaxTimeMs);
}

TEST_CASE("a manual clock never passes kMaxTimeMs") {
  ManualClock c(kMaxTimeMs - 10);
  c.advance(5);
  CHECK(c.now_ms() == kMaxTimeMs - 5);
  c.advance(1'000'000);
  CHECK(c.now_ms() == kMaxTimeMs);
  c.set(kMaxTimeMs + 1);
  CHECK(c.now_ms() == kMaxTimeMs);
  CHECK(ManualClock(kMaxTimeMs + 1).now_ms() == kMaxTimeMs);
}
