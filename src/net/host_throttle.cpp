#include "net/host_throttle.hpp"

namespace impostor::net {

void HostThrottle::acquire(const std::string& host) {
  if (!active()) return;
  std::unique_lock lock(mutex_);
  auto& s = hosts_[host];
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    const bool slot = limit_ == 0 || s.in_flight < limit_;
    const auto ready_at = s.last_start + delay_;
    if (slot && now >= ready_at) {
      ++s.in_flight;
      s.last_start = now;
      return;
    }
    ++s.waiting;
    if (!slot) {
      s.turn.wait(lock);
    } else {
      s.turn.wait_until(lock, ready_at);
    }
    --s.waiting;
  }
}

void HostThrottle::release(const std::string& host) {
  if (!active()) return;
  std::lock_guard lock(mutex_);
  auto it = hosts_.find(host);
  if (it == hosts_.end()) return;
  State& s = it->second;
  if (s.in_flight > 0) --s.in_flight;
  if (s.waiting > 0) {
    // One slot came free: one waiter can take it. A waiter that wakes before the delay is
    // over waits out the rest itself, so none is left asleep beside a slot it could use.
    s.turn.notify_one();
  } else if (s.in_flight == 0 && std::chrono::steady_clock::now() >= s.last_start + delay_) {
    hosts_.erase(it);
  }
}

size_t HostThrottle::hosts_tracked() {
  std::lock_guard lock(mutex_);
  return hosts_.size();
}

}  // namespace impostor::net
