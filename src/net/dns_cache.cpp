#include "net/dns_cache.hpp"

namespace impostor::net {

std::optional<std::vector<std::string>> DnsCache::find(const std::string& host) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(host);
  if (it == entries_.end() || std::chrono::steady_clock::now() - it->second.at >= lifetime_) return std::nullopt;
  return it->second.addresses;
}

void DnsCache::remember(const std::string& host, std::vector<std::string> addresses) {
  if (addresses.empty()) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.insert_or_assign(host, Entry{std::move(addresses), std::chrono::steady_clock::now()});
}

}  // namespace impostor::net
