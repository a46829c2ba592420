#pragma once
// Test-control routes under /_emulator/ (not AWS): health, reset, manual clock.
//   GET  /_emulator/health         {"status":"ok","clock":"manual"|"real","now":<epoch s>}
//   POST /_emulator/reset          wipes every resource of every account; {}
//   GET  /_emulator/clock          {"mode":..., "now":<epoch s>, "timeScale":x, "pendingTimers":n}
//   POST /_emulator/clock/advance  {"seconds": n} -> runs everything due; manual clock only
//   POST /_emulator/clock/set      {"now": <epoch s>} -> forward only; manual clock only
// POSTs need Content-Type: application/json (415 otherwise: what a web page can send without a
// preflight is refused). The clock never moves past 9999-12-31T23:59:59.999Z (400).

#include <functional>

#include "engine/core/clock.hpp"
#include "engine/core/scheduler.hpp"
#include "server/net/http_server.hpp"

namespace scl::server {

struct AdminContext {
  const core::Clock* clock = nullptr;
  core::Scheduler* scheduler = nullptr;
  core::ManualScheduler* manual = nullptr;  // set in manual clock mode
  double time_scale = 1.0;
  std::function<void()> reset;
  /// Called after the manual clock moved (the server persists the new time).
  std::function<void()> clock_moved;
  /// Waits until the work queued so far (execution steps on the worker pool) has run. The manual
  /// clock calls it before and after moving time, so a clock move returns with everything it
  /// triggered done, as on one thread (null: nothing to wait for).
  std::function<void()> settle;
};

HttpResponse handle_admin(const AdminContext& ctx, const HttpRequest& req);

}  // namespace scl::server
