#include "scan/content_scan_memo.hpp"

namespace impostor::scan {

std::optional<std::vector<core::Finding>> ContentScanMemo::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void ContentScanMemo::remember(const std::string& key, std::vector<core::Finding> findings) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.insert_or_assign(key, std::move(findings));
}

}  // namespace impostor::scan
