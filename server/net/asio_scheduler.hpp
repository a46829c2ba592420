#pragma once
// Scheduler on Asio steady timers over a ScaledClock: a deadline in simulated time becomes a real
// delay of (deadline - now) / scale. One timer per scheduled callback; no thread per timer.

#include <memory>

#include "engine/core/clock.hpp"
#include "engine/core/scheduler.hpp"

namespace boost::asio {
class io_context;
}

namespace scl::server {

class AsioScheduler final : public core::Scheduler {
 public:
  AsioScheduler(boost::asio::io_context& ioc, const core::ScaledClock& clock);
  ~AsioScheduler() override;
  core::TimerId schedule_at(core::TimeMs when, Callback cb) override;
  bool cancel(core::TimerId id) override;
  [[nodiscard]] const core::Clock& clock() const override;
  [[nodiscard]] std::size_t pending() const override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace scl::server
