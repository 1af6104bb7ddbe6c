#pragma once
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/finding.hpp"

namespace impostor::scan {

// YARA findings of content already scanned, by what decides them: a digest of the bytes
// and the externals the scan defined. A scan is a function of those alone, so the same
// kit page on a hundred URLs, or the same jQuery on every site, is matched once per run.
// The findings are kept as the first scan made them; the caller puts each in its own
// place. Bounded: starts over when full. Thread-safe.
class ContentScanMemo {
 public:
  static constexpr size_t kMaxEntries = 4096;

  std::optional<std::vector<core::Finding>> find(const std::string& key) const;
  void remember(const std::string& key, std::vector<core::Finding> findings);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<core::Finding>> entries_;
};

}  // namespace impostor::scan
