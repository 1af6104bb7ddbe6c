#include "net/host_throttle.hpp"

namespace impostor::net {

void HostThrottle::acquire(const std::string& host) {
  if (!active()) return;
  std::unique_lock lock(mutex_);
  while (true) {
    auto& s = hosts_[host];
    const auto now = std::chrono::steady_clock::now();
    const bool slot = limit_ == 0 || s.in_flight < limit_;
    const auto ready_at = s.last_start + delay_;
    if (slot && now >= ready_at) {
      ++s.in_flight;
      s.last_start = now;
      return;
    }
    if (!slot) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, ready_at);
    }
  }
}

void HostThrottle::release(const std::string& host) {
  if (!active()) return;
  {
    std::lock_guard lock(mutex_);
    auto it = hosts_.find(host);
    if (it == hosts_.end()) return;
    if (it->second.in_flight > 0) --it->second.in_flight;
    if (it->second.in_flight == 0 && std::chrono::steady_clock::now() >= it->second.last_start + delay_)
      hosts_.erase(it);
  }
  cv_.notify_all();
}

}  // namespace impostor::net
