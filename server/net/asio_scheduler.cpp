#include "server/net/asio_scheduler.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <unordered_map>

namespace scl::server {
namespace net = boost::asio;

struct AsioScheduler::Impl : std::enable_shared_from_this<AsioScheduler::Impl> {
  Impl(net::io_context& i, const core::ScaledClock& c) : ioc(i), clock(c) {}
  net::io_context& ioc;
  const core::ScaledClock& clock;
  std::mutex mu;
  core::TimerId next_id = 1;
  std::unordered_map<core::TimerId, std::shared_ptr<net::steady_timer>> timers;
};

AsioScheduler::AsioScheduler(net::io_context& ioc, const core::ScaledClock& clock)
    : impl_(std::make_shared<Impl>(ioc, clock)) {}

AsioScheduler::~AsioScheduler() {
  std::lock_guard lock(impl_->mu);
  for (auto& [id, t] : impl_->timers) t->cancel();
  impl_->timers.clear();
}

core::TimerId AsioScheduler::schedule_at(core::TimeMs when, Callback cb) {
  auto timer = std::make_shared<net::steady_timer>(impl_->ioc);
  // steady_timer counts nanoseconds in 64 bits (292 years): a longer delay (a Wait until the year
  // 2400 at --time-scale 1) overflowed into the past and fired at once. A century means "never".
  constexpr std::int64_t kLongestDelayMs = 100LL * 366 * 24 * 3600 * 1000;
  timer->expires_after(
      std::chrono::milliseconds(std::min(impl_->clock.real_delay_ms(when), kLongestDelayMs)));
  core::TimerId id = 0;
  {
    std::lock_guard lock(impl_->mu);
    id = impl_->next_id++;
    impl_->timers.emplace(id, timer);
  }
  std::weak_ptr<Impl> weak = impl_;
  timer->async_wait([weak, id, cb = std::move(cb)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    auto impl = weak.lock();
    if (!impl) return;
    {
      std::lock_guard lock(impl->mu);
      if (impl->timers.erase(id) == 0) return;  // cancelled after it fired
    }
    cb();
  });
  return id;
}

bool AsioScheduler::cancel(core::TimerId id) {
  std::shared_ptr<net::steady_timer> t;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->timers.find(id);
    if (it == impl_->timers.end()) return false;
    t = std::move(it->second);
    impl_->timers.erase(it);
  }
  t->cancel();
  return true;
}

const core::Clock& AsioScheduler::clock() const { return impl_->clock; }

std::size_t AsioScheduler::pending() const {
  std::lock_guard lock(impl_->mu);
  return impl_->timers.size();
}

}  // namespace scl::server
