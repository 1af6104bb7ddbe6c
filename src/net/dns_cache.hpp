#pragma once
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace impostor::net {

// Addresses a host name resolved to in this run, kept for `lifetime` (libcurl's own DNS
// cache keeps 60 s too). A page, its cloaking probe, its favicon and its download are four
// look-ups of one name: without this each paid a getaddrinfo (a thread and, with no local
// caching resolver, a round trip to the DNS server). Only answers are kept, not failures.
// The addresses are checked by the address guard at every use, cached or not. Bounded
// (starts over when full); thread-safe.
class DnsCache {
 public:
  static constexpr size_t kMaxEntries = 4096;
  explicit DnsCache(std::chrono::milliseconds lifetime = std::chrono::seconds(60)) : lifetime_(lifetime) {}

  std::optional<std::vector<std::string>> find(const std::string& host) const;
  void remember(const std::string& host, std::vector<std::string> addresses);

 private:
  struct Entry {
    std::vector<std::string> addresses;
    std::chrono::steady_clock::time_point at;
  };
  std::chrono::milliseconds lifetime_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace impostor::net
