#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace impostor::net {

// Politeness toward each site during a crawl: at most `limit` requests in flight per host
// and at least `delay` between the starts of two requests to it. Callers block in
// acquire() (they are analysis threads that would wait on the fetch anyway); the network
// thread releases. Hosts with nothing in flight, no one waiting and an expired delay are
// forgotten, so memory follows the hosts in use, not every host ever seen.
class HostThrottle {
 public:
  HostThrottle(size_t limit, std::chrono::milliseconds delay) : limit_(limit), delay_(delay) {}
  void acquire(const std::string& host);
  void release(const std::string& host);
  bool active() const { return limit_ > 0 || delay_.count() > 0; }
  // Hosts currently remembered (in flight, waited for, or inside their delay).
  size_t hosts_tracked();

 private:
  // Each host has its own waiters: a release wakes a thread waiting for that host, not
  // every thread waiting for any host (with one shared condition, each release woke them
  // all; at --concurrency 64 over 19 hosts that was 7x the context switches of 32).
  struct State {
    size_t in_flight = 0;
    size_t waiting = 0;
    std::chrono::steady_clock::time_point last_start{};
    std::condition_variable turn;
  };
  size_t limit_;
  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::unordered_map<std::string, State> hosts_;  // node-based: a State stays put while waited on
};

}  // namespace impostor::net
